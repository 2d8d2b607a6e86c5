import { describe, expect, it } from 'vitest';
import {
  BEACON_CHECKS,
  checkBeaconEntropyFresh,
  checkBeaconInterval,
  checkBeaconPacket,
  checkBeaconTxPower,
  checkBeaconerAsserted,
  checkBeaconerCapability,
  checkBeaconerFound,
  checkBeaconerNotDenied,
  verifyBeacon,
} from './beacon-checks';
import type { BeaconCheckContext } from './context';
import { BEACON_CHECK_ORDER } from './reasons';
import { FIXTURE_PAYLOAD, FIXTURE_T0_MS, beaconContext, hotspot } from './test-fixtures';
import { BEACON_INTERVAL_MS } from './thresholds';

const T0 = FIXTURE_T0_MS;
const H = 3_600_000;
const withBeacon = (patch: Partial<BeaconCheckContext['beacon']>, rest: Partial<BeaconCheckContext> = {}) => {
  const base = beaconContext(rest);
  return { ...base, beacon: { ...base.beacon, ...patch } };
};

it('the runner runs the checks in BEACON_CHECK_ORDER', () => {
  expect(BEACON_CHECKS.map((c) => c.reason)).toEqual([...BEACON_CHECK_ORDER]);
});

it('the fixture beacon passes every check', () => {
  const verdict = verifyBeacon(beaconContext());
  expect(verdict).toEqual({
    valid: true,
    details: { windowStartMs: T0, entropyAgeMs: 30_000, txPowerDbm: 8, maxTxPowerDbm: 15.1 },
  });
});

describe('gateway_not_found', () => {
  it.each([
    ['unknown key', beaconContext({ beaconer: null }), 'gateway_not_found'],
    ['known key', beaconContext(), null],
  ])('%s', (_, ctx, reason) => {
    expect(checkBeaconerFound(ctx)?.reason ?? null).toBe(reason);
  });
});

describe('not_asserted', () => {
  it.each([
    ['no location', hotspot({ location: null }), 'not_asserted'],
    ['location in no region', hotspot({ region: null }), 'not_asserted'],
    ['garbage location', hotspot({ location: 'not-a-cell' }), 'not_asserted'],
    ['asserted', hotspot(), null],
  ])('%s', (_, beaconer, reason) => {
    const failure = checkBeaconerAsserted(beaconContext({ beaconer }));
    expect(failure?.reason ?? null).toBe(reason);
    if (failure) expect(failure.details).toMatchObject({ side: 'beaconer', location: beaconer.location });
  });
});

describe('denied', () => {
  it.each([
    [true, 'denied'],
    [false, null],
  ])('denied=%s', (denied, reason) => {
    const failure = checkBeaconerNotDenied(beaconContext({ beaconer: hotspot({ denied }), denylistTag: '2024.01.01' }));
    expect(failure?.reason ?? null).toBe(reason);
    if (failure) expect(failure.details.denylistTag).toBe('2024.01.01');
  });
});

describe('entropy_expired (whole seconds, [start, start + 180 s])', () => {
  // Half-way into a second, so truncation to whole seconds shows at both edges.
  const start = T0 + 30_500;
  it.each([
    ['in the second before the entropy', start - 600, 'entropy_expired'],
    ['earlier in the same second as the start', start - 400, null],
    ['at start', start, null],
    ['at start + 180 s', start + 180_000, null],
    ['end of the last allowed second', start + 180_499, null],
    ['first ms of second 181', start + 180_500, 'entropy_expired'],
  ])('%s', (_, receivedAtMs, reason) => {
    const failure = checkBeaconEntropyFresh(withBeacon({ receivedAtMs }, { entropyStartMs: start }));
    expect(failure?.reason ?? null).toBe(reason);
    if (failure) expect(failure.details).toMatchObject({ entropyAgeMs: receivedAtMs - start, entropyLifespanMs: 180_000 });
  });
});

describe('invalid_capability', () => {
  it.each([
    ['full', null],
    ['data_only', 'invalid_capability'],
  ] as const)('%s', (capability, reason) => {
    expect(checkBeaconerCapability(beaconContext({ beaconer: hotspot({ capability }) }))?.reason ?? null).toBe(reason);
  });
});

describe('irregular_interval (6 h windows at 00/06/12/18 UTC)', () => {
  it.each([
    ['first beacon ever', null, T0 + 1 * H, null],
    ['last one in the previous window', T0 - 1, T0 + 1, null],
    ['last one earlier in the same window', T0 + 1 * H, T0 + 5 * H, 'irregular_interval'],
    ['last one at the window start', T0, T0 + 5.9 * H, 'irregular_interval'],
    ['next window', T0 + 5 * H, T0 + 6 * H, null],
    ['last beacon in a later window (clock skew)', T0 + 7 * H, T0 + 5 * H, 'irregular_interval'],
  ])('%s', (_, lastBeaconAtMs, receivedAtMs, reason) => {
    const failure = checkBeaconInterval(withBeacon({ receivedAtMs }, { lastBeaconAtMs }));
    expect(failure?.reason ?? null).toBe(reason);
    if (failure) {
      expect(failure.details.windowStartMs).toBe(Math.floor(receivedAtMs / BEACON_INTERVAL_MS) * BEACON_INTERVAL_MS);
      expect(failure.details.nextAllowedAtMs).toBe(Math.floor(lastBeaconAtMs! / BEACON_INTERVAL_MS + 1) * BEACON_INTERVAL_MS);
    }
  });

  it('honours a custom interval', () => {
    const ctx = withBeacon({ receivedAtMs: T0 + 2 * H }, { lastBeaconAtMs: T0 + 0.5 * H, thresholds: { beaconIntervalMs: H } });
    expect(checkBeaconInterval(ctx)).toBeNull();
  });
});

