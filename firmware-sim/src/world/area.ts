/**
 * Where the simulated network lives: a preset (a city core, its suburbs and the countryside around
 * it, as rings around a centre) or any GeoJSON polygon. Presets sit well inland in one LoRaWAN
 * region each, so every simulated location can be asserted (the registry refuses points at sea).
 */
import { readFileSync } from 'node:fs';
import { bbox as turfBbox, booleanPointInPolygon, centroid } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import type { LatLng } from '@cov/shared/geo/lat-lng';
import type { RegionId } from '@cov/shared/regions/region-plan';

export type Environment = 'urban' | 'suburban' | 'rural';
export const ENVIRONMENTS: readonly Environment[] = ['urban', 'suburban', 'rural'];

export interface RingAreaPreset {
  kind: 'rings';
  name: string;
  description: string;
  center: LatLng;
  region: RegionId;
  /** Outer radius of the dense core. */
  coreRadiusM: number;
  /** Outer radius of the suburbs (inner radius = core). */
  suburbRadiusM: number;
  /** Outer radius of the countryside (inner radius = suburbs). */
  countrysideRadiusM: number;
  /** Share of hotspots placed in each ring; sums to 1. */
  shares: Readonly<Record<Environment, number>>;
}

export interface PolygonArea {
  kind: 'polygon';
  name: string;
  description: string;
  shape: Feature<Polygon | MultiPolygon>;
  /** [minLng, minLat, maxLng, maxLat] */
  bbox: [number, number, number, number];
  center: LatLng;
}

export type Area = RingAreaPreset | PolygonArea;

export const AREA_PRESETS: Readonly<Record<string, RingAreaPreset>> = {
  denver: {
    kind: 'rings',
    name: 'denver',
    description: 'Denver, Colorado (US915): dense downtown, wide suburbs, plains and foothills around',
    center: { lat: 39.7392, lng: -104.9903 },
    region: 'US915',
    coreRadiusM: 6_000,
    suburbRadiusM: 22_000,
    countrysideRadiusM: 75_000,
    shares: { urban: 0.5, suburban: 0.32, rural: 0.18 },
  },
  munich: {
    kind: 'rings',
    name: 'munich',
    description: 'Munich, Bavaria (EU868): compact city, suburbs, farmland and villages around',
    center: { lat: 48.1374, lng: 11.5755 },
    region: 'EU868',
    coreRadiusM: 5_000,
    suburbRadiusM: 18_000,
    countrysideRadiusM: 60_000,
    shares: { urban: 0.48, suburban: 0.32, rural: 0.2 },
  },
  iowa: {
    kind: 'rings',
    name: 'iowa',
    description: 'Central Iowa (US915): a small town and sparse countryside with scattered farms',
    center: { lat: 42.0308, lng: -93.6319 },
    region: 'US915',
    coreRadiusM: 2_500,
    suburbRadiusM: 7_000,
    countrysideRadiusM: 80_000,
    shares: { urban: 0.15, suburban: 0.2, rural: 0.65 },
  },
};

export function isPolygonGeometry(g: Geometry | null | undefined): g is Polygon | MultiPolygon {
  return !!g && (g.type === 'Polygon' || g.type === 'MultiPolygon');
}

/**
 * A polygon area from GeoJSON text: a Polygon or MultiPolygon geometry, a Feature holding one, or
 * a FeatureCollection whose first polygon feature is used.
 */
export function polygonAreaFromGeoJson(text: string, name = 'polygon'): PolygonArea {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`area is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const shape = toPolygonFeature(parsed);
  if (!shape) throw new Error('area must be a GeoJSON Polygon or MultiPolygon (geometry, Feature or FeatureCollection)');
  const [lng, lat] = centroid(shape).geometry.coordinates as [number, number];
  return {
    kind: 'polygon',
    name,
    description: `GeoJSON polygon (${shape.geometry.type})`,
    shape,
    bbox: turfBbox(shape) as [number, number, number, number],
    center: { lat, lng },
  };
}

export function polygonAreaFromFile(path: string): PolygonArea {
  return polygonAreaFromGeoJson(readFileSync(path, 'utf8'), path);
}

function toPolygonFeature(value: unknown): Feature<Polygon | MultiPolygon> | null {
  const v = value as { type?: string } | null;
  if (!v || typeof v !== 'object') return null;
  if (v.type === 'FeatureCollection') {
    for (const f of (value as FeatureCollection).features ?? []) {
      const found = toPolygonFeature(f);
      if (found) return found;
    }
    return null;
  }
  if (v.type === 'Feature') {
    const f = value as Feature;
    return isPolygonGeometry(f.geometry) ? (f as Feature<Polygon | MultiPolygon>) : null;
  }
  if (isPolygonGeometry(value as Geometry)) return { type: 'Feature', properties: {}, geometry: value as Polygon | MultiPolygon };
  return null;
}

export function areaContains(area: Area, point: LatLng): boolean {
  if (area.kind === 'polygon') return booleanPointInPolygon([point.lng, point.lat], area.shape);
  return true;
}
