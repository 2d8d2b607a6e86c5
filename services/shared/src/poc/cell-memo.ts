/**
 * Link geometry from remembered per-cell numbers. The verifier measures hundreds of thousands of
 * links between a few thousand asserted cells, and turning a cell into its centre and its
 * resolution-11 ancestor (h3-js parses the hex index each time) was most of a link's cost. Both
 * are pure functions of the cell, so they are remembered per cell; the results are exactly those
 * of geo/cell-distance.ts (same h3-js calls on the same inputs).
 */
import { UNITS, greatCircleDistance, gridDistance } from 'h3-js';
import { gridDistanceAtResolution, type GridDistanceResult } from '../geo/cell-distance';
import { cellCenter, parentCell } from '../geo/h3-cells';

/** Bound on remembered cells per table: a table is emptied when it grows past it. */
const MAX_REMEMBERED_CELLS = 200_000;

function remembered<V>(table: Map<string, V>, key: string, compute: () => V): V {
  let value = table.get(key);
  if (value === undefined && !table.has(key)) {
    if (table.size >= MAX_REMEMBERED_CELLS) table.clear();
    value = compute();
    table.set(key, value);
  }
  return value as V;
}

const centres = new Map<string, [number, number] | null>();
const parentsByResolution = new Map<number, Map<string, string | null>>();

function centreOf(cell: string): [number, number] | null {
  return remembered(centres, cell, () => {
    const c = cellCenter(cell);
    return c ? [c.lat, c.lng] : null;
  });
}

function parentOf(cell: string, resolution: number): string | null {
  let table = parentsByResolution.get(resolution);
  if (!table) parentsByResolution.set(resolution, (table = new Map()));
  return remembered(table, cell, () => parentCell(cell, resolution));
}

/** cellCenterDistanceRoundedM: great-circle metres between the cell centres, rounded; null for an invalid cell. */
export function cellCentreDistanceRoundedM(cellA: string, cellB: string): number | null {
  const a = centreOf(cellA);
  const b = centreOf(cellB);
  if (!a || !b) return null;
  return Math.round(greatCircleDistance(a, b, UNITS.m));
}

/** gridDistanceAtResolution, with the ancestors remembered. */
export function gridDistanceBetween(cellA: string, cellB: string, resolution: number): GridDistanceResult {
  const parentA = parentOf(cellA, resolution);
  const parentB = parentOf(cellB, resolution);
  // Invalid or too coarse: rare; the shared function classifies the failure.
  if (!parentA || !parentB) return gridDistanceAtResolution(cellA, cellB, resolution);
  try {
    return { ok: true, cells: gridDistance(parentA, parentB) };
  } catch {
    return { ok: false, failure: 'not_computable' };
  }
}
