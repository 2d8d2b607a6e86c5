import { describe, expect, it } from 'vitest';
import { latLngToAssertedCell } from '@cov/shared/geo/h3-cells';
import type { EdgeEvidence, HotspotReportCounts } from './epoch-evidence';
import { detectFabricatedRssi, lineFitSpread } from './fabricated-rssi';
import { pooledSpread } from './fading';
import { DEFAULT_FRAUD_PARAMS } from './fraud-params';
import { detectGamingRings } from './gaming-rings';
import { multilaterate } from './location-spoofing';
import { fitPathLossModel, impliedDistanceM, predictedPathLossDb } from './path-loss-fit';
import { detectReportPatterns } from './report-patterns';
import { Rng } from './testing/synthetic-epoch';

const cell = (lat: number, lng: number) => {
  const r = latLngToAssertedCell(lat, lng);
  if (!r.ok) throw r.error;
  return r.value;
};

function edge(beaconer: string, witness: string, values: number[], distanceM = 2000, badRssiCount = 0): EdgeEvidence {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return {
    beaconer,
    witness,
    count: values.length,
    meanPathLossDb: mean,
    sumSquaredDeviationDb2: values.reduce((s, v) => s + (v - mean) ** 2, 0),
    distanceM,
    badRssiCount,
    beaconerCell: cell(48.1, 11.5),
    witnessCell: cell(48.11, 11.51),
  };
}

describe('path-loss fit', () => {
  it('recovers exponent and intercept from scattered links, ignoring outliers', () => {
    const rng = new Rng(3);
    const points = Array.from({ length: 2000 }, () => {
      const log10DistanceM = rng.uniform(2.6, 3.8);
      return { log10DistanceM, pathLossDb: 5 + 33 * log10DistanceM + rng.normal(0, 7) };
    });
    for (let i = 0; i < 60; i++) points.push({ log10DistanceM: 4.3, pathLossDb: 60 });
    const model = fitPathLossModel(points, 20)!;
    expect(model.slopeDbPerDecade).toBeGreaterThan(30);
    expect(model.slopeDbPerDecade).toBeLessThan(36);
    expect(model.sigmaDb).toBeGreaterThan(5.5);
    expect(model.sigmaDb).toBeLessThan(8.5);
    expect(impliedDistanceM(model, predictedPathLossDb(model, 2500))).toBeCloseTo(2500, 0);
  });

  it('needs enough edges', () => {
    expect(fitPathLossModel([{ log10DistanceM: 3, pathLossDb: 100 }], 20)).toBeNull();
  });
});

describe('multilaterate', () => {
  it('finds the point whose distances to the anchors are the given ranges', () => {
    const truth = { x: 12, y: -7 };
    const anchors = [
      { x: 10, y: -5 },
      { x: 15, y: -6 },
      { x: 11, y: -10 },
      { x: 14, y: -9 },
    ].map((a) => ({ ...a, rangeKm: Math.hypot(a.x - truth.x, a.y - truth.y) }));
    const p = multilaterate(anchors);
    expect(p.x).toBeCloseTo(12, 2);
    expect(p.y).toBeCloseTo(-7, 2);
  });
});

describe('report-to-report spread', () => {
  it.each([
    ['identical reports', [[100, 100, 100], [90, 90]], 0, 3],
    ['one edge swinging', [[100, 104, 96, 100]], Math.sqrt(32 / 3), 3],
    ['single reports carry no spread', [[100], [120]], 0, 0],
  ])('%s', (_name, edges, spread, dof) => {
    const s = pooledSpread(edges.map((v, i) => edge(`b${i}`, 'w', v)));
    expect(s.spreadDb).toBeCloseTo(spread, 6);
    expect(s.dof).toBe(dof);
  });

  it('fits a line exactly through collinear points', () => {
    expect(lineFitSpread([1, 2, 3, 4].map((x) => ({ x, y: 3 * x + 1 })))).toBeCloseTo(0, 9);
  });
});

describe('fabricated RSSI', () => {
  const params = DEFAULT_FRAUD_PARAMS;
  it.each([
    ['numbers that never move', [[110, 110, 110, 110, 110], [115, 115, 115, 115], [120, 120, 120]], 'on_model'],
    ['mostly above free space', [[80, 81], [82, 83], [84, 85]], 'too_strong'],
  ])('flags %s', (_name, values, pattern) => {
    const edges = values.map((v, i) => edge(`b${i}`, 'w', v, 1000 + i * 700, pattern === 'too_strong' ? v.length : 0));
    expect(detectFabricatedRssi(edges, params, new Set()).map((f) => f.evidence.pattern)).toEqual([pattern]);
  });

  it('leaves an honest fading witness alone, and skips hotspots already flagged', () => {
    const honest = [[110, 111.5, 108.7, 110.2, 109], [115, 113.4, 116.1, 115], [120, 121.3, 120]].map((v, i) => edge(`b${i}`, 'w', v, 1000 + i * 700));
    expect(detectFabricatedRssi(honest, params, new Set())).toEqual([]);
    const fake = [[110, 110, 110, 110, 110], [115, 115, 115, 115, 115]].map((v, i) => edge(`b${i}`, 'w', v));
    expect(detectFabricatedRssi(fake, params, new Set(['w']))).toEqual([]);
  });
});

