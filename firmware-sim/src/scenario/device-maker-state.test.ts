/**
 * The device makers' memory across runs: what a state file is read as (and what is dropped), how
 * it is written (atomically, owner-only), when a remembered organisation is topped up and with
 * which Idempotency-Key, and which EUI pairs a reused route gets added or removed.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dcTopUpAmount,
  emptyDeviceMakerState,
  parseDeviceMakerState,
  readDeviceMakerState,
  rememberOrg,
  topUpIdempotencyKey,
  writeDeviceMakerState,
  type RememberedOrg,
} from './device-maker-state';
import { euiPairChanges, isForgottenSimulatorRoute, rememberedRouteGone } from './http-device-maker';

const org = (index: number, id = `0000000${index}-0000-4000-8000-000000000000`): RememberedOrg => ({
  index,
  name: `Org ${index}`,
  orgId: id,
  apiKey: `org_key_${index}`,
  routeId: `1000000${index}-0000-4000-8000-000000000000`,
});

describe('a device-maker state file', () => {
  it('is read back as it was written, entries in index order, a webhook secret with its organisation', () => {
    const signed = { ...org(1), webhookSecret: 'whsec_abc' };
    const state = rememberOrg(rememberOrg(emptyDeviceMakerState(), signed), org(0));
    expect(parseDeviceMakerState(JSON.stringify(state))).toEqual({ state: { version: 1, orgs: [org(0), signed] }, problem: null });
    // A secret that is not text makes the entry malformed.
    expect(parseDeviceMakerState(JSON.stringify({ version: 1, orgs: [{ ...org(2), webhookSecret: 7 }] })).state.orgs).toEqual([]);
  });

  it.each([
    ['text that is not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ version: 2, orgs: [org(0)] })],
    ['no list of organisations', JSON.stringify({ version: 1, orgs: { 0: org(0) } })],
    ['JSON null', 'null'],
  ])('is read as empty, with the problem named, from %s', (_name, text) => {
    const { state, problem } = parseDeviceMakerState(text);
    expect(state.orgs).toEqual([]);
    expect(problem).toMatch(/not JSON|not a version 1/);
  });

  it('drops malformed entries and a second entry for one index, keeping the rest', () => {
    const text = JSON.stringify({
      version: 1,
      orgs: [org(0), { ...org(1), orgId: 'not-a-uuid' }, { ...org(2), apiKey: '' }, { ...org(3), index: -1 }, { ...org(0), apiKey: 'later' }, org(4), 'x'],
    });
    const { state, problem } = parseDeviceMakerState(text);
    expect(state.orgs).toEqual([org(0), org(4)]);
    expect(problem).toBe('5 malformed entries ignored');
  });

  it('remembers a replacement organisation in place of the one it replaces', () => {
    const state = rememberOrg(rememberOrg(emptyDeviceMakerState(), org(0)), org(0, '0000000f-0000-4000-8000-000000000000'));
    expect(state.orgs.map((o) => o.orgId)).toEqual(['0000000f-0000-4000-8000-000000000000']);
  });

  describe('on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-state-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is an empty state while the file does not exist', () => {
      expect(readDeviceMakerState(join(dir, 'none', 'device-makers.json'))).toEqual({ state: emptyDeviceMakerState(), problem: null });
    });

    it('is written readable by its owner only, over the old file, leaving no temporary file', () => {
      const path = join(dir, 'simulator', 'device-makers.json');
      writeDeviceMakerState(path, rememberOrg(emptyDeviceMakerState(), org(0)));
      expect(statSync(path).mode & 0o777).toBe(0o600);
      // An older file readable by others is replaced, not rewritten in place with its mode.
      rmSync(path);
      writeFileSync(path, 'overwritten below', { mode: 0o644 });
      writeDeviceMakerState(path, rememberOrg(emptyDeviceMakerState(), org(1)));
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(dir, 'simulator'))).toEqual(['device-makers.json']);
      expect(readDeviceMakerState(path).state.orgs).toEqual([org(1)]);
    });
  });
});

describe('topping up a remembered organisation', () => {
  it.each([
    [5_000_000, 0],
    [1_000_000, 0],
    [999_999, 4_000_001],
    [0, 5_000_000],
    [-20, 5_000_000],
  ])('with %i DC left credits %i DC', (balance, amount) => {
    expect(dcTopUpAmount(balance, 5_000_000)).toBe(amount);
  });

  it('repeats its Idempotency-Key for the same ledger head and changes it once the ledger moved', () => {
    const id = org(0).orgId;
    expect(topUpIdempotencyKey(id, 41)).toBe(topUpIdempotencyKey(id, 41));
    expect(topUpIdempotencyKey(id, 42)).not.toBe(topUpIdempotencyKey(id, 41));
    expect(topUpIdempotencyKey(org(1).orgId, 41)).not.toBe(topUpIdempotencyKey(id, 41));
    // The backend takes printable ASCII without spaces, at most 200 characters.
    expect(topUpIdempotencyKey(id, null)).toMatch(/^[\x21-\x7e]{1,200}$/);
  });
});

describe("a reused route's EUI pairs", () => {
  const pair = (j: string, d: string) => ({ joinEui: j.repeat(16), devEui: d.repeat(16) });

  it('gain the devices missing and lose those the world no longer has, EUIs compared whatever their case', () => {
    const registered = [pair('a', '1'), pair('a', '2'), pair('a', '3')];
    const wanted = [pair('A', '1'), pair('a', '3'), pair('a', '4')];
    expect(euiPairChanges(registered, wanted)).toEqual({ add: [pair('a', '4')], remove: [pair('a', '2')] });
  });

  it('are left alone when they are already the world’s', () => {
    expect(euiPairChanges([pair('b', '1')], [pair('b', '1')])).toEqual({ add: [], remove: [] });
  });
});

describe('a route an earlier simulator run left behind', () => {
  const left = { routeId: org(0).routeId, routeName: 'simulated network server', orgName: 'Cedar Trackers (2026-11-21T23:02:21.682Z)', endpointUrl: 'http://127.0.0.1:41234/lns/uplink' };

  it.each([
    ['the simulator made it and no state file remembers it', true, left],
    ['the ninth organisation of a run made it', true, { ...left, orgName: 'Acme Sensors 1 (2026-11-21T23:02:21.682Z)' }],
    ['the state file remembers it', false, { ...left, routeId: org(1).routeId }],
    ['another name', false, { ...left, routeName: 'my network server' }],
    ['its organisation is not named as the simulator names them', false, { ...left, orgName: 'Cedar Trackers' }],
    ['its organisation only starts like one', false, { ...left, orgName: 'Cedar Trackers (2026-11-21T23:02:21.682Z) prod' }],
    ['another endpoint path', false, { ...left, endpointUrl: 'http://127.0.0.1:41234/uplink' }],
    ['a GWMP endpoint', false, { ...left, endpointUrl: null }],
  ])('when %s: %s', (_name, expected, route) => {
    expect(isForgottenSimulatorRoute(route, new Set([org(1).routeId]))).toBe(expected);
  });
});

describe('a remembered route the backend no longer has', () => {
  it('is made anew when deleted (410 routes.deleted, or 404 from a backend that kept no deleted routes), not on other failures', () => {
    expect([410, 404, 409, 403, 500, 200].map(rememberedRouteGone)).toEqual([true, true, false, false, false, false]);
  });
});
