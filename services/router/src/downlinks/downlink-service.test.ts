import { describe, expect, it } from 'vitest';
import type { UplinkCopy } from '../uplink-copy';
import { DownlinkService, UPLINK_CONTEXT_TTL_MS, type UplinkContext } from './downlink-service';
import type { DownlinkRequest } from './downlink-request';
import type { DownlinkScheduler } from './downlink-scheduler';

const copy = { hotspotAddress: 'h1', hotspot: { address: 'h1', gatewayEui: 'aa555a0000000001', locationCell: null, region: 'EU868' }, frequencyHz: 868_100_000, dataRate: 'SF7BW125', tmst: 1_000_000 } as unknown as UplinkCopy;
const request: DownlinkRequest = { kind: 'data', devAddr: 'fc014c01', payload: Uint8Array.of(0x60, 1, 2, 3, 4), rx1: { delayMs: 1000 }, rx2: undefined } as unknown as DownlinkRequest;
const joinAccept: DownlinkRequest = { kind: 'join_accept', devAddr: null, payload: new Uint8Array(17).fill(0x20, 0, 1), rx1: {}, rx2: {} };

function setup(claimShared?: (packetId: string) => Promise<boolean>) {
  let nowMs = 0;
  const scheduled: string[] = [];
  const scheduler = { canReach: () => true, schedule: (eui: string) => (scheduled.push(eui), true) } as unknown as DownlinkScheduler;
  const service = new DownlinkService(scheduler, () => nowMs, undefined, claimShared);
  const context = (orgId: string, routeId: string, uplink: Pick<UplinkContext, 'kind' | 'devAddr'> = { kind: 'uplink', devAddr: 'fc014c01' }): UplinkContext => ({
    packetId: 'p1',
    orgId,
    routeId,
    ...uplink,
    copies: [copy],
    heardAt: 0,
  });
  return { service, scheduled, context, at: (ms: number) => (nowMs = ms) };
}

describe('downlink service', () => {
  it('schedules one downlink per uplink, whichever route asks first', async () => {
    const t = setup();
    const a = t.context('o1', 'r1');
    const b = t.context('o2', 'r2');
    t.service.remember(a);
    t.service.remember(b);
    t.at(300);
    const first = await t.service.send(a, request);
    expect(first.ok).toBe(true);
    const again = await t.service.send(t.service.find('p1', 'o1')!, request);
    expect(again.ok ? undefined : again.error.code).toBe('downlinks.already_scheduled');
    const other = await t.service.send(t.service.find('p1', 'o2')!, request);
    expect(other.ok ? undefined : other.error.code).toBe('downlinks.already_scheduled');
    expect(t.scheduled).toEqual(['aa555a0000000001']);
  });

  it('forgets an uplink after its time, and a refused attempt does not use up the uplink', async () => {
    const t = setup();
    const a = t.context('o1', 'r1');
    t.service.remember(a);
    t.at(1200); // RX1 (1 s) has passed and no RX2 was asked for
    const late = await t.service.send(a, { ...request, rx2: null } as DownlinkRequest);
    expect(late.ok ? undefined : late.error.code).toBe('downlinks.too_late');
    t.at(1300);
    expect((await t.service.send(a, request)).ok).toBe(true); // RX2 (2 s) is still ahead
    t.at(UPLINK_CONTEXT_TTL_MS + 1);
    expect(t.service.find('p1', 'o1')).toBeUndefined();
  });

  it('with several routers, sends the downlink only if no other router claimed the packet’s', async () => {
    const claimed = new Set<string>();
    const claims: string[] = [];
    const claimShared = (packetId: string) => {
      claims.push(packetId);
      const first = !claimed.has(packetId);
      claimed.add(packetId);
      return Promise.resolve(first);
    };
    const here = setup(claimShared);
    const there = setup(claimShared);
    const a = here.context('o1', 'r1');
    const b = there.context('o1', 'r1');
    here.service.remember(a);
    there.service.remember(b);
    here.at(300);
    there.at(300);
    // Two requests at once on the first router: the second is refused without asking the counter.
    const [first, second] = await Promise.all([here.service.send(a, request), here.service.send(a, request)]);
    expect(first.ok).toBe(true);
    expect(second.ok ? undefined : second.error.code).toBe('downlinks.already_scheduled');
    const elsewhere = await there.service.send(b, request);
    expect(elsewhere.ok ? undefined : elsewhere.error.message).toMatch(/by another router/);
    expect(claims).toEqual(['p1', 'p1']);
    expect([here.scheduled, there.scheduled]).toEqual([['aa555a0000000001'], []]);
  });

  // A class A device opens its windows 1 s after a data uplink and 5 s after a join-request, and
  // only takes a frame for its own DevAddr: any other answer is airtime spent on nobody.
  it.each([
    ['a join-accept answering a data uplink', { kind: 'uplink', devAddr: 'fc014c01' }, joinAccept],
    ['a data downlink answering a join-request', { kind: 'join', devAddr: null }, request],
    ['a data downlink for another DevAddr', { kind: 'uplink', devAddr: 'fc014c02' }, request],
  ] as const)('refuses %s, and the uplink can still be answered', async (_name, uplink, answer) => {
    const t = setup();
    const ctx = t.context('o1', 'r1', uplink);
    t.service.remember(ctx);
    t.at(300);
    const refused = await t.service.send(ctx, answer);
    expect(refused.ok ? undefined : refused.error.code).toBe('downlinks.invalid_payload');
    expect(t.scheduled).toEqual([]);
    const right = uplink.kind === 'join' ? joinAccept : { ...request, devAddr: uplink.devAddr };
    expect((await t.service.send(ctx, right)).ok).toBe(true);
    expect(t.scheduled).toEqual(['aa555a0000000001']);
  });
});
