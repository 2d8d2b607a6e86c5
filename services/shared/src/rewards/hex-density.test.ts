import { readFileSync } from 'node:fs';
import { cellToChildren, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../seeded-random';
import { clipLimit, computeHexDensity, HIP104_HEX_DENSITY_PARAMS, SCALE_DECIMALS, type HexDensityMap, type HexDensityParams } from './hex-density';

interface DensityVectors {
  parameters: {
    max_res: number;
    used_res: number[];
    res_config: Record<string, { neighbors_N: number; target: number; max: number }>;
    scaling_precision_dp: number;
  };
  tests: Array<{
    name: string;
    inputs: Array<{ h3_hex: string; h3_u64: string }>;
    expected_count: number;
    expected: Array<{ h3_hex: string; h3_u64: string; scale: string }>;
  }>;
}

const vectors = JSON.parse(
  readFileSync(new URL('../testing/vectors/hex-density.json', import.meta.url), 'utf8'),
) as DensityVectors;

function mapOf(cells: string[], params?: HexDensityParams): HexDensityMap {
  const result = computeHexDensity(cells, params);
  if (!result.ok) throw result.error;
  return result.value;
}

/** A res-12 cell in central Berlin; children of one res-10 cell are used to build clusters. */
const BASE12 = latLngToCell(52.52, 13.405, 12);
const BASE10 = cellToParent(BASE12, 10);

describe('computeHexDensity against Helium vectors', () => {
  // simple_scale_check only binds res 8-10 clipping, and the reference implementation below reads
  // HIP104_HEX_DENSITY_PARAMS itself, so the table is compared with Helium's HIP104_RES_CONFIG here.
  it("uses Helium's HIP104_RES_CONFIG, res-11 counting and 4-decimal scales", () => {
    const p = vectors.parameters;
    expect(HIP104_HEX_DENSITY_PARAMS.countResolution).toBe(p.max_res);
    expect(Object.keys(HIP104_HEX_DENSITY_PARAMS.clipping).map(Number).sort((a, b) => b - a)).toEqual(p.used_res);
    expect(Object.keys(p.res_config).map(Number).sort((a, b) => b - a)).toEqual(p.used_res);
    for (const [res, c] of Object.entries(p.res_config)) {
      expect(HIP104_HEX_DENSITY_PARAMS.clipping[Number(res)], `res ${res}`).toEqual({ neighbors: c.neighbors_N, target: c.target, max: c.max });
    }
    expect(SCALE_DECIMALS).toBe(p.scaling_precision_dp);
  });

  for (const t of vectors.tests) {
    it(`reproduces every scale of ${t.name}`, () => {
      const map = mapOf(t.inputs.map((i) => i.h3_hex));
      expect(map.scales.size).toBe(t.expected_count);
      for (const e of t.expected) {
        // The vector's decimal u64 and hex forms must name the same cell.
        expect(BigInt(e.h3_u64).toString(16)).toBe(e.h3_hex);
        const got = map.scaleOf(e.h3_hex);
        expect(got.scaleText, e.h3_hex).toBe(Number(e.scale).toFixed(4));
        expect(got.scaleE4).toBe(Math.round(Number(e.scale) * 10_000));
        expect(got.scale).toBe(Number(e.scale));
      }
    });
  }

  it('explains the 0.0060 hotspot of simple_scale_check as 1/7 × 1/4 × 1/6', () => {
    const map = mapOf(vectors.tests[0]!.inputs.map((i) => i.h3_hex));
    const levels = map.explain('8c2830d340043ff')!;
    expect(levels.map((l) => [l.res, l.clipped, l.unclipped])).toEqual([
      [11, 7, 7],
      [10, 1, 7],
      [9, 1, 4],
      [8, 1, 6],
      [7, 1, 1],
      [6, 1, 1],
      [5, 1, 1],
      [4, 1, 1],
    ]);
  });
});

describe('computeHexDensity small cases', () => {
  const [a, b] = cellToChildren(BASE10, 11).map((c11) => cellToChildren(c11, 12)[0]!);
  const cases: Array<{ name: string; cells: string[]; expected: Record<string, string> }> = [
    { name: 'a lone hotspot scales 1.0', cells: [BASE12], expected: { [BASE12]: '1.0000' } },
    { name: 'two hotspots in different res-11 cells of one res-10 cell get 0.5 each', cells: [a!, b!], expected: { [a!]: '0.5000', [b!]: '0.5000' } },
    { name: 'three hotspots in one res-12 cell get 0.3333 each', cells: [BASE12, BASE12, BASE12], expected: { [BASE12]: '0.3333' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const map = mapOf(c.cells);
      expect(Object.fromEntries([...map.scales].map(([k, v]) => [k, v.scaleText]))).toEqual(c.expected);
    });
  }

  it('gives cells outside the map the default 0.2', () => {
    const map = mapOf([BASE12]);
    const elsewhere = latLngToCell(48.85, 2.35, 12);
    expect(map.scaleOf(elsewhere)).toEqual({ scaleE4: 2000, scale: 0.2, scaleText: '0.2000' });
    expect(map.explain(elsewhere)).toBeUndefined();
  });

  it('gives any cell of a counted res-11 cell that cell’s scale by scaleInCountCell, and undefined elsewhere', () => {
    const map = mapOf([a!, b!]);
    const [, sibling] = cellToChildren(cellToParent(a!, 11), 12);
    expect(map.scaleOf(sibling!).scaleText).toBe('0.2000'); // not an input: scaleOf knows only inputs
    expect(map.scaleInCountCell(sibling!)?.scaleText).toBe('0.5000');
    expect(map.scaleInCountCell(cellToChildren(sibling!, 14)[3]!)?.scaleText).toBe('0.5000');
    expect(map.scaleInCountCell(cellToParent(a!, 11))?.scaleText).toBe('0.5000');
    expect(map.scaleInCountCell(a!.toUpperCase())?.scaleText).toBe('0.5000');
    expect(map.scaleInCountCell(latLngToCell(48.85, 2.35, 12))).toBeUndefined();
    expect(map.scaleInCountCell(cellToParent(a!, 10))).toBeUndefined(); // coarser than the count resolution
    expect(map.scaleInCountCell('not a cell')).toBeUndefined();
  });

  it('accepts upper-case hex and keys the result in lower case', () => {
    const map = mapOf([BASE12.toUpperCase()]);
    expect([...map.scales.keys()]).toEqual([BASE12]);
    expect(map.scaleOf(BASE12.toUpperCase()).scaleText).toBe('1.0000');
  });

  it('returns an empty map for no hotspots', () => {
    expect(mapOf([]).scales.size).toBe(0);
  });

  it('rounds half to even at the fourth decimal (1/32 -> 0.0312)', () => {
    // 8 hotspots in one res-11 cell, 4 occupied res-10 cells under one res-9 parent: 1/8 × 1/4.
    const c10s = cellToChildren(cellToParent(BASE12, 9), 10).slice(0, 4);
    const cells = c10s.flatMap((c10, i) => {
      const c12 = cellToChildren(c10, 12)[0]!;
      return i === 0 ? Array<string>(8).fill(c12) : [c12];
    });
    const map = mapOf(cells);
    expect(map.scaleOf(cells[0]!).scaleText).toBe('0.0312');
  });
});

describe('res-7 clipping with occupied neighbours', () => {
  // Puts one hotspot in each of `n` distinct res-8 children of a res-7 cell.
  function fillRes7(res7: string, n: number): string[] {
    return cellToChildren(res7, 8)
      .slice(0, n)
      .map((c8) => cellToChildren(c8, 12)[0]!);
  }
  const center7 = cellToParent(BASE12, 7);
  const neighbours7 = gridDisk(center7, 1).filter((c) => c !== center7);

  it('clips a res-7 cell of 7 occupied res-8 children to target 5 when no neighbour is dense', () => {
    const map = mapOf(fillRes7(center7, 7));
    const res7 = map.explain(fillRes7(center7, 1)[0]!)!.find((l) => l.res === 7)!;
    expect([res7.clipped, res7.unclipped]).toEqual([5, 7]);
  });

  it('raises the limit by one target per dense neighbour beyond N=4, capped at max 10', () => {
    const dense = (k: number) => neighbours7.slice(0, k).flatMap((c) => fillRes7(c, 5));
    const res7Of = (k: number) => {
      const map = mapOf([...fillRes7(center7, 7), ...dense(k)]);
      return map.explain(fillRes7(center7, 1)[0]!)!.find((l) => l.res === 7)!.clipped;
    };
    // occupied counts the centre too: k neighbours + 1.
    expect(res7Of(3)).toBe(5);
    expect(res7Of(4)).toBe(7); // limit 10, unclipped 7
  });

  it('limit formula matches HIP-104 tables', () => {
    const r7 = HIP104_HEX_DENSITY_PARAMS.clipping[7]!;
    expect([0, 4, 5, 6, 7].map((o) => clipLimit(r7, o))).toEqual([5, 5, 10, 10, 10]);
    const r4 = HIP104_HEX_DENSITY_PARAMS.clipping[4]!;
    expect([2, 3, 4].map((o) => clipLimit(r4, o))).toEqual([500, 1000, 1000]);
  });
});

describe('computeHexDensity input errors', () => {
  it.each([
    ['not hex', 'zzz'],
    ['empty', ''],
    ['res 9 cell, coarser than res 11', cellToParent(BASE12, 9)],
  ])('rejects %s with geo.invalid_h3', (_name, bad) => {
    const result = computeHexDensity([BASE12, bad]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('geo.invalid_h3');
      expect(result.error.details).toMatchObject({ index: 1 });
    }
  });

  it('rejects non-contiguous clipping params', () => {
    const params: HexDensityParams = { ...HIP104_HEX_DENSITY_PARAMS, clipping: { 10: { neighbors: 2, target: 1, max: 1 }, 8: { neighbors: 2, target: 1, max: 1 } } };
    expect(() => computeHexDensity([BASE12], params)).toThrow(/contiguous/);
  });

  it('rejects a max below target, which would make Helium order-dependent', () => {
    const params: HexDensityParams = { ...HIP104_HEX_DENSITY_PARAMS, clipping: { ...HIP104_HEX_DENSITY_PARAMS.clipping, 7: { neighbors: 4, target: 5, max: 4 } } };
    expect(() => computeHexDensity([BASE12], params)).toThrow(/res 7/);
  });
});

/**
 * A literal transcription of the published algorithm (string cells, h3-js parents, provisional
 * clipped counts updated in processing order, exact rationals) to cross-check the optimised one.
 */
function referenceScales(cells: string[]): Map<string, string> {
  const params = HIP104_HEX_DENSITY_PARAMS;
  const unclipped = new Map<string, number>();
  const clipped = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const c of cells) {
    const p = cellToParent(c, 11);
    bump(unclipped, p, 1);
    bump(clipped, p, 1);
  }
  let atRes = [...unclipped.keys()];
  for (let res = 10; res >= 4; res--) {
    const parents = new Set<string>();
    for (const c of atRes) {
      const p = cellToParent(c, res);
      bump(unclipped, p, clipped.get(c) ?? 0);
      bump(clipped, p, clipped.get(c) ?? 0);
      parents.add(p);
    }
    const cfg = params.clipping[res]!;
    for (const p of parents) {
      const occupied = gridDisk(p, 1).filter((n) => (clipped.get(n) ?? -1) >= cfg.target).length;
      clipped.set(p, Math.min(clipLimit(cfg, occupied), unclipped.get(p)!));
    }
    atRes = [...parents];
  }
  const out = new Map<string, string>();
  for (const c of cells) {
    let num = 1n;
    let den = 1n;
    for (let res = 11; res >= 4; res--) {
      const p = cellToParent(c, res);
      num *= BigInt(clipped.get(p)!);
      den *= BigInt(unclipped.get(p)!);
    }
    let q = (num * 10_000n) / den;
    const r2 = 2n * ((num * 10_000n) % den);
    if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
    out.set(c, (Number(q) / 10_000).toFixed(4));
  }
  return out;
}

