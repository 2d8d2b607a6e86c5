import { cellToCenterChild, getPentagons, gridDisk, gridDistance, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellCenterDistanceRoundedM } from '../geo/cell-distance';
import { parentCell } from '../geo/h3-cells';
import type { WitnessLinkContext } from './context';
import { FIXTURE_LOCATIONS, linkContext } from './test-fixtures';
import { HELIUM_POC_THRESHOLDS } from './thresholds';
import {
  checkWitnessDataRate,
  checkWitnessFrequency,
  checkWitnessMaxDistance,
  checkWitnessMinDistance,
  checkWitnessRegion,
  checkWitnessRssi,
  checkWitnessSensitivity,
  checkWitnessSnr,
  describeWitnessLink,
  linkBudget,
  measureLink,
  verifyWitnessLink,
} from './witness-link-checks';

const witnessAt = (location: string, gainDbiX10 = 20): WitnessLinkContext['witnessHotspot'] => ({
  location,
  gainDbiX10,
  region: 'EU868',
});
const withWitness = (patch: Partial<WitnessLinkContext['witness']>, rest: Partial<WitnessLinkContext> = {}) => {
  const ctx = linkContext(rest);
  return { ...ctx, witness: { ...ctx.witness, ...patch } };
};
const reasonOf = (f: { reason: string } | null) => f?.reason ?? null;

describe('invalid_frequency (|offset| <= 100 kHz)', () => {
  it.each([
    [867_900_000, null],
    [868_000_000, null],
    [867_800_000, null],
    [868_000_001, 'invalid_frequency'],
    [867_799_999, 'invalid_frequency'],
    [867_100_000, 'invalid_frequency'],
  ])('witness at %d Hz', (frequencyHz, reason) => {
    const failure = checkWitnessFrequency(measureLink(withWitness({ frequencyHz })));
    expect(reasonOf(failure)).toBe(reason);
    if (failure) expect(failure.details.offsetHz).toBe(frequencyHz - 867_900_000);
  });

  it('uses the configured tolerance', () => {
    expect(checkWitnessFrequency(measureLink(withWitness({ frequencyHz: 867_901_001 }, { thresholds: { frequencyToleranceHz: 1_000 } })))?.reason).toBe(
      'invalid_frequency',
    );
  });
});

describe('invalid_region', () => {
  it.each([
    ['EU868', null],
    ['US915', 'invalid_region'],
    ['RU864', 'invalid_region'],
  ] as const)('witness in %s', (region, reason) => {
    const ctx = linkContext({ witnessHotspot: { ...witnessAt(FIXTURE_LOCATIONS.LOC4), region } });
    expect(reasonOf(checkWitnessRegion(measureLink(ctx)))).toBe(reason);
  });
});

describe('below_min_distance (>= 8 cells at res 11)', () => {
  it.each([
    ['LOC3, 7 cells', FIXTURE_LOCATIONS.LOC3, 'below_min_distance', 7],
    ['LOC4, 28 cells', FIXTURE_LOCATIONS.LOC4, null, 28],
    ['same cell', FIXTURE_LOCATIONS.LOC0, 'below_min_distance', 0],
  ])('%s', (_, location, reason, cells) => {
    const failure = checkWitnessMinDistance(measureLink(linkContext({ witnessHotspot: witnessAt(location) })));
    expect(reasonOf(failure)).toBe(reason);
    if (failure) expect(failure.details.cellDistance).toBe(cells);
  });

  it('a minimum of 7 cells lets LOC3 through', () => {
    const ctx = linkContext({ witnessHotspot: witnessAt(FIXTURE_LOCATIONS.LOC3), thresholds: { minCellDistance: 7 } });
    expect(checkWitnessMinDistance(measureLink(ctx))).toBeNull();
  });

  // Around a pentagon H3 cannot count some grid distances; the great-circle fallback decides.
  const pentagon = getPentagons(11)[0]!;
  const failingPairs = (() => {
    const cells = gridDisk(pentagon, 20);
    const pairs: { a: string; b: string; distanceM: number }[] = [];
    for (const a of cells.slice(0, 60)) {
      for (const b of cells) {
        try {
          gridDistance(a, b);
        } catch {
          pairs.push({ a, b, distanceM: cellCenterDistanceRoundedM(a, b)! });
        }
      }
    }
    return pairs;
  })();

  it('where H3 fails, pairs >= 400 m apart pass and closer ones fail', () => {
    const near = failingPairs.find((p) => p.distanceM < 400);
    const far = failingPairs.find((p) => p.distanceM >= 400);
    expect(near && far).toBeTruthy();
    const ctxFor = (p: { a: string; b: string }) =>
      linkContext({ beaconer: { location: p.a, gainDbiX10: 12, region: 'EU868' }, witnessHotspot: witnessAt(p.b) });
    expect(checkWitnessMinDistance(measureLink(ctxFor(near!)))).toMatchObject({
      reason: 'below_min_distance',
      details: { cellDistance: null, gridDistanceFailure: 'not_computable' },
    });
    expect(checkWitnessMinDistance(measureLink(ctxFor(far!)))).toBeNull();
  });

  it('a location coarser than res 11 cannot be measured and fails', () => {
    const coarse = parentCell(FIXTURE_LOCATIONS.LOC1, 9)!;
    expect(checkWitnessMinDistance(measureLink(linkContext({ witnessHotspot: witnessAt(coarse) })))).toMatchObject({
      reason: 'below_min_distance',
      details: { gridDistanceFailure: 'coarser_than_resolution' },
    });
  });
});

