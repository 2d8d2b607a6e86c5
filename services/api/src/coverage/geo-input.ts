/**
 * Analysts' geographic inputs, checked before any work: bounding boxes, GeoJSON polygons and H3
 * indexes. Each problem has its own stable code; a request that would enumerate too many hexes is
 * refused rather than served slowly.
 */
import { getHexagonAreaAvg, getResolution, isValidCell } from 'h3-js';
import { area as turfArea, bbox as turfBbox, booleanCrosses, booleanDisjoint, booleanValid, kinks, lineString, polygon as turfPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { AppError } from '@cov/shared/errors';

/** Largest number of hexes one request may cover (by area), whatever their occupancy. */
export const MAX_HEXES_PER_REQUEST = 50_000;
export const MAX_POLYGON_VERTICES = 5_000;
/**
 * Validity checks (turf's booleanValid: every vertex against every segment of its ring) grow with
 * the square of a ring's length and run on the event loop: a 5,000-vertex ring took 0.4 s of CPU,
 * a 1,500-vertex one takes about 40 ms. Longer outlines are to be simplified by the caller.
 */
export const MAX_RING_VERTICES = 1_500;

/**
 * minLng,minLat,maxLng,maxLat. As in RFC 7946 §5.2, minLng > maxLng is a box crossing the
 * antimeridian: 177,-20,-178,-16 is the 5 degrees around Fiji, not the 355 degrees between.
 */
export type BBox = [minLng: number, minLat: number, maxLng: number, maxLat: number];

// A plain decimal number: Number() also reads '' as 0 and '0x10' as 16.
const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

export function parseBbox(text: string): BBox {
  const texts = text.split(',');
  if (texts.length !== 4 || texts.some((t) => !DECIMAL.test(t))) {
    throw new AppError('request.invalid', 'bbox must be minLng,minLat,maxLng,maxLat (four decimal numbers)', { field: 'bbox' });
  }
  const [minLng, minLat, maxLng, maxLat] = texts.map(Number) as BBox;
  if ([minLng, maxLng].some((n) => n < -180 || n > 180) || [minLat, maxLat].some((n) => n < -90 || n > 90)) {
    throw new AppError('geo.out_of_range', 'bbox coordinates out of range (lng -180..180, lat -90..90)', { field: 'bbox' });
  }
  if (minLat >= maxLat) throw new AppError('request.invalid', 'bbox minLat must be below maxLat', { field: 'bbox' });
  if (bboxWidthDeg([minLng, minLat, maxLng, maxLat]) === 0) {
    throw new AppError('request.invalid', 'bbox minLng and maxLng must differ (minLng > maxLng crosses the antimeridian)', { field: 'bbox' });
  }
  return [minLng, minLat, maxLng, maxLat];
}

/** Degrees of longitude a bbox spans, eastward from minLng (across the antimeridian when minLng > maxLng). */
function bboxWidthDeg([minLng, , maxLng]: BBox): number {
  return minLng <= maxLng ? maxLng - minLng : maxLng - minLng + 360;
}

/** A point's coordinates in range, or geo.out_of_range naming the one that is not. */
export function requireLatLng(lat: number, lng: number): void {
  if (lat < -90 || lat > 90 || lng < -180 || lng > 180) throw new AppError('geo.out_of_range', 'lat must be -90..90 and lng -180..180', { field: lat < -90 || lat > 90 ? 'lat' : 'lng' });
}

export function inBbox(lat: number, lng: number, [minLng, minLat, maxLng, maxLat]: BBox): boolean {
  if (lat < minLat || lat > maxLat) return false;
  return minLng <= maxLng ? lng >= minLng && lng <= maxLng : lng >= minLng || lng <= maxLng;
}

/** Approximate area of a bbox in m² (spherical). */
export function bboxAreaM2(bbox: BBox): number {
  const R = 6_371_007.18;
  const toRad = Math.PI / 180;
  return R * R * bboxWidthDeg(bbox) * toRad * Math.abs(Math.sin(bbox[3] * toRad) - Math.sin(bbox[1] * toRad));
}

export function assertHexBudget(areaM2: number, res: number): void {
  const hexes = areaM2 / getHexagonAreaAvg(res, 'm2');
  if (hexes > MAX_HEXES_PER_REQUEST) {
    throw new AppError('geo.bbox_too_large', `the area spans about ${Math.round(hexes)} res-${res} hexes; at most ${MAX_HEXES_PER_REQUEST} per request (zoom in or lower res)`, {
      estimatedHexes: Math.round(hexes),
      maxHexes: MAX_HEXES_PER_REQUEST,
    });
  }
}

/**
 * A GeoJSON Polygon or MultiPolygon (bare or as a Feature), valid and not self-intersecting, with
 * either winding. A position repeated right after itself (common in exported data, and valid) is
 * dropped; an altitude is ignored.
 */
export function parsePolygon(input: unknown): Feature<Polygon | MultiPolygon> {
  const geometry = (input as { type?: string })?.type === 'Feature' ? (input as { geometry?: unknown }).geometry : input;
  const g = geometry as { type?: string; coordinates?: unknown };
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates)) {
    throw new AppError('geo.invalid_polygon', 'polygon must be a GeoJSON Polygon or MultiPolygon (or a Feature of one)', { field: 'polygon' });
  }
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown[][];
  const invalid = (message: string) => new AppError('geo.invalid_polygon', message, { field: 'polygon' });
  let vertices = 0;
  const cleaned: Position[][][] = [];
  for (const poly of polygons) {
    if (!Array.isArray(poly) || poly.length === 0) throw invalid('each polygon is an array of rings, the first its outline');
    const rings: Position[][] = [];
    for (const ring of poly as unknown[][]) {
      if (!Array.isArray(ring) || ring.length < 4) throw invalid('each ring needs at least 4 positions (closed)');
      const kept: Position[] = [];
      for (const pos of ring as unknown[]) {
        // Checked before destructuring: a position that is a number or null is not iterable.
        if (!Array.isArray(pos)) throw invalid('positions are [lng, lat] numbers');
        const [lng, lat] = pos as [unknown, unknown];
        if (typeof lng !== 'number' || typeof lat !== 'number' || !Number.isFinite(lng) || !Number.isFinite(lat)) throw invalid('positions are [lng, lat] numbers');
        if (lng < -180 || lng > 180 || lat < -90 || lat > 90) throw new AppError('geo.out_of_range', 'polygon coordinates out of range', { field: 'polygon' });
        vertices++;
        const last = kept[kept.length - 1];
        if (!last || last[0] !== lng || last[1] !== lat) kept.push([lng, lat]);
      }
      const [first, end] = [kept[0]!, kept[kept.length - 1]!];
      if (first[0] !== end[0] || first[1] !== end[1]) throw invalid('a ring is not closed: its last position must repeat its first');
      if (kept.length < 4) throw invalid('each ring needs at least 3 distinct positions');
      if (kept.length > MAX_RING_VERTICES) {
        throw new AppError('geo.polygon_too_large', `a ring has ${kept.length} positions; at most ${MAX_RING_VERTICES} per ring (simplify the outline)`, {
          field: 'polygon',
          ringPositions: kept.length,
          maxRingPositions: MAX_RING_VERTICES,
        });
      }
      rings.push(kept);
    }
    cleaned.push(rings);
  }
  if (cleaned.length === 0) throw invalid('polygon has no rings');
  if (vertices > MAX_POLYGON_VERTICES) throw new AppError('geo.polygon_too_large', `polygon has ${vertices} vertices; at most ${MAX_POLYGON_VERTICES}`, { field: 'polygon' });
  const clean: Polygon | MultiPolygon = g.type === 'Polygon' ? { type: 'Polygon', coordinates: cleaned[0]! } : { type: 'MultiPolygon', coordinates: cleaned };
  const feature: Feature<Polygon | MultiPolygon> = { type: 'Feature', properties: {}, geometry: clean };
  let valid = false;
  try {
    // Each ring on its own may not cross itself; booleanValid checks rings against each other (a
    // hole crossing its outline), so a hole may touch its outline at a vertex. Parts are checked
    // against each other here rather than by booleanValid on the whole MultiPolygon, which
    // compared every pair in full (1 s for 1,250 parts); only parts whose boxes meet can overlap.
    valid =
      cleaned.every((rings) => booleanValid(turfPolygon(rings))) &&
      partsDoNotOverlap(cleaned) &&
      cleaned.every((rings) => rings.every((ring) => kinks(turfPolygon([ring])).features.length === 0));
  } catch {
    valid = false;
  }
  if (!valid) throw invalid('polygon is not valid: a ring crosses itself or another ring, or parts overlap');
  return feature;
}

