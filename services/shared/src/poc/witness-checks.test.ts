import { describe, expect, it } from 'vitest';
import type { WitnessCheckContext } from './context';
import { WITNESS_CHECK_ORDER, WITNESS_LINK_CHECK_ORDER, WITNESS_REPORT_CHECK_ORDER } from './reasons';
import { FIXTURE_LOCATIONS, FIXTURE_PAYLOAD, hotspot, witnessContext } from './test-fixtures';
import {
  WITNESS_REPORT_CHECKS,
  checkEdgeNotDenied,
  checkNotSelfWitness,
  checkWitnessAsserted,
  checkWitnessCapability,
  checkWitnessEntropyFresh,
  checkWitnessFound,
  checkWitnessNotDenied,
  checkWitnessNotDuplicate,
  checkWitnessNotLate,
  checkWitness,
  checkWitnessPacket,
  toWitnessLinkContext,
  verifyWitness,
} from './witness-checks';
import { WITNESS_LINK_CHECKS } from './witness-link-checks';

const base = witnessContext();
const BEACON_AT = base.beacon.receivedAtMs;
const withWitness = (patch: Partial<WitnessCheckContext['witness']>, rest: Partial<WitnessCheckContext> = {}) => {
  const ctx = witnessContext(rest);
  return { ...ctx, witness: { ...ctx.witness, ...patch } };
};
const reasonOf = (f: { reason: string } | null) => f?.reason ?? null;

it('the runner runs the checks in WITNESS_CHECK_ORDER', () => {
  expect(WITNESS_REPORT_CHECKS.map((c) => c.reason)).toEqual([...WITNESS_REPORT_CHECK_ORDER]);
  expect(WITNESS_LINK_CHECKS.map((c) => c.reason)).toEqual([...WITNESS_LINK_CHECK_ORDER]);
  expect([...WITNESS_REPORT_CHECK_ORDER, ...WITNESS_LINK_CHECK_ORDER]).toEqual([...WITNESS_CHECK_ORDER]);
});

it('the fixture witness is valid and its details carry the numbers', () => {
  const verdict = verifyWitness(witnessContext());
  expect(verdict.valid).toBe(true);
  expect(verdict.details).toMatchObject({
    lagMs: 800,
    lagMeasuredFrom: 'beacon',
    distanceM: 1_314,
    cellDistance: 28,
    frequencyOffsetHz: 32,
    observedRssiDbm: -108,
    observedSnrDb: 3.5,
    expectedMaxRssiDbm: -82.589,
    snrFloorDb: -20,
  });
});

describe('duplicate / gateway_not_found / denied / denied_edge / self_witness', () => {
  it.each([
    ['duplicate', checkWitnessNotDuplicate, witnessContext({ isDuplicate: true }), 'duplicate'],
    ['first report', checkWitnessNotDuplicate, witnessContext(), null],
    ['unknown witness', checkWitnessFound, witnessContext({ witnessHotspot: null }), 'gateway_not_found'],
    ['known witness', checkWitnessFound, witnessContext(), null],
    ['denied witness', checkWitnessNotDenied, witnessContext({ witnessHotspot: hotspot({ pubKey: 'w', denied: true }) }), 'denied'],
    ['denied beaconer is the beacon check, not this one', checkWitnessNotDenied, witnessContext({ beaconer: hotspot({ denied: true }) }), null],
    ['denied edge', checkEdgeNotDenied, witnessContext({ edgeDenied: true }), 'denied_edge'],
    ['allowed edge', checkEdgeNotDenied, witnessContext(), null],
    ['self witness', checkNotSelfWitness, witnessContext({ witnessHotspot: hotspot() }), 'self_witness'],
    ['someone else', checkNotSelfWitness, witnessContext(), null],
  ] as const)('%s', (_, check, ctx, reason) => {
    expect(reasonOf(check(ctx))).toBe(reason);
  });
});