describe('computeHexDensity against a literal reference implementation', () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  // Dense metro areas exercise the res 7..4 targets (5, 25, 100, 500); the pentagon-centred
  // cluster exercises gridDisk around a pentagon.
  const clusters: Array<[number, number, number, number]> = [
    [52.52, 13.405, 0.25, 2500],
    [40.71, -74.0, 0.6, 2500],
    [-33.87, 151.21, 0.05, 600],
    [64.7, 10.536, 0.5, 400],
  ];
  const cells = clusters.flatMap(([lat, lng, spread, n]) =>
    Array.from({ length: n }, () => latLngToCell(lat + (rnd() - 0.5) * spread, lng + (rnd() - 0.5) * spread, 12)),
  );

  it('agrees on every scale for 6 000 clustered hotspots', () => {
    const expected = referenceScales(cells);
    const map = mapOf(cells);
    expect(map.scales.size).toBe(expected.size);
    const mismatches = [...expected].filter(([c, s]) => map.scaleOf(c).scaleText !== s);
    expect(mismatches).toEqual([]);
    // The data set must actually exercise coarse clipping, or the comparison proves little.
    const clippedRes = new Set(cells.flatMap((c) => map.explain(c)!.filter((l) => l.clipped < l.unclipped).map((l) => l.res)));
    expect([...clippedRes].sort()).toEqual([10, 4, 5, 6, 7, 8, 9].sort());
  });

  it('names the same parent cells as h3-js at every resolution', () => {
    const map = mapOf(cells);
    for (const c of cells.slice(0, 500)) {
      for (const level of map.explain(c)!) expect(level.cell).toBe(cellToParent(c, level.res));
    }
  });
});

