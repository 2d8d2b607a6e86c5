/**
 * Distances between H3 cells, the way Helium's verifier measures them: great-circle between cell
 * centres, and grid steps between ancestors at a coarser resolution.
 */
import { UNITS, greatCircleDistance, gridDistance } from 'h3-js';
import { cellCenter, parentCell } from './h3-cells';

/**
 * Great-circle distance between the centres of two cells, in metres (not rounded). h3-js uses the
 * same authalic Earth radius (6371.007180918475 km) as h3o in Helium's verifier.
 */
export function cellCenterDistanceM(cellA: string, cellB: string): number | null {
  const a = cellCenter(cellA);
  const b = cellCenter(cellB);
  if (!a || !b) return null;
  return greatCircleDistance([a.lat, a.lng], [b.lat, b.lng], UNITS.m);
}

/** Helium compares whole metres: the distance rounded to the nearest metre. */
export function cellCenterDistanceRoundedM(cellA: string, cellB: string): number | null {
  const distanceM = cellCenterDistanceM(cellA, cellB);
  return distanceM === null ? null : Math.round(distanceM);
}

export type GridDistanceResult =
  | { ok: true; cells: number }
  /**
   * No grid distance: an invalid cell, a cell coarser than the resolution, or an H3 failure. H3
   * cannot count steps across some icosahedron-face boundaries near pentagons or over very long
   * distances; those pairs are far apart, not close.
   */
  | { ok: false; failure: 'invalid_cell' | 'coarser_than_resolution' | 'not_computable' };

/** H3 grid distance between the ancestors of two cells at `resolution` (Helium: resolution 11). */
export function gridDistanceAtResolution(cellA: string, cellB: string, resolution: number): GridDistanceResult {
  const parentA = parentCell(cellA, resolution);
  const parentB = parentCell(cellB, resolution);
  if (!parentA || !parentB) {
    const bothValid = cellCenter(cellA) !== null && cellCenter(cellB) !== null;
    return { ok: false, failure: bothValid ? 'coarser_than_resolution' : 'invalid_cell' };
  }
  try {
    return { ok: true, cells: gridDistance(parentA, parentB) };
  } catch {
    return { ok: false, failure: 'not_computable' };
  }
}

/**
 * Grid distance where H3's failure to compute one counts as "far": Infinity instead of an error.
 * Invalid or too-coarse cells still give null, since nothing is known about them.
 */
export function gridDistanceOrFar(cellA: string, cellB: string, resolution: number): number | null {
  const result = gridDistanceAtResolution(cellA, cellB, resolution);
  if (result.ok) return result.cells;
  return result.failure === 'not_computable' ? Number.POSITIVE_INFINITY : null;
}