describe('max_distance_exceeded (floor(km) > 100)', () => {
  it.each([
    ['LOC1, 22.7 km', FIXTURE_LOCATIONS.LOC1, 100, null],
    ['LOC2, 2 622 km', FIXTURE_LOCATIONS.LOC2, 100, 'max_distance_exceeded'],
    ['LOC1 with a 22 km limit: floor(22.694) = 22 passes', FIXTURE_LOCATIONS.LOC1, 22, null],
    ['LOC1 with a 21 km limit', FIXTURE_LOCATIONS.LOC1, 21, 'max_distance_exceeded'],
  ])('%s', (_, location, maxDistanceKm, reason) => {
    const failure = checkWitnessMaxDistance(measureLink(linkContext({ witnessHotspot: witnessAt(location), thresholds: { maxDistanceKm } })));
    expect(reasonOf(failure)).toBe(reason);
    if (failure) expect(failure.details).toMatchObject({ maxDistanceKm });
  });
});

describe('bad_rssi (free-space bound, gains truncated, tx power capped)', () => {
  // LOC0 -> LOC4: 1 314 m, 867.900032 MHz, gains 1 + 2 dB, 8 dBm -> -82.589 dBm
  it.each([
    [-826, null],
    [-825, 'bad_rssi'],
    [-1080, null],
    [300, 'bad_rssi'],
  ])('signal %d ddBm', (signalDbmX10, reason) => {
    const failure = checkWitnessRssi(measureLink(withWitness({ signalDbmX10 })));
    expect(reasonOf(failure)).toBe(reason);
    if (failure) {
      expect(failure.details).toMatchObject({
        observedRssiDbm: signalDbmX10 / 10,
        expectedMaxRssiDbm: -82.589,
        distanceM: 1_314,
        beaconerGainDbi: 1,
        witnessGainDbi: 2,
        reportedTxPowerDbm: 8,
        effectiveTxPowerDbm: 8,
      });
    }
  });

  it('an over-reported tx power is capped at max EIRP - gain (Helium would accept the witness)', () => {
    // 40 dBm reported in EU868 (16.1 dBm EIRP, 1 dBi): capped at 15.1 dBm.
    const ctx = linkContext({ beacon: { frequencyHz: 867_900_000, dataRate: 'SF12BW125', txPowerDbm: 40 } });
    const loud = { ...ctx, witness: { ...ctx.witness, signalDbmX10: -700 } };
    expect(checkWitnessRssi(measureLink(loud))).toMatchObject({
      reason: 'bad_rssi',
      details: { reportedTxPowerDbm: 40, effectiveTxPowerDbm: 15.1, maxEirpDbm: 16.1 },
    });
    expect(checkWitnessRssi(measureLink({ ...loud, thresholds: HELIUM_POC_THRESHOLDS }))).toBeNull();
  });

  it('a margin loosens the bound', () => {
    expect(checkWitnessRssi(measureLink(withWitness({ signalDbmX10: -800 }, { thresholds: { rssiMarginDb: 3 } })))).toBeNull();
  });

  it('uses the witness-reported frequency, as Helium does', () => {
    const a = linkBudget(withWitness({ frequencyHz: 867_900_000 }))!;
    const b = linkBudget(withWitness({ frequencyHz: 868_000_000 }))!;
    expect(a.frequencyHz).toBe(867_900_000);
    expect(b.freeSpacePathLossDb).toBeGreaterThan(a.freeSpacePathLossDb);
  });
});