describe('invalid_packet', () => {
  const other = Uint8Array.from(FIXTURE_PAYLOAD, (b, i) => (i === 50 ? b ^ 1 : b));
  it.each([
    ['identical', {}, null],
    ['payload differs', { payload: other }, ['payload']],
    ['frequency differs', { frequencyHz: 868_100_000 }, ['frequencyHz']],
    ['data rate differs', { dataRate: 'SF9BW125' }, ['dataRate']],
    ['data rate differs only in case', { dataRate: 'sf12bw125' }, null],
    ['everything differs', { payload: other, frequencyHz: 1, dataRate: 'SF7BW125' }, ['payload', 'frequencyHz', 'dataRate']],
  ] as const)('%s', (_, patch, mismatched) => {
    const failure = checkBeaconPacket(withBeacon(patch));
    if (mismatched === null) expect(failure).toBeNull();
    else {
      expect(failure?.reason).toBe('invalid_packet');
      expect(Object.keys(failure?.details.mismatches as object)).toEqual(mismatched);
    }
  });

  it('fails when the beacon could not be regenerated', () => {
    expect(checkBeaconPacket(beaconContext({ expectedBeacon: null }))).toEqual({
      reason: 'invalid_packet',
      details: { regenerated: false },
    });
  });
});

describe('tx_power_too_high (beyond Helium: max EIRP minus truncated gain)', () => {
  it.each([
    ['EU868, 1.2 dBi: 15 dBm ok', 'EU868', 12, 15, null],
    ['EU868, 1.2 dBi: 16 dBm too high', 'EU868', 12, 16, 'tx_power_too_high'],
    ['US915, 1.2 dBi: 35 dBm ok (Helium conducted power)', 'US915', 12, 35, null],
    ['US915, 8 dBi: 29 dBm too high', 'US915', 80, 29, 'tx_power_too_high'],
    ['US915, 8 dBi: 27 dBm ok', 'US915', 80, 27, null],
    ['US915, 8 dBi: 28 dBm = 36 - 8, exactly at the limit: ok', 'US915', 80, 28, null],
    ['US915, 0 dBi: 36 dBm exactly at the limit: ok', 'US915', 0, 36, null],
    ['US915, 0 dBi: 37 dBm too high', 'US915', 0, 37, 'tx_power_too_high'],
    ['US915, -1.5 dBi (truncated to -1): 37 dBm ok', 'US915', -15, 37, null],
    ['KR920, 3 dBi: 12 dBm too high', 'KR920', 30, 12, 'tx_power_too_high'],
  ] as const)('%s', (_, region, gainDbiX10, txPowerDbm, reason) => {
    const ctx = withBeacon({ txPowerDbm }, { beaconer: hotspot({ region, gainDbiX10 }) });
    const failure = checkBeaconTxPower(ctx);
    expect(failure?.reason ?? null).toBe(reason);
    if (failure) expect(failure.details).toMatchObject({ txPowerDbm, gainDbi: Math.trunc(gainDbiX10 / 10) });
  });

  it('a margin lets slightly high reports through', () => {
    const ctx = withBeacon({ txPowerDbm: 16 }, { thresholds: { txPowerMarginDb: 1 } });
    expect(checkBeaconTxPower(ctx)).toBeNull();
  });
});

describe('verifyBeacon: first failure wins', () => {
  it.each([
    ['unknown and everything else wrong', beaconContext({ beaconer: null, expectedBeacon: null }), 'gateway_not_found'],
    ['denied and stale entropy', beaconContext({ beaconer: hotspot({ denied: true }), entropyStartMs: 0 }), 'denied'],
    ['stale entropy and data-only', beaconContext({ beaconer: hotspot({ capability: 'data_only' }), entropyStartMs: 0 }), 'entropy_expired'],
    ['same window and bad packet', beaconContext({ lastBeaconAtMs: T0 + 1, expectedBeacon: null }), 'irregular_interval'],
    ['bad packet and too much power', withBeacon({ txPowerDbm: 40 }, { expectedBeacon: null }), 'invalid_packet'],
    ['only too much power', withBeacon({ txPowerDbm: 40 }), 'tx_power_too_high'],
  ])('%s -> %s', (_, ctx, reason) => {
    expect(verifyBeacon(ctx)).toMatchObject({ valid: false, reason });
  });
});