describe('not_asserted', () => {
  it.each([
    ['witness without location', { witnessHotspot: hotspot({ pubKey: 'w', location: null }) }, 'witness'],
    ['witness outside every region', { witnessHotspot: hotspot({ pubKey: 'w', region: null }) }, 'witness'],
    ['beaconer without location', { beaconer: hotspot({ location: null }) }, 'beaconer'],
    ['beaconer unknown', { beaconer: null }, 'beaconer'],
    ['both missing: witness side first', { beaconer: hotspot({ location: null }), witnessHotspot: hotspot({ pubKey: 'w', location: null }) }, 'witness'],
    ['both asserted', {}, null],
  ] as const)('%s', (_, overrides, side) => {
    const failure = checkWitnessAsserted(witnessContext(overrides));
    if (side === null) expect(failure).toBeNull();
    else expect(failure).toMatchObject({ reason: 'not_asserted', details: { side } });
  });
});

describe('entropy_expired', () => {
  it.each([
    ['inside the window', BEACON_AT + 800, null],
    ['181 s after the entropy started', base.entropyStartMs + 181_000, 'entropy_expired'],
    ['before the entropy started', base.entropyStartMs - 1_000, 'entropy_expired'],
  ])('%s', (_, receivedAtMs, reason) => {
    expect(reasonOf(checkWitnessEntropyFresh(withWitness({ receivedAtMs })))).toBe(reason);
  });
});

describe('too_late (4 s after the beacon, or 1.5 s after a witness that beat it)', () => {
  it.each([
    ['beacon first, witness after 4 s exactly', BEACON_AT + 100, BEACON_AT + 4_000, null, 'beacon', 4_000],
    ['beacon first, witness after 4.001 s', BEACON_AT + 100, BEACON_AT + 4_001, 'too_late', 'beacon', 4_001],
    ['witness and beacon at the same ms count as beacon first', BEACON_AT, BEACON_AT + 3_000, null, 'beacon', 3_000],
    ['a witness beat the beacon; 1.5 s after it', BEACON_AT - 500, BEACON_AT + 1_000, null, 'first_witness', 1_500],
    ['a witness beat the beacon; 1.501 s after it', BEACON_AT - 500, BEACON_AT + 1_001, 'too_late', 'first_witness', 1_501],
  ] as const)('%s', (_, firstWitnessReceivedAtMs, receivedAtMs, reason, measuredFrom, lagMs) => {
    const failure = checkWitnessNotLate(withWitness({ receivedAtMs }, { firstWitnessReceivedAtMs }));
    expect(reasonOf(failure)).toBe(reason);
    if (failure) expect(failure.details).toMatchObject({ measuredFrom, lagMs });
  });
});

describe('invalid_packet / invalid_capability', () => {
  it.each([
    ['same payload', withWitness({ payload: Uint8Array.from(FIXTURE_PAYLOAD) }), checkWitnessPacket, null],
    ['one byte differs', withWitness({ payload: Uint8Array.from(FIXTURE_PAYLOAD, (b, i) => (i === 0 ? b ^ 0xff : b)) }), checkWitnessPacket, 'invalid_packet'],
    ['truncated', withWitness({ payload: FIXTURE_PAYLOAD.slice(0, 50) }), checkWitnessPacket, 'invalid_packet'],
    ['data-only witness', witnessContext({ witnessHotspot: hotspot({ pubKey: 'w', capability: 'data_only' }) }), checkWitnessCapability, 'invalid_capability'],
    ['full witness', witnessContext(), checkWitnessCapability, null],
  ] as const)('%s', (_, ctx, check, reason) => {
    expect(reasonOf(check(ctx))).toBe(reason);
  });
});

