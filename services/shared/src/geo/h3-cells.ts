/**
 * H3 cell helpers. Hotspots assert their location as a resolution-12 cell (about 300 m² hexagons),
 * as Helium does; everything else (density, PoC distances, coverage maps) derives from that cell.
 * h3-js throws on bad input, so every wrapper here turns that into null or a Result.
 */
import { cellToLatLng, cellToParent, getResolution, isValidCell, latLngToCell } from 'h3-js';
import { AppError, err, ok, type Result } from '../errors';
import { isValidLatLng, type LatLng } from './lat-lng';

/** Resolution of an asserted hotspot location. */
export const ASSERTED_LOCATION_RESOLUTION = 12;

export function isValidCellHex(cell: unknown): cell is string {
  return typeof cell === 'string' && isValidCell(cell);
}

export function cellResolution(cell: string): number | null {
  return isValidCellHex(cell) ? getResolution(cell) : null;
}

export function latLngToCellAt(lat: number, lng: number, resolution: number): Result<string> {
  if (!isValidLatLng(lat, lng)) {
    return err(new AppError('geo.out_of_range', 'latitude/longitude out of range', { lat, lng }));
  }
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) {
    return err(new AppError('geo.invalid_h3', 'H3 resolution must be an integer in [0, 15]', { resolution }));
  }
  return ok(latLngToCell(lat, lng, resolution));
}

/** The resolution-12 cell a hotspot at this point would assert. */
export function latLngToAssertedCell(lat: number, lng: number): Result<string> {
  return latLngToCellAt(lat, lng, ASSERTED_LOCATION_RESOLUTION);
}

/**
 * Ancestor of `cell` at `resolution`; the cell itself when it already is at that resolution.
 * Null for invalid cells and for cells coarser than the requested resolution.
 */
export function parentCell(cell: string, resolution: number): string | null {
  const own = cellResolution(cell);
  if (own === null || !Number.isInteger(resolution) || resolution < 0 || resolution > own) return null;
  return own === resolution ? cell : cellToParent(cell, resolution);
}

export function cellCenter(cell: string): LatLng | null {
  if (!isValidCellHex(cell)) return null;
  const [lat, lng] = cellToLatLng(cell);
  return { lat, lng };
}

/**
 * Helium writes H3 indexes as decimal u64 strings in some outputs ("631615575095659519"); this
 * turns one into the hex form h3-js uses. Null if it is not a valid cell.
 */
export function cellFromDecimal(decimal: string): string | null {
  if (!/^\d{1,20}$/.test(decimal)) return null;
  const hex = BigInt(decimal).toString(16);
  return isValidCell(hex) ? hex : null;
}