describe('rssi_below_sensitivity (beyond Helium)', () => {
  // SF12BW125: -137.03 dBm sensitivity, minus a 6 dB margin -> -143.03 dBm
  it.each([
    ['SF12BW125', -1430, null],
    ['SF12BW125', -1431, 'rssi_below_sensitivity'],
    ['SF7BW125', -1300, null],
    ['SF7BW125', -1310, 'rssi_below_sensitivity'],
    ['garbage', -2000, null], // left to invalid_data_rate
  ])('%s at %d ddBm', (dataRate, signalDbmX10, reason) => {
    const failure = checkWitnessSensitivity(measureLink(withWitness({ dataRate, signalDbmX10 })));
    expect(reasonOf(failure)).toBe(reason);
    if (failure) expect(failure.details).toMatchObject({ observedRssiDbm: signalDbmX10 / 10, marginDb: 6, noiseFigureDb: 6 });
  });
});

describe('snr_below_floor (beyond Helium)', () => {
  it.each([
    ['SF12BW125', -225, null],
    ['SF12BW125', -226, 'snr_below_floor'],
    ['SF7BW125', -100, null],
    ['SF7BW125', -101, 'snr_below_floor'],
    ['SF9BW125', 95, null],
    ['garbage', -900, null],
  ])('%s at %d ddB', (dataRate, snrDbX10, reason) => {
    const failure = checkWitnessSnr(measureLink(withWitness({ dataRate, snrDbX10 })));
    expect(reasonOf(failure)).toBe(reason);
    if (failure) expect(failure.details).toMatchObject({ observedSnrDb: snrDbX10 / 10, marginDb: 2.5 });
  });
});

describe('invalid_data_rate (beyond Helium)', () => {
  it.each([
    ['SF12BW125', 'SF12BW125', null],
    ['sf12bw125', 'SF12BW125', null],
    ['SF9BW125', 'SF12BW125', 'invalid_data_rate'],
    ['SF12BW500', 'SF12BW500', 'invalid_data_rate'], // not an EU868 uplink rate
    ['FSK50', 'FSK50', 'invalid_data_rate'],
    ['nonsense', 'SF12BW125', 'invalid_data_rate'],
  ])('witness %s, beacon %s', (witnessRate, beaconRate, reason) => {
    const ctx = linkContext({ beacon: { frequencyHz: 867_900_000, dataRate: beaconRate, txPowerDbm: 8 } });
    const failure = checkWitnessDataRate(measureLink({ ...ctx, witness: { ...ctx.witness, dataRate: witnessRate } }));
    expect(reasonOf(failure)).toBe(reason);
  });
});

describe('verifyWitnessLink', () => {
  it('valid link: details carry every number', () => {
    const verdict = verifyWitnessLink(linkContext());
    expect(verdict).toEqual({
      valid: true,
      details: expect.objectContaining({
        distanceM: 1_314,
        cellDistance: 28,
        expectedMaxRssiDbm: -82.589,
        observedRssiDbm: -108,
        observedSnrDb: 3.5,
        sensitivityDbm: -137.031,
        snrFloorDb: -20,
        frequencyOffsetHz: 32,
      }),
    });
  });

  it('garbage data rate: describe still works', () => {
    expect(describeWitnessLink(measureLink(withWitness({ dataRate: '??' })))).toMatchObject({ sensitivityDbm: null, snrFloorDb: null });
    expect(verifyWitnessLink(withWitness({ dataRate: '??' }))).toMatchObject({ valid: false, reason: 'invalid_data_rate' });
  });
});

describe('exactly at the thresholds', () => {
  const measured = measureLink(linkContext());

  it.each([
    [100_000, null],
    [100_999, null], // floor(100.999 km) = 100: Helium's integer-km comparison
    [101_000, 'max_distance_exceeded'],
    [null, 'max_distance_exceeded'], // uncomputable distance, as Helium
  ])('max distance at %s m', (distanceM, reason) => {
    expect(reasonOf(checkWitnessMaxDistance({ ...measured, distanceM }))).toBe(reason);
  });

  // A witness whose res-11 ancestor is exactly k grid steps from the beaconer's.
  const atSteps = (k: number): string => {
    const origin = parentCell(FIXTURE_LOCATIONS.LOC0, 11)!;
    const ring = gridDisk(origin, k).filter((c) => gridDistance(origin, c) === k);
    return cellToCenterChild(ring[0]!, 12);
  };
  it.each([
    [7, 'below_min_distance'],
    [8, null], // inclusive: 8 cells is far enough
    [9, null],
  ])('min distance at %d cells', (k, reason) => {
    const m = measureLink(linkContext({ witnessHotspot: witnessAt(atSteps(k)) }));
    expect(m.grid).toEqual({ ok: true, cells: k });
    expect(reasonOf(checkWitnessMinDistance(m))).toBe(reason);
  });

  it.each([
    [-826, null],
    [-825, null], // RSSI equal to the bound is allowed (Helium: invalid only when signal > expected)
    [-824, 'bad_rssi'],
  ])('RSSI %d ddBm against a bound of exactly -82.5 dBm', (signalDbmX10, reason) => {
    const m = measureLink(withWitness({ signalDbmX10 }));
    const atBound = { ...m, budget: { ...m.budget!, expectedMaxRssiDbm: -82.5 } };
    expect(reasonOf(checkWitnessRssi(atBound))).toBe(reason);
  });
});

