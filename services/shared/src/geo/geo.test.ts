import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UNITS, getPentagons, greatCircleDistance, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  cellCenterDistanceM,
  cellCenterDistanceRoundedM,
  gridDistanceAtResolution,
  gridDistanceOrFar,
} from './cell-distance';
import {
  cellCenter,
  cellFromDecimal,
  cellResolution,
  isValidCellHex,
  latLngToAssertedCell,
  latLngToCellAt,
  parentCell,
} from './h3-cells';
import { isValidLatLng, validateLatLng } from './lat-lng';

interface RssiVectors {
  locations: Record<string, { h3_u64: string; h3_hex: string }>;
  vectors: { id: string; inputs: Record<string, string | number>; expected: Record<string, string | number> }[];
  units_and_rules: { constants: Record<string, number | string> };
  derived: {
    cell_centres_latlng: Record<string, [number, number]>;
    resolutions: Record<string, number>;
    distances_m: Record<string, number>;
    cell_distances_res11: Record<string, number>;
  };
}
const rssi = JSON.parse(
  readFileSync(fileURLToPath(new URL('../testing/vectors/rssi.json', import.meta.url)), 'utf8'),
) as RssiVectors;
const loc = (name: string): string => {
  const l = rssi.locations[name];
  if (!l) throw new Error(`location ${name} missing from rssi.json`);
  return l.h3_hex;
};
/** LOC0..LOC4, or london_loc1 / london_loc2 (the res-15 cells of the calc_distance_london vector). */
const cellNamed = (name: string): string => {
  const london = /^london_loc(\d)$/.exec(name);
  return london ? String(vector('calc_distance_london').inputs[`loc${london[1]}_h3_hex`]) : loc(name);
};
const vector = (id: string) => {
  const v = rssi.vectors.find((x) => x.id === id);
  if (!v) throw new Error(`vector ${id} missing from rssi.json`);
  return v;
};

