import { cellCenter, latLngToAssertedCell } from '@cov/shared/geo/h3-cells';
import { cellCenterDistanceRoundedM } from '@cov/shared/geo/cell-distance';
import { describe, expect, it } from 'vitest';
import type { EdgeEvidence } from './epoch-evidence';
import { DEFAULT_FRAUD_PARAMS } from './fraud-params';
import { detectLocationSpoofers } from './location-spoofing';
import { predictedPathLossDb, type PathLossModel } from './path-loss-fit';

const MODEL: PathLossModel = { interceptDb: 40, slopeDbPerDecade: 30, sigmaDb: 6, ceilingDb: 160, edges: 100 };

const cellAt = (lat: number, lng: number): string => {
  const r = latLngToAssertedCell(lat, lng);
  if (!r.ok) throw r.error;
  return r.value;
};
const wrapLng = (lng: number): number => ((((lng + 180) % 360) + 360) % 360) - 180;

/**
 * A spoofer asserting (lat, lng) whose radio sits ~30 km east among five honest hotspots that hear
 * each other. Path losses follow the model over the true distances; the verdicts' distances are
 * the asserted ones, as the evidence query gives them.
 */
function spoofScenario(lat: number, lng: number): EdgeEvidence[] {
  const kmLng = (km: number) => km / (111.32 * Math.cos((lat * Math.PI) / 180));
  const spoofer = { address: 'spoofer', cell: cellAt(lat, lng) };
  const radioAt = { lat, lng: lng + kmLng(30) };
  const honest = [
    [2, 0],
    [-2, 1],
    [0, 3],
    [1, -3],
    [-1, -2],
  ].map(([north, east], i) => ({ address: `h${i}`, cell: cellAt(radioAt.lat + north! / 111.32, wrapLng(radioAt.lng + kmLng(east!))) }));
  const radio = cellAt(radioAt.lat, wrapLng(radioAt.lng));
  const edges: EdgeEvidence[] = [];
  const link = (b: { address: string; cell: string }, w: { address: string; cell: string }, trueM: number) =>
    edges.push({
      beaconer: b.address,
      witness: w.address,
      count: 4,
      meanPathLossDb: predictedPathLossDb(MODEL, trueM),
      sumSquaredDeviationDb2: 30,
      distanceM: cellCenterDistanceRoundedM(b.cell, w.cell)!,
      badRssiCount: 0,
      beaconerCell: b.cell,
      witnessCell: w.cell,
    });
  for (const h of honest) {
    link(spoofer, h, cellCenterDistanceRoundedM(radio, h.cell)!);
    link(h, spoofer, cellCenterDistanceRoundedM(radio, h.cell)!);
    for (const o of honest) if (o !== h) link(h, o, cellCenterDistanceRoundedM(h.cell, o.cell)!);
  }
  return edges;
}

describe('location spoofers near the antimeridian', () => {
  // The same scenario at lng 10 and straddling lng ±180 (Fiji's Taveuni lies on it): distances and
  // signals are identical, so the flag and its numbers must be too.
  const away = detectLocationSpoofers(spoofScenario(-16.8, 10), MODEL, DEFAULT_FRAUD_PARAMS, new Set());
  const across = detectLocationSpoofers(spoofScenario(-16.8, 179.9), MODEL, DEFAULT_FRAUD_PARAMS, new Set());

  it('flags the spoofer in both places', () => {
    expect(away.map((f) => f.hotspotAddress)).toEqual(['spoofer']);
    expect(across.map((f) => f.hotspotAddress)).toEqual(['spoofer']);
  });

  it('measures the same offset from the asserted location (tens of km, not around the globe)', () => {
    const offsetAway = away[0]!.evidence.offsetM as number;
    const offsetAcross = across[0]!.evidence.offsetM as number;
    expect(offsetAway).toBeGreaterThan(20_000);
    expect(offsetAway).toBeLessThan(40_000);
    expect(Math.abs(offsetAcross - offsetAway)).toBeLessThan(1_000);
  });

  it('estimates a position inside [-180, 180] about 30 km east, across the line', () => {
    const estimated = across[0]!.evidence.estimatedPosition as { lat: number; lng: number };
    expect(estimated.lng).toBeGreaterThanOrEqual(-180);
    expect(estimated.lng).toBeLessThanOrEqual(180);
    const asserted = cellCenter(across[0]!.evidence.assertedCell as string)!;
    const km = cellCenterDistanceRoundedM(cellAt(estimated.lat, estimated.lng), cellAt(asserted.lat, asserted.lng))! / 1000;
    expect(km).toBeGreaterThan(20);
    expect(km).toBeLessThan(40);
  });
});