describe('gains of 0 and below', () => {
  it.each([
    [0, 0],
    [-15, -1], // truncated toward zero, like Helium's integer division
    [-9, 0], // -0 in JS; written as 0 in the details' JSON
  ])('beaconer %d dBi x10 -> %d dB in the bound', (gainDbiX10, gainDbi) => {
    const ctx = linkContext({
      beaconer: { location: FIXTURE_LOCATIONS.LOC0, gainDbiX10, region: 'EU868' },
      beacon: { frequencyHz: 867_900_000, dataRate: 'SF12BW125', txPowerDbm: 30 },
    });
    const budget = linkBudget(ctx)!;
    expect(budget.beaconerGainDbi === gainDbi).toBe(true);
    // The cap keeps EIRP (power + gain) at the region's 16.1 dBm whatever the gain's sign.
    expect(budget.effectiveTxPowerDbm + budget.beaconerGainDbi).toBeCloseTo(16.1, 9);
    expect(Number.isFinite(budget.expectedMaxRssiDbm)).toBe(true);
  });
});

describe('geometry at the antimeridian and near the poles', () => {
  const link = (a: readonly [number, number], b: readonly [number, number]) =>
    measureLink(
      linkContext({
        beaconer: { location: latLngToCell(a[0], a[1], 12), gainDbiX10: 12, region: 'EU868' },
        witnessHotspot: witnessAt(latLngToCell(b[0], b[1], 12)),
      }),
    );

  it.each([
    ['across ±180 at the equator', [0.01, 179.995], [0.01, -179.995]],
    ['across ±180 in Fiji', [-16.8, 179.99], [-16.79, -179.99]],
    ['near the north pole, across meridians', [89.99, 0], [89.99, 180]],
    ['near the south pole', [-89.99, 45], [-89.99, -135]],
  ] as const)('%s: short, finite and judged like any other link', (_, a, b) => {
    const m = link(a, b);
    expect(m.distanceM).not.toBeNull();
    expect(m.distanceM!).toBeLessThan(5_000);
    expect(Number.isFinite(m.budget!.expectedMaxRssiDbm)).toBe(true);
    expect(m.grid.ok).toBe(true);
    expect(checkWitnessMaxDistance(m)).toBeNull();
  });

  it('identical locations: 0 m and 0 cells fail below_min_distance (no NaN in the details)', () => {
    const m = link([35.9, 14.43], [35.9, 14.43]);
    expect(m.distanceM).toBe(0);
    const failure = verifyWitnessLink(m.link);
    expect(failure).toMatchObject({ valid: false, reason: 'below_min_distance', details: { cellDistance: 0, distanceM: 0 } });
    expect(JSON.stringify(failure)).not.toMatch(/NaN/);
  });
});

describe('units', () => {
  it('a witness frequency in MHz instead of Hz fails invalid_frequency before it could loosen the RSSI bound', () => {
    const m = measureLink(withWitness({ frequencyHz: 867.9 }));
    expect(verifyWitnessLink(m.link)).toMatchObject({ valid: false, reason: 'invalid_frequency' });
    // The bound alone would have been 120 dB looser: FSPL scales with 20 log10(f), and f is 10^6 too small.
    expect(m.budget!.expectedMaxRssiDbm - measureLink(linkContext()).budget!.expectedMaxRssiDbm).toBeCloseTo(120, 0);
  });

  it('RSSI and SNR are read in tenths: -1080 ddBm is -108 dBm, 35 ddB is 3.5 dB', () => {
    const m = measureLink(linkContext());
    expect([m.observedRssiDbm, m.observedSnrDb]).toEqual([-108, 3.5]);
    // The same numbers taken as whole dBm / dB would be impossible (far above free space).
    expect(checkWitnessRssi(measureLink(withWitness({ signalDbmX10: -108 })))?.reason).toBe('bad_rssi');
  });
});