describe('withHotspotAt: one more hotspot without recomputing the map', () => {
  // A city dense enough that every resolution clips, down to res 4 (500 hotspots a cell), in a
  // region of sparser towns, and co-located hotspots; candidates near the crowd and far from it.
  const random = mulberry32(17);
  const near = (lat: number, lng: number, radiusKm: number): string => {
    const r = radiusKm * Math.sqrt(random());
    const a = 2 * Math.PI * random();
    return latLngToCell(lat + (r / 111) * Math.sin(a), lng + (r / (111 * Math.cos((lat * Math.PI) / 180))) * Math.cos(a), 12);
  };
  const cells: string[] = [];
  for (const [count, radiusKm] of [[900, 3], [700, 20], [600, 80], [300, 250]] as const) for (let i = 0; i < count; i++) cells.push(near(52.52, 13.4, radiusKm));
  for (let i = 0; i < 5; i++) cells.push(cells[0]!);
  const current = mapOf(cells);

  it('gives the new scale, its counts and every changed scale that computeHexDensity over the inputs plus the new cell gives', () => {
    const candidates = [cells[0]!, cells[1000]!, cellToChildren(cellToParent(cells[5]!, 11), 12)[3]!, latLngToCell(-33.9, 151.2, 12)];
    for (const radiusKm of [2, 15, 60, 150, 300, 450]) for (let i = 0; i < 6; i++) candidates.push(near(52.52, 13.4, radiusKm));
    let changed = 0;
    let clippedFar = 0;
    for (const cell of candidates) {
      const change = current.withHotspotAt(cell);
      const whole = mapOf([...cells, cell]);
      expect([cell, change.scale]).toEqual([cell, whole.scaleOf(cell)]);
      expect([cell, change.levels]).toEqual([cell, whole.explain(cell)]);
      const expected = [...new Set(cells)].filter((c) => whole.scaleOf(c).scaleE4 !== current.scaleOf(c).scaleE4).map((c) => [c, current.scaleOf(c).scaleE4, whole.scaleOf(c).scaleE4]);
      expect([cell, change.changed.map((c) => [c.cell, c.before.scaleE4, c.after.scaleE4]).sort()]).toEqual([cell, expected.sort()]);
      changed += change.changed.length;
      if (change.levels.some((l) => l.res <= 5 && l.clipped < l.unclipped)) clippedFar++;
    }
    // Not vacuous: candidates moved others' scales, and some sat under res-4/5 clipping.
    expect(changed).toBeGreaterThan(100);
    expect(clippedFar).toBeGreaterThan(3);
  });

  it("crosses a target: a cell filling up raises a neighbour's limit, so the neighbour's hotspots gain, as the whole computation says", () => {
    // Res 7 (target 5, N 4, max 10): a centre with 7 occupied res-8 children, three neighbours at
    // their target and three one short. The centre's disk holds 4 occupied cells, so its limit is 5
    // and its hotspots are scaled 5/7; a fifth hotspot in a short neighbour makes 5 occupied, the
    // limit 10, and the centre's hotspots whole.
    const centre = cellToParent(BASE12, 7);
    const ring = gridDisk(centre, 1).filter((c) => c !== centre);
    const hotspotsIn = (cell: string, n: number) => cellToChildren(cell, 8).slice(0, n).map((r8) => cellToChildren(r8, 12)[0]!);
    const crowd = [...hotspotsIn(centre, 7), ...ring.slice(0, 3).flatMap((c) => hotspotsIn(c, 5)), ...ring.slice(3).flatMap((c) => hotspotsIn(c, 4))];
    const map = mapOf(crowd);
    for (const short of ring.slice(3)) {
      const extra = cellToChildren(cellToChildren(short, 8)[4]!, 12)[0]!;
      const change = map.withHotspotAt(extra);
      const whole = mapOf([...crowd, extra]);
      expect(change.scale).toEqual(whole.scaleOf(extra));
      expect(change.changed.map((x) => [x.cell, x.before.scaleE4, x.after.scaleE4]).sort()).toEqual(
        [...new Set(crowd)].filter((x) => whole.scaleOf(x).scaleE4 !== map.scaleOf(x).scaleE4).map((x) => [x, map.scaleOf(x).scaleE4, whole.scaleOf(x).scaleE4]).sort(),
      );
      // The centre's hotspots, outside the cell that filled up, are among those that gained.
      expect(change.changed.filter((x) => cellToParent(x.cell, 7) === centre && x.after.scaleE4 > x.before.scaleE4)).toHaveLength(7);
    }
  });

  it('refuses a cell coarser than the count resolution, or no cell', () => {
    expect(() => current.withHotspotAt(cellToParent(BASE12, 9))).toThrow('res >= 11');
    expect(() => current.withHotspotAt('zz')).toThrow('not a valid H3 cell');
  });
});
