import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { computeHexDensity } from '@cov/shared/rewards/hex-density';
import { densityCells, scaleTable } from './density-cells';

const lisbon = latLngToCell(38.7223, -9.1393, 12);
const oslo = latLngToCell(59.9139, 10.7522, 12);
const osloNeighbour = cellToChildren(cellToParent(oslo, 10), 11)
  .filter((c) => c !== cellToParent(oslo, 11))
  .map((c) => cellToChildren(c, 12)[0]!)[0]!; // same res-10 cell, another res-11 cell
const osloNudged = cellToChildren(cellToParent(oslo, 11), 12).find((c) => c !== oslo)!; // same res-11 cell

const mover = { address: 'mover', cell: oslo };
const local = { address: 'local', cell: osloNeighbour };

describe('densityCells', () => {
  it('counts only latest-beacon cells under the older rule, whatever the beacons say', () => {
    const r = densityCells([mover, local], [{ address: 'mover', cell: lisbon }], 'latest-beacon', 11);
    expect(r).toEqual({ counted: [oslo, osloNeighbour], skipped: 0, proofCells: [] });
  });

  it('also counts a mover in each other res-11 cell its rewarded beacons came from, once', () => {
    const beacons = [
      { address: 'mover', cell: oslo },
      { address: 'mover', cell: lisbon },
      { address: 'mover', cell: cellToChildren(cellToParent(lisbon, 11), 12).find((c) => c !== lisbon)! }, // same res-11 as lisbon
      { address: 'local', cell: osloNeighbour },
    ];
    const r = densityCells([mover, local], beacons, 'latest-and-rewarded-beacons', 11);
    expect(r.counted).toEqual([oslo, osloNeighbour, lisbon]);
    expect(r.proofCells).toEqual([{ address: 'mover', cell: lisbon }]);
  });

  it('does not count a hotspot twice for a move inside its res-11 cell', () => {
    const r = densityCells([mover], [{ address: 'mover', cell: osloNudged }], 'latest-and-rewarded-beacons', 11);
    expect(r.counted).toEqual([oslo]);
    expect(r.proofCells).toEqual([]);
  });

  it('leaves out hotspots that are not interactive (or are excluded) and cells it cannot use', () => {
    const r = densityCells(
      [mover, { address: 'broken', cell: 'zz' }],
      [
        { address: 'stranger', cell: lisbon },
        { address: 'mover', cell: 'not-a-cell' },
        { address: 'mover', cell: cellToParent(lisbon, 10) },
        { address: 'broken', cell: lisbon },
      ],
      'latest-and-rewarded-beacons',
      11,
    );
    expect(r.counted).toEqual([oslo, lisbon]);
    expect(r.skipped).toBe(1);
    expect(r.proofCells).toEqual([{ address: 'broken', cell: lisbon }]);
  });

  it('sorts the extra cells by address, then cell', () => {
    const far = latLngToCell(-33.8688, 151.2093, 12);
    const r = densityCells(
      [
        { address: 'b', cell: oslo },
        { address: 'a', cell: osloNeighbour },
      ],
      [
        { address: 'b', cell: lisbon },
        { address: 'a', cell: lisbon < far ? far : lisbon },
        { address: 'a', cell: lisbon < far ? lisbon : far },
      ],
      'latest-and-rewarded-beacons',
      11,
    );
    expect(r.proofCells.map((c) => c.address)).toEqual(['a', 'a', 'b']);
    expect(r.proofCells[0]!.cell < r.proofCells[1]!.cell).toBe(true);
  });
});

describe('scaleTable', () => {
  const counted = densityCells([mover, local], [{ address: 'mover', cell: lisbon }], 'latest-and-rewarded-beacons', 11).counted;
  const map = computeHexDensity(counted);
  if (!map.ok) throw map.error;

  it('gives each rewarded beacon cell the scale of its res-11 cell, and leaves unknown cells to the default', () => {
    const table = scaleTable(map.value, [
      { address: 'mover', cell: lisbon },
      { address: 'mover', cell: osloNudged },
      { address: 'local', cell: osloNeighbour },
      { address: 'x', cell: latLngToCell(-33.8688, 151.2093, 12) },
      { address: 'y', cell: lisbon },
    ], 'latest-and-rewarded-beacons');
    expect(Object.fromEntries(table.cells.map((c, i) => [c, table.scalesE4[i]]))).toEqual({
      [lisbon]: 10_000, // alone there before the move
      [osloNudged]: 5_000, // sharing the res-10 cell with `local`
      [osloNeighbour]: 5_000,
    });
  });

  it('keeps the map’s own cells under the older rule', () => {
    const table = scaleTable(map.value, [{ address: 'mover', cell: osloNudged }], 'latest-beacon');
    expect(table.cells.sort()).toEqual([oslo, osloNeighbour, lisbon].sort());
  });
});
