import { describe, expect, it } from 'vitest';
import { buildDataFrame } from '@cov/shared/lorawan/frame-builder';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import type { DataFrame } from '@cov/shared/lorawan/types';
import type { RouteConfig, RoutingConfig } from '@cov/shared/routing/routing-config';
import { RouteTable } from './route-table';

const key = (byte: number) => new Uint8Array(16).fill(byte);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function uplink(devAddr: string, nwkSKey: Uint8Array, fCnt = 7): DataFrame {
  const bytes = buildDataFrame({ mtype: 'UnconfirmedDataUp', devAddr, fCnt, fPort: 1, payload: Uint8Array.of(1, 2, 3) }, { nwkSKey, appSKey: key(0xaa) });
  if (!bytes.ok) throw bytes.error;
  const frame = parsePhyPayload(bytes.value);
  if (!frame.ok || frame.value.kind !== 'data') throw new Error('not a data frame');
  return frame.value;
}

const route = (id: string, over: Partial<RouteConfig> = {}): RouteConfig => ({
  id,
  orgId: `org-${id}`,
  endpoint: { protocol: 'http', url: `http://127.0.0.1/${id}` },
  maxCopies: 3,
  active: true,
  locked: false,
  ...over,
});

const config: RoutingConfig = {
  version: 7,
  routes: [route('a'), route('b', { maxCopies: 5 }), route('c'), route('j1'), route('j2', { active: false })],
  devAddrRanges: [
    { routeId: 'a', startAddr: 0xfc014c00, endAddr: 0xfc014c07 },
    { routeId: 'b', startAddr: 0xfc014c00, endAddr: 0xfc014c0f },
    { routeId: 'c', startAddr: 0xfc014c10, endAddr: 0xfc014c17 },
    { routeId: 'ghost', startAddr: 0xfc014c18, endAddr: 0xfc014c1f },
  ],
  euiPairs: [
    { routeId: 'j1', joinEui: '70b3d57ed0000001', devEui: '0004a30b001c0530' },
    { routeId: 'j2', joinEui: '70b3d57ed0000001', devEui: '0000000000000000' },
    { routeId: 'j1', joinEui: '70b3d57ed0000002', devEui: '0000000000000000' },
  ],
  skfs: [
    // Route a shares DevAddr fc014c01 with route b; a filters by key 0x11 with its own max copies.
    { routeId: 'a', devAddr: 0xfc014c01, sessionKey: hex(key(0x11)), maxCopies: 1 },
    // Route b filters fc014c02 by key 0x22 with max 0 (= the route's value).
    { routeId: 'b', devAddr: 0xfc014c02, sessionKey: hex(key(0x22)), maxCopies: 0 },
    { routeId: 'a', devAddr: 0xfc014c02, sessionKey: hex(key(0x33)), maxCopies: 0 },
  ],
};

const table = new RouteTable(config);
const ids = (r: ReturnType<RouteTable['lookupUplink']>) => (r.ok ? r.matches.map((m) => `${m.route.id}:${m.maxCopies}`).sort() : r.reason);

