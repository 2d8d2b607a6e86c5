import { describe, expect, it } from 'vitest';
import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { computeHexDensity, type HexDensityMap } from '@cov/shared/rewards/hex-density';
import { DensityInputsByCell, estimateSiting, type DensityInput } from './siting-estimate';

const density = (cells: string[]): HexDensityMap => {
  const computed = computeHexDensity(cells);
  if (!computed.ok) throw computed.error;
  return computed.value;
};

describe('estimateSiting', () => {
  // Three hotspots in one res-10 cell (two of them co-located), one alone in the next res-10 cell.
  const r10 = cellToParent(latLngToCell(48.8566, 2.3522, 12), 10);
  const [a, b] = cellToChildren(r10, 12);
  const inputs: DensityInput[] = [
    { address: 'hb', cell: b! },
    { address: 'ha1', cell: a! },
    { address: 'ha2', cell: a! },
  ];
  const current = density(inputs.map((i) => i.cell));
  const byCell = new DensityInputsByCell(inputs);

  it('names every hotspot of a changed cell, co-located ones too, the largest drop first, then by address', () => {
    const estimate = estimateSiting(current, byCell, a!);
    // Four in the res-10 cell: each 1/4 instead of 1/3.
    expect(estimate.scale.scale).toBe(0.25);
    expect(estimate.changes.map((c) => [c.address, c.scaleBefore.scale, c.scaleAfter.scale])).toEqual([
      ['ha1', 0.3333, 0.25],
      ['ha2', 0.3333, 0.25],
      ['hb', 0.3333, 0.25],
    ]);
    expect(estimate.levels.find((l) => l.res === 10)).toMatchObject({ unclipped: 4, clipped: 1 });
  });

  it('gives a hotspot alone the full scale, and the first hotspot of a network with none interactive too', () => {
    const far = latLngToCell(-33.9, 151.2, 12);
    expect(estimateSiting(current, byCell, far)).toMatchObject({ scale: { scale: 1 }, changes: [] });
    const first = estimateSiting(undefined, new DensityInputsByCell([]), far);
    expect([first.scale.scale, first.changes, first.levels.length]).toEqual([1, [], 8]);
  });
});