/** turf's rule for a MultiPolygon's parts (an outline of one may not cross another), skipping pairs whose boxes are apart. */
function partsDoNotOverlap(parts: Position[][][]): boolean {
  const boxes = parts.map((rings) => turfBbox(turfPolygon(rings)));
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      if (a[0] > b[2] || b[0] > a[2] || a[1] > b[3] || b[1] > a[3]) continue;
      const part = turfPolygon(parts[i]!);
      if (!booleanDisjoint(part, turfPolygon(parts[j]!)) && booleanCrosses(part, lineString(parts[j]![0]!))) return false;
    }
  }
  return true;
}

export function polygonAreaM2(feature: Feature<Polygon | MultiPolygon>): number {
  return turfArea(feature);
}

export function polygonBbox(feature: Feature<Polygon | MultiPolygon>): BBox {
  return turfBbox(feature) as BBox;
}

export function parseHex(h3: string, allowed: { minRes: number; maxRes: number }): { h3: string; res: number } {
  const cell = h3.toLowerCase();
  if (!isValidCell(cell)) throw new AppError('geo.invalid_h3', `${h3} is not a valid H3 cell index`, { field: 'h3' });
  const res = getResolution(cell);
  if (res < allowed.minRes || res > allowed.maxRes) throw new AppError('geo.invalid_h3', `resolution ${res} is outside ${allowed.minRes}..${allowed.maxRes}`, { field: 'h3' });
  return { h3: cell, res };
}
