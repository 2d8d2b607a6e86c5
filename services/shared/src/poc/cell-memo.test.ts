import { getPentagons, gridDisk, gridDistance } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellCenterDistanceRoundedM, gridDistanceAtResolution } from '../geo/cell-distance';
import { parentCell } from '../geo/h3-cells';
import { cellCentreDistanceRoundedM, gridDistanceBetween } from './cell-memo';
import { FIXTURE_LOCATIONS } from './test-fixtures';

const pentagon = getPentagons(11)[0]!;
const nearPentagon = gridDisk(pentagon, 20);
const notComputable = (() => {
  for (const a of nearPentagon) {
    for (const b of nearPentagon) {
      try {
        gridDistance(a, b);
      } catch {
        return [a, b] as const;
      }
    }
  }
  throw new Error('no failing pair near the pentagon');
})();

const { LOC0, LOC1, LOC2, LOC3, LOC4 } = FIXTURE_LOCATIONS;

describe('remembered link geometry equals geo/cell-distance', () => {
  it.each([
    ['22.7 km', LOC0, LOC1],
    ['2 622 km', LOC0, LOC2],
    ['7 cells', LOC0, LOC3],
    ['28 cells, asked twice', LOC0, LOC4],
    ['28 cells, reversed', LOC4, LOC0],
    ['same cell', LOC0, LOC0],
    ['H3 cannot count the steps', notComputable[0], notComputable[1]],
    ['coarser than resolution 11', LOC0, parentCell(LOC1, 9)!],
    ['not a cell', LOC0, 'not-a-cell'],
    ['not a cell on both ends', 'zz', ''],
  ])('%s', (_, a, b) => {
    for (let round = 0; round < 2; round++) {
      expect(cellCentreDistanceRoundedM(a, b)).toBe(cellCenterDistanceRoundedM(a, b));
      expect(gridDistanceBetween(a, b, 11)).toEqual(gridDistanceAtResolution(a, b, 11));
      expect(gridDistanceBetween(a, b, 10)).toEqual(gridDistanceAtResolution(a, b, 10));
    }
  });
});