describe('verifyWitness: first failure wins, in order', () => {
  const far = hotspot({ pubKey: 'w', location: FIXTURE_LOCATIONS.LOC2, gainDbiX10: 20 });
  it.each([
    ['duplicate beats everything', witnessContext({ isDuplicate: true, witnessHotspot: null }), 'duplicate'],
    ['unknown before not asserted', witnessContext({ witnessHotspot: null, beaconer: null }), 'gateway_not_found'],
    ['denied before denied edge', witnessContext({ witnessHotspot: hotspot({ pubKey: 'w', denied: true }), edgeDenied: true }), 'denied'],
    ['self witness before entropy', { ...witnessContext({ witnessHotspot: hotspot() }), entropyStartMs: 0 }, 'self_witness'],
    ['late before bad packet', withWitness({ receivedAtMs: BEACON_AT + 10_000, payload: new Uint8Array(51) }), 'too_late'],
    ['bad packet before capability', withWitness({ payload: new Uint8Array(51) }, { witnessHotspot: hotspot({ pubKey: 'w', capability: 'data_only' }) }), 'invalid_packet'],
    ['capability before frequency', withWitness({ frequencyHz: 1 }, { witnessHotspot: hotspot({ pubKey: 'w', capability: 'data_only', location: FIXTURE_LOCATIONS.LOC4 }) }), 'invalid_capability'],
    ['frequency before distance', withWitness({ frequencyHz: 1 }, { witnessHotspot: far }), 'invalid_frequency'],
    ['too far', witnessContext({ witnessHotspot: far }), 'max_distance_exceeded'],
    ['too loud', withWitness({ signalDbmX10: -500 }), 'bad_rssi'],
    ['too quiet', withWitness({ signalDbmX10: -1500 }), 'rssi_below_sensitivity'],
    ['SNR too low', withWitness({ snrDbX10: -250 }), 'snr_below_floor'],
    ['wrong data rate', withWitness({ dataRate: 'SF9BW125' }), 'invalid_data_rate'],
  ] as const)('%s -> %s', (_, ctx, reason) => {
    expect(verifyWitness(ctx)).toMatchObject({ valid: false, reason });
  });
});

it('toWitnessLinkContext needs both hotspots asserted', () => {
  expect(toWitnessLinkContext(witnessContext())).toMatchObject({
    beaconer: { location: FIXTURE_LOCATIONS.LOC0, region: 'EU868' },
    witnessHotspot: { location: FIXTURE_LOCATIONS.LOC4, gainDbiX10: 20 },
  });
  expect(toWitnessLinkContext(witnessContext({ beaconer: null }))).toBeNull();
  expect(toWitnessLinkContext(witnessContext({ witnessHotspot: hotspot({ region: null }) }))).toBeNull();
});

describe('checkWitness measures the link once and hands it back', () => {
  it.each([
    ['valid', witnessContext(), null, 1_314],
    ['failed a report check (too_late)', withWitness({ receivedAtMs: BEACON_AT + 5_000 }), 'too_late', 1_314],
    ['failed a link check (bad_rssi)', withWitness({ signalDbmX10: -500 }), 'bad_rssi', 1_314],
    ['witness not asserted: nothing to measure', witnessContext({ witnessHotspot: hotspot({ location: null }) }), 'not_asserted', null],
  ] as const)('%s', (_, ctx, reason, distanceM) => {
    const { verdict, measured } = checkWitness(ctx);
    expect(verdict.valid ? null : verdict.reason).toBe(reason);
    expect(measured?.distanceM ?? null).toBe(distanceM);
    if (measured) expect(measured.budget?.expectedMaxRssiDbm).toBeCloseTo(-82.589, 3);
  });

  it('a valid verdict carries the lag and the measured numbers', () => {
    expect(verifyWitness(witnessContext())).toMatchObject({
      valid: true,
      details: { lagMs: 800, lagMeasuredFrom: 'beacon', distanceM: 1_314, cellDistance: 28, expectedMaxRssiDbm: -82.589 },
    });
  });
});

it('elevation does not change a verdict (Helium ignores it; so do we)', () => {
  for (const elevationM of [0, 1_000, -50]) {
    const ctx = witnessContext({
      beaconer: hotspot({ elevationM }),
      witnessHotspot: hotspot({ pubKey: 'witness', location: FIXTURE_LOCATIONS.LOC4, gainDbiX10: 20, elevationM }),
    });
    expect(verifyWitness(ctx)).toEqual(verifyWitness(witnessContext()));
  }
});