describe('gaming rings', () => {
  const swing = (base: number) => [base - 4, base + 5, base - 3, base + 2];
  const steady = (base: number) => [base - 1, base + 1, base, base + 0.5];
  const members = ['r1', 'r2', 'r3'];
  const pairs = members.flatMap((a) => members.filter((b) => b !== a).map((b) => [a, b] as const));

  it('flags a mutual group whose internal links swing and whose reports stay inside', () => {
    const flags = detectGamingRings(pairs.map(([a, b]) => edge(a, b, swing(110))), DEFAULT_FRAUD_PARAMS);
    expect(flags.map((f) => f.hotspotAddress)).toEqual(members);
    expect(flags[0]!.evidence).toMatchObject({ members, insideShare: 1 });
  });

  it('leaves an isolated honest village alone (inside, but steady)', () => {
    expect(detectGamingRings(pairs.map(([a, b]) => edge(a, b, steady(110))), DEFAULT_FRAUD_PARAMS)).toEqual([]);
  });

  it('flags a hotspot in two farms once: fraud_flags allows one row per (epoch, hotspot, kind)', () => {
    // Farm 1: r1..r5, r3 tied to it by one thin mutual link. Farm 2: s1..s3 plus y, a steady
    // (non-candidate) witness of farm 2 that r3 mostly hears. Farm 1 is found first and takes r3;
    // farm 2's growth step used to take it again, and the duplicate (hotspot, kind) row made the
    // epoch's analysis transaction fail on the primary key every time it ran.
    const steadyN = (n: number) => Array.from({ length: n }, (_, i) => 110 + (i % 2 ? 0.3 : -0.3));
    const swingN = (n: number) => Array.from({ length: n }, (_, i) => 110 + (i % 2 ? 4 : -4));
    const edges: EdgeEvidence[] = [];
    const both = (a: string, b: string, n: number) => edges.push(edge(a, b, swingN(n)), edge(b, a, swingN(n)));
    const farm1 = ['r1', 'r2', 'r4', 'r5'];
    for (const a of farm1) for (const b of farm1) if (a < b) both(a, b, 4);
    both('r1', 'r3', 2);
    const farm2 = ['s1', 's2', 's3'];
    for (const a of farm2) for (const b of farm2) if (a < b) both(a, b, 4);
    for (const x of farm2) edges.push(edge(x, 'y', steadyN(6)), edge('y', x, swingN(6)));
    edges.push(edge('y', 'r3', swingN(20)), edge('r3', 'y', steadyN(1)));

    const flags = detectGamingRings(edges, DEFAULT_FRAUD_PARAMS);
    const keys = flags.map((f) => `${f.hotspotAddress}/${f.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(flags.map((f) => [f.hotspotAddress, (f.evidence.members as string[]).join(',')])).toEqual([
      ...['r1', 'r2', 'r3', 'r4', 'r5'].map((m) => [m, 'r1,r2,r3,r4,r5']),
      ...['s1', 's2', 's3', 'y'].map((m) => [m, 's1,s2,s3,y']),
    ]);
  });

  it('leaves swinging hotspots alone when their reports are mostly of outsiders', () => {
    const edges = pairs.map(([a, b]) => edge(a, b, swing(110)));
    for (const m of members) for (let k = 0; k < 6; k++) edges.push(edge(`o${k}`, m, swing(115)));
    expect(detectGamingRings(edges, DEFAULT_FRAUD_PARAMS)).toEqual([]);
  });
});

describe('report patterns', () => {
  const base: HotspotReportCounts = { address: 'h', beacons: 4, extraBeacons: 0, repeatedBeacons: 0, duplicateWitnesses: 0, repeatedWitnesses: 0, medianClockOffsetMs: -800, clockSamples: 4 };
  it.each([
    ['honest', {}, []],
    ['an honest network retry (duplicate) is not a replay', { duplicateWitnesses: 3 }, []],
    ['replayed witnesses', { repeatedWitnesses: 2 }, ['replayer']],
    ['a replayed beacon and witness', { repeatedBeacons: 1, repeatedWitnesses: 1 }, ['replayer']],
    ['a second beacon in two windows', { extraBeacons: 2 }, ['beacon_spammer']],
    ['one extra beacon only', { extraBeacons: 1 }, []],
    ['a clock 5 min fast', { medianClockOffsetMs: 300_000 }, ['clock_skew']],
    ['a clock 2 h slow', { medianClockOffsetMs: -7_200_000 }, ['clock_skew']],
    ['a skew seen once', { medianClockOffsetMs: 300_000, clockSamples: 1 }, []],
  ])('%s', (_name, change, kinds) => {
    expect(detectReportPatterns([{ ...base, ...change }], DEFAULT_FRAUD_PARAMS).map((f) => f.kind)).toEqual(kinds);
  });
});