describe('lat/lng validation', () => {
  it.each([
    [0, 0, true],
    [90, 180, true],
    [-90, -180, true],
    [90.0001, 0, false],
    [0, -180.5, false],
    [Number.NaN, 0, false],
    [0, Number.POSITIVE_INFINITY, false],
  ])('(%d, %d) -> %s', (lat, lng, expected) => {
    expect(isValidLatLng(lat, lng)).toBe(expected);
    expect(validateLatLng(lat, lng).ok).toBe(expected);
  });

  it('rejects non-numbers with a geo.out_of_range error', () => {
    const r = validateLatLng('51.5', -0.1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('geo.out_of_range');
  });
});

describe('cells', () => {
  it('decimal u64 indexes convert to the hex the vectors list', () => {
    for (const name of Object.keys(rssi.locations)) {
      const l = rssi.locations[name]!;
      expect(cellFromDecimal(l.h3_u64)).toBe(l.h3_hex);
    }
    expect(cellFromDecimal('12')).toBeNull();
    expect(cellFromDecimal('not a number')).toBeNull();
  });

  it('cell centres and resolutions match the values derived in rssi.json', () => {
    const entries = Object.entries(rssi.derived.cell_centres_latlng);
    expect(entries).toHaveLength(7);
    for (const [name, [lat, lng]] of entries) {
      const c = cellCenter(cellNamed(name));
      expect(c?.lat).toBeCloseTo(lat, 12);
      expect(c?.lng).toBeCloseTo(lng, 12);
      expect(cellResolution(cellNamed(name))).toBe(rssi.derived.resolutions[name]);
    }
  });

  it('lat/lng -> asserted res-12 cell round-trips through its centre', () => {
    const r = latLngToAssertedCell(51.5123, -0.2919);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(cellResolution(r.value)).toBe(12);
    const c = cellCenter(r.value)!;
    const again = latLngToAssertedCell(c.lat, c.lng);
    expect(again.ok && again.value).toBe(r.value);
  });

  it('bad input gives errors, not exceptions', () => {
    const outOfRange = latLngToAssertedCell(91, 0);
    expect(!outOfRange.ok && outOfRange.error.code).toBe('geo.out_of_range');
    const badRes = latLngToCellAt(10, 10, 16);
    expect(!badRes.ok && badRes.error.code).toBe('geo.invalid_h3');
    expect(isValidCellHex('zzz')).toBe(false);
    expect(isValidCellHex(42)).toBe(false);
    expect(cellCenter('zzz')).toBeNull();
    expect(cellResolution('zzz')).toBeNull();
  });

  it('parentCell handles same, coarser and invalid resolutions', () => {
    const res12 = loc('LOC0');
    const res11 = parentCell(res12, 11)!;
    expect(cellResolution(res11)).toBe(11);
    expect(parentCell(res11, 11)).toBe(res11);
    expect(parentCell(res11, 12)).toBeNull();
    expect(parentCell('zzz', 5)).toBeNull();
    expect(parentCell(res12, -1)).toBeNull();
  });
});

describe('distances (rssi.json)', () => {
  it('calc_distance_london: 14 318 m between cell centres', () => {
    const v = vector('calc_distance_london');
    expect(cellCenterDistanceRoundedM(String(v.inputs.loc1_h3_hex), String(v.inputs.loc2_h3_hex))).toBe(v.expected.distance_m);
  });

  it('calc_cell_distance_london: 360 cells at res 11', () => {
    const v = vector('calc_cell_distance_london');
    expect(gridDistanceAtResolution(String(v.inputs.loc1_h3_hex), String(v.inputs.loc2_h3_hex), 11)).toEqual({
      ok: true,
      cells: v.expected.cell_distance_res11,
    });
  });

  it.each([
    ['LOC1', 22_694, 461],
    ['LOC2', 2_621_730, 56_221],
    ['LOC3', 363, 7],
    ['LOC4', 1_314, 28],
  ])('LOC0 to %s: %d m, %d cells (derived values)', (other, metres, cells) => {
    expect(cellCenterDistanceRoundedM(loc('LOC0'), loc(other))).toBe(metres);
    expect(gridDistanceOrFar(loc('LOC0'), loc(other), 11)).toBe(cells);
  });

  it.each(Object.keys(rssi.derived.distances_m))('%s: distance and res-11 cells as rssi.json derives them', (pair) => {
    const [a, b] = pair.split('-') as [string, string];
    expect(cellCenterDistanceRoundedM(cellNamed(a), cellNamed(b))).toBe(rssi.derived.distances_m[pair]);
    expect(gridDistanceOrFar(cellNamed(a), cellNamed(b), 11)).toBe(rssi.derived.cell_distances_res11[pair]);
  });

  it('every derived pair is checked', () => {
    expect(Object.keys(rssi.derived.distances_m)).toHaveLength(5);
    expect(Object.keys(rssi.derived.cell_distances_res11).sort()).toEqual(Object.keys(rssi.derived.distances_m).sort());
  });

  it("uses H3's authalic Earth radius, as Helium's h3o does (rssi.json R_note), not the declared 6371 km", () => {
    // One radian of arc along the equator is one Earth radius.
    expect(greatCircleDistance([0, 0], [0, 180 / Math.PI], UNITS.km)).toBeCloseTo(6371.007180918475, 9);
    expect(rssi.units_and_rules.constants.R_earth_radius_m_declared).toBe(6_371_000);
  });

  it('distance is symmetric and zero for the same cell', () => {
    expect(cellCenterDistanceM(loc('LOC0'), loc('LOC0'))).toBe(0);
    expect(cellCenterDistanceM(loc('LOC1'), loc('LOC0'))).toBe(cellCenterDistanceM(loc('LOC0'), loc('LOC1')));
    expect(cellCenterDistanceM('zzz', loc('LOC0'))).toBeNull();
  });

  it('H3 failures count as far, invalid cells stay unknown', () => {
    const malta = latLngToCell(35.9, 14.43, 11);
    const newZealand = latLngToCell(-41, 174, 11);
    expect(gridDistanceAtResolution(malta, newZealand, 11)).toEqual({ ok: false, failure: 'not_computable' });
    expect(gridDistanceOrFar(malta, newZealand, 11)).toBe(Number.POSITIVE_INFINITY);
    expect(gridDistanceAtResolution('zzz', malta, 11)).toEqual({ ok: false, failure: 'invalid_cell' });
    expect(gridDistanceOrFar('zzz', malta, 11)).toBeNull();
    const coarse = latLngToCell(35.9, 14.43, 8);
    expect(gridDistanceAtResolution(coarse, malta, 11)).toEqual({ ok: false, failure: 'coarser_than_resolution' });
  });

  it('near a pentagon even close cells can fail (why callers need a fallback)', () => {
    const pentagon = getPentagons(11)[0]!;
    const around = gridDisk(pentagon, 4);
    const failures = around.flatMap((a) => around.map((b) => gridDistanceAtResolution(a, b, 11))).filter((r) => !r.ok);
    expect(failures.length).toBeGreaterThan(0);
  });
});