describe('route table', () => {
  it.each([
    ['fc014c00', key(0x01), ['a:3', 'b:5']],
    ['fc014c05', key(0x01), ['a:3', 'b:5']],
    ['fc014c0a', key(0x01), ['b:5']],
    ['fc014c11', key(0x01), ['c:3']],
    // SKF on route a matches: a with the filter's max copies, b (no filter for this address) too.
    ['fc014c01', key(0x11), ['a:1', 'b:5']],
    // SKF on route a does not match: a is excluded, b still takes it.
    ['fc014c01', key(0x99), ['b:5']],
    // Both routes filter fc014c02: only the one whose key validates the MIC.
    ['fc014c02', key(0x22), ['b:5']],
    ['fc014c02', key(0x33), ['a:3']],
    ['fc014c02', key(0x44), 'invalid_mic'],
    ['fc014c20', key(0x01), 'no_route'],
    // A range whose route no longer exists routes nothing.
    ['fc014c18', key(0x01), 'no_route'],
  ] as const)('uplink from %s (key %#) -> %j', (devAddr, nwkSKey, expected) => {
    expect(ids(table.lookupUplink(devAddr, () => uplink(devAddr, nwkSKey)))).toEqual(expected);
  });

  it('names the routes whose session-key filters all refused the frame', () => {
    const mismatched = (devAddr: string, nwkSKey: Uint8Array) => table.lookupUplink(devAddr, () => uplink(devAddr, nwkSKey)).mismatched.map((r) => r.id).sort();
    expect(mismatched('fc014c01', key(0x99))).toEqual(['a']);
    expect(mismatched('fc014c01', key(0x11))).toEqual([]);
    expect(mismatched('fc014c02', key(0x44))).toEqual(['a', 'b']);
    expect(mismatched('fc014c05', key(0x01))).toEqual([]);
    expect(mismatched('fc014c20', key(0x01))).toEqual([]);
  });

  // The frame carries FCnt's low 16 bits, the MIC covers all 32: a device past 65,535 uplinks
  // must still match its filter. HPR guesses the high 16 bits 0..7 (reference §2.2).
  it.each([65_536, 197_444, 0x7ffff])("a session-key filter matches a device whose 32-bit FCnt is %i", (fCnt) => {
    expect(ids(table.lookupUplink('fc014c01', () => uplink('fc014c01', key(0x11), fCnt)))).toEqual(['a:1', 'b:5']);
    expect(ids(table.lookupUplink('fc014c02', () => uplink('fc014c02', key(0x33), fCnt)))).toEqual(['a:3']);
  });

  it('a session-key filter does not match beyond the FCnt high bits HPR tries (2^19 and up)', () => {
    expect(ids(table.lookupUplink('fc014c02', () => uplink('fc014c02', key(0x33), 0x80000)))).toEqual('invalid_mic');
  });

  it('parses the frame for a MIC check only when a candidate route filters the DevAddr, and only once', () => {
    const unparsable = () => {
      throw new Error('frame asked for without a filter');
    };
    expect(ids(table.lookupUplink('fc014c05', unparsable))).toEqual(['a:3', 'b:5']);
    let parses = 0;
    const counted = () => (parses++, uplink('fc014c02', key(0x33)));
    expect(ids(table.lookupUplink('fc014c02', counted))).toEqual(['a:3']);
    expect(parses).toBe(1); // both routes filter fc014c02
  });

  it("shares a device's answer between its packets, except where a session-key filter makes it the frame's own", () => {
    const unparsable = () => {
      throw new Error('frame asked for without a filter');
    };
    expect(table.lookupUplink('fc014c06', unparsable)).toBe(table.lookupUplink('fc014c06', unparsable));
    expect(table.lookupUplink('fc014c21', unparsable)).toBe(table.lookupUplink('fc014c21', unparsable)); // no route
    expect(table.lookupJoin('70b3d57ed0000001', '0004a30b001c0530')).toBe(table.lookupJoin('70b3d57ed0000001', '0004a30b001c0530'));
    // fc014c01 is filtered on route a: every packet's MIC is checked again, and the answers differ.
    let parses = 0;
    expect(ids(table.lookupUplink('fc014c01', () => (parses++, uplink('fc014c01', key(0x11)))))).toEqual(['a:1', 'b:5']);
    expect(ids(table.lookupUplink('fc014c01', () => (parses++, uplink('fc014c01', key(0x99)))))).toEqual(['b:5']);
    expect(parses).toBe(2);
  });

  it('routes joins by (JoinEUI, DevEUI) plus the DevEUI wildcard, any case', () => {
    expect(table.lookupJoin('70b3d57ed0000001', '0004a30b001c0530').map((m) => m.route.id).sort()).toEqual(['j1', 'j2']);
    expect(table.lookupJoin('70B3D57ED0000001', '0004A30B001C0531').map((m) => m.route.id)).toEqual(['j2']);
    expect(table.lookupJoin('70b3d57ed0000002', '1111111111111111').map((m) => m.route.id)).toEqual(['j1']);
    expect(table.lookupJoin('70b3d57ed0000003', '0004a30b001c0530')).toEqual([]);
  });

  // Joins are free, so HPR stopped applying a route's max_copies to them (#265): every route may
  // take 50 copies of a join-request, and the LNS picks the best gateway for the join-accept.
  it('lets every route take 50 copies of a join-request, whatever its max_copies', () => {
    const matches = table.lookupJoin('70b3d57ed0000001', '0004a30b001c0530');
    expect(matches.map((m) => [m.route.id, m.route.maxCopies, m.maxCopies]).sort()).toEqual([
      ['j1', 3, 50],
      ['j2', 3, 50],
    ]);
  });

  it('returns inactive routes too, so their misses can be counted', () => {
    const j2 = table.lookupJoin('70b3d57ed0000001', '0000000000000009');
    expect(j2[0]?.route.active).toBe(false);
  });

  it('knows its version and which DevAddrs have any route', () => {
    expect(table.version).toBe(7);
    expect(table.hasDevAddr('fc014c0f')).toBe(true);
    expect(table.hasDevAddr('fc014c20')).toBe(false);
    expect(table.hasDevAddr('zz')).toBe(false);
  });
});
