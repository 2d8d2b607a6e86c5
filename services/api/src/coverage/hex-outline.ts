/**
 * A hex's outline as RFC 7946 GeoJSON: [lng, lat] positions with 6 decimals (about 0.1 m, §11.2),
 * closed, counter-clockwise (§3.1.6). H3 gives the outline of a cell on the antimeridian with
 * longitudes jumping between +179 and -179, which maps draw as a band across the whole world;
 * such a cell is cut in two at the antimeridian into a MultiPolygon (§3.1.9), and a cell around a
 * pole is closed along the pole's latitude.
 */
import { bboxClip, rewind } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { cellToBoundary } from 'h3-js';

const round6 = (deg: number) => Math.round(deg * 1e6) / 1e6;

export function cellGeometry(h3: string): Polygon | MultiPolygon {
  const ring = cellToBoundary(h3, true);
  const crosses = ring.some(([lng], i) => i > 0 && Math.abs(lng! - ring[i - 1]![0]!) > 180);
  if (!crosses) return { type: 'Polygon', coordinates: [ring.map(([lng, lat]) => [round6(lng!), round6(lat!)])] };

  // Longitudes made continuous (each step under 180 degrees), so the ring is one shape in the plane.
  const unwrapped: Position[] = [ring[0]!];
  for (const [lng, lat] of ring.slice(1)) {
    const prev = unwrapped[unwrapped.length - 1]![0]!;
    unwrapped.push([lng! + 360 * Math.round((prev - lng!) / 360), lat!]);
  }
  const first = unwrapped[0]!;
  const last = unwrapped[unwrapped.length - 1]!;
  if (Math.abs(last[0]! - first[0]!) > 180) {
    // Around a pole the ring's longitudes drift a whole turn: close it along the pole.
    const pole = ring.reduce((s, p) => s + p[1]!, 0) > 0 ? 90 : -90;
    unwrapped.push([last[0]!, pole], [first[0]!, pole], first);
  }
  const parts: Position[][][] = [];
  for (const shift of [-360, 0, 360]) {
    const shifted = unwrapped.map(([lng, lat]) => [lng! + shift, lat!]);
    const clipped = bboxClip({ type: 'Polygon', coordinates: [shifted] }, [-180, -90, 180, 90]).geometry;
    const polygons: Position[][][] = clipped.type === 'Polygon' ? [clipped.coordinates as Position[][]] : (clipped.coordinates as Position[][][]);
    for (const rings of polygons) {
      const outer = rings[0]?.map(([lng, lat]) => [round6(lng!), round6(lat!)]);
      // Clipping can leave a sliver with no area (a ring along the cut line).
      if (outer && outer.length >= 4 && new Set(outer.map((p) => p[0])).size > 1) parts.push([outer]);
    }
  }
  const geometry: Polygon | MultiPolygon = parts.length === 1 ? { type: 'Polygon', coordinates: parts[0]! } : { type: 'MultiPolygon', coordinates: parts };
  return rewind(geometry) as Polygon | MultiPolygon;
}
