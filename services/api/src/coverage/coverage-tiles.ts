/**
 * Coverage as Mapbox Vector Tiles (MVT 2.1), for map clients (MapLibre, Mapbox GL, QGIS) that
 * draw tiles rather than GeoJSON: the old explorer served its res-8 hexes and hotspot points the
 * same way, from a tile server beside the API. Ours are cut from the one coverage snapshot, so a
 * tile's hexes carry the very figures the hex lists give.
 *
 * Two layers: `hexes` (polygons at the H3 resolution the zoom shows best, as the map page picks
 * it, or the one asked for) and, from zoom 9, `hotspots` (points). A property with no value (a
 * hex without interactive hotspots has no mean transmit scale) is left out: MVT has no null.
 */
import { geoJSONToTile, type GeoJSONVTTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { getHexagonEdgeLengthAvg, UNITS } from 'h3-js';
import type { Feature, FeatureCollection } from 'geojson';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import type { HexAggregate, HotspotCoverage, Snapshot } from './coverage-snapshot';
import { cellGeometry } from './hex-outline';

export const TILE_EXTENT = 4096;
/** Tile units drawn beyond each edge, so outlines that cross an edge join without a seam. */
const TILE_BUFFER = 64;
export const MAX_TILE_ZOOM = 18;
/** Hotspot points from this zoom (a tile about 80 km across), as on the map page. */
export const POINTS_MIN_ZOOM = 9;

/** Zoom -> H3 resolution: the map page's choice (map.js), so both show the same hexes at a zoom. */
export function resolutionForZoom(z: number): number {
  if (z <= 4) return 4;
  if (z <= 5) return 5;
  if (z <= 7) return 6;
  if (z <= 8) return 7;
  if (z <= 10) return 8;
  if (z <= 12) return 9;
  return 10;
}

/** [west, south, east, north] of a Web Mercator (XYZ) tile, in degrees. */
export function tileBbox(z: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** z;
  const lng = (tx: number) => (tx / n) * 360 - 180;
  const lat = (ty: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * ty) / n))) * 180) / Math.PI;
  return [lng(x), lat(y + 1), lng(x + 1), lat(y)];
}

/** True when x and y name a tile at zoom z. */
export const isTile = (z: number, x: number, y: number): boolean => Number.isInteger(z) && z >= 0 && z <= MAX_TILE_ZOOM && [x, y].every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** z);

/**
 * Whether a point lies within `marginDeg` of the tile's box. Longitude is compared the short way
 * round, so a hex just west of the antimeridian counts for the tile just east of it (its outline,
 * cut in two there, has a part in both).
 */
function nearBox(lat: number, lng: number, [west, south, east, north]: readonly number[], marginDeg: number): boolean {
  if (lat < south! - marginDeg || lat > north! + marginDeg) return false;
  const from = west! - marginDeg;
  const shifted = ((((lng - from) % 360) + 360) % 360) + from;
  return shifted <= east! + marginDeg;
}

/**
 * What a feature must lie within to touch the tile (with its buffer): a hex's centre is up to an
 * edge length from its outline, and longitude degrees shrink toward the poles.
 */
function marginDeg(res: number, bbox: readonly number[], z: number): number {
  const maxLat = Math.min(85, Math.max(Math.abs(bbox[1]!), Math.abs(bbox[3]!)));
  const hexDeg = (2 * getHexagonEdgeLengthAvg(res, UNITS.m)) / 111_320 / Math.cos((maxLat * Math.PI) / 180);
  const bufferDeg = ((360 / 2 ** z) * TILE_BUFFER) / TILE_EXTENT;
  return hexDeg + bufferDeg;
}

/** Properties without their absent values (MVT cannot hold null). */
function present(properties: Record<string, string | number | boolean | null>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(properties)) if (v !== null) out[k] = v;
  return out;
}

const hexFeature = (h: HexAggregate): Feature => ({
  type: 'Feature',
  geometry: cellGeometry(h.h3),
  properties: present({
    h3: h.h3,
    res: h.res,
    hotspotCount: h.hotspotCount,
    interactiveCount: h.interactiveCount,
    meanTransmitScale: h.meanTransmitScale,
    bestRssiDbm: h.bestRssiDbm,
    medianRssiDbm: h.medianRssiDbm,
    pocCount: h.pocCount,
    rewardedCount: h.rewardedCount,
    meanRewards: h.meanRewards,
  }),
});

const pointFeature = (h: HotspotCoverage): Feature => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [h.lng, h.lat] },
  properties: present({
    address: h.address,
    name: hotspotName(h.address),
    capability: h.capability,
    interactive: h.interactive,
    transmitScale: h.scale,
    pocCount: h.pocCount,
    bestRssiDbm: h.bestRssiDbm,
  }),
});

const collection = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });

/** The tile's MVT bytes from a snapshot; empty when nothing lies in it. */
export function coverageTile(snapshot: Snapshot, z: number, x: number, y: number, res = resolutionForZoom(z)): Buffer {
  const bbox = tileBbox(z, x, y);
  const margin = marginDeg(res, bbox, z);
  const options = { extent: TILE_EXTENT, buffer: TILE_BUFFER, clip: true, wrap: true };
  const layers: Record<string, GeoJSONVTTile> = {};
  const hexes = [...snapshot.hexes(res).values()].filter((h) => nearBox(h.lat, h.lng, bbox, margin)).map(hexFeature);
  if (hexes.length > 0) layers.hexes = geoJSONToTile(collection(hexes), z, x, y, options);
  if (z >= POINTS_MIN_ZOOM) {
    const pointMargin = ((360 / 2 ** z) * TILE_BUFFER) / TILE_EXTENT;
    const points = snapshot.hotspots.filter((h) => nearBox(h.lat, h.lng, bbox, pointMargin)).map(pointFeature);
    if (points.length > 0) layers.hotspots = geoJSONToTile(collection(points), z, x, y, options);
  }
  for (const [name, tile] of Object.entries(layers)) if (!tile || tile.features.length === 0) delete layers[name];
  if (Object.keys(layers).length === 0) return Buffer.alloc(0);
  const bytes = fromGeojsonVt(layers, { version: 2, extent: TILE_EXTENT });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
