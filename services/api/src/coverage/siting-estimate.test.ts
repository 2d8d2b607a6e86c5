import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { mulberry32 } from '@cov/shared/seeded-random';
import { computeHexDensity, type HexDensityMap } from '@cov/shared/rewards/hex-density';
import { DensityNeighbourhoods, estimateSiting, type DensityInput } from './siting-estimate';

const density = (cells: string[]): HexDensityMap => {
  const computed = computeHexDensity(cells);
  if (!computed.ok) throw computed.error;
  return computed.value;
};

/** A point about `radiusKm` (uniform in the disc) from the centre. */
const near = (random: () => number, lat: number, lng: number, radiusKm: number): [number, number] => {
  const r = radiusKm * Math.sqrt(random());
  const a = 2 * Math.PI * random();
  return [lat + (r / 111) * Math.sin(a), lng + (r / (111 * Math.cos((lat * Math.PI) / 180))) * Math.cos(a)];
};

describe('estimateSiting', () => {
  // A city dense enough that every resolution clips, down to res 4 (500 hotspots a cell), in a
  // region of sparser towns: the neighbourhood's far figures decide scales here.
  const random = mulberry32(17);
  const inputs: DensityInput[] = [];
  const spreads: [count: number, radiusKm: number][] = [
    [900, 3],
    [700, 20],
    [600, 80],
    [300, 250],
  ];
  for (const [count, radiusKm] of spreads) {
    for (let i = 0; i < count; i++) inputs.push({ address: `h${inputs.length}`, cell: latLngToCell(...near(random, 52.52, 13.4, radiusKm), 12) });
  }
  // Co-located hotspots (one cell, several hotspots) count as several.
  for (let i = 0; i < 5; i++) inputs.push({ address: `same${i}`, cell: inputs[0]!.cell });
  const current = density(inputs.map((i) => i.cell));
  const neighbourhoods = new DensityNeighbourhoods(inputs);

  it('gives the scale and the changes the whole network computation gives, near and far from the crowd', () => {
    const candidates: string[] = [inputs[0]!.cell, inputs[1000]!.cell];
    for (const radiusKm of [2, 15, 60, 150, 300, 450]) for (let i = 0; i < 6; i++) candidates.push(latLngToCell(...near(random, 52.52, 13.4, radiusKm), 12));
    let changed = 0;
    let clipped = 0;
    for (const cell of candidates) {
      const estimate = estimateSiting(neighbourhoods, current, cell);
      const whole = density([...inputs.map((i) => i.cell), cell]);
      expect([cell, estimate.scale]).toEqual([cell, whole.scaleOf(cell)]);
      expect(estimate.levels).toEqual(whole.explain(cell));
      const expected = inputs
        .filter((i) => whole.scaleOf(i.cell).scaleE4 !== current.scaleOf(i.cell).scaleE4)
        .map((i) => [i.address, current.scaleOf(i.cell).scaleE4, whole.scaleOf(i.cell).scaleE4])
        .sort();
      expect([cell, estimate.changes.map((c) => [c.address, c.scaleBefore.scaleE4, c.scaleAfter.scaleE4]).sort()]).toEqual([cell, expected]);
      changed += estimate.changes.length;
      if (estimate.levels.some((l) => l.res <= 5 && l.clipped < l.unclipped)) clipped++;
    }
    // Not vacuous: candidates moved neighbours' scales, and some sat under res-4/5 clipping.
    expect(changed).toBeGreaterThan(100);
    expect(clipped).toBeGreaterThan(3);
  });

  it('lists the largest drop first, and a lone hotspot gets the full scale with nothing changed', () => {
    const estimate = estimateSiting(neighbourhoods, current, inputs[0]!.cell);
    const drops = estimate.changes.map((c) => c.scaleBefore.scaleE4 - c.scaleAfter.scaleE4);
    expect(drops).toEqual([...drops].sort((a, b) => b - a));
    expect(estimate.counted).toBeLessThanOrEqual(inputs.length);
    const alone = estimateSiting(neighbourhoods, current, latLngToCell(-33.9, 151.2, 12));
    expect([alone.scale.scale, alone.changes, alone.counted]).toEqual([1, [], 0]);
    const empty = estimateSiting(new DensityNeighbourhoods([]), undefined, inputs[0]!.cell);
    expect([empty.scale.scale, empty.changes]).toEqual([1, []]);
  });
});
