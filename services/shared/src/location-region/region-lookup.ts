/**
 * Location -> LoRaWAN region, from the bundled world-atlas country outlines (no network access).
 *
 * Point-in-polygon over ~240 countries is cheap but not free, and hotspots cluster, so answers are
 * cached per coarse H3 cell (REGION_CACHE_H3_RES). A cell is cached only when its centre and all
 * of its corners lie in the same country: a cell that straddles a border would otherwise hand its
 * first answer to hotspots on the wrong side. Straddling cells are looked up exactly every time.
 */
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import { booleanPointInPolygon, bbox as turfBbox, pointToPolygonDistance } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import type { Topology } from 'topojson-specification';
import { countryCodeOf } from './country-codes';
import { regionForCountry } from './country-regions';
import type { RegionId } from '../regions/types';

interface Country {
  id: string | undefined;
  name: string;
  bbox: [number, number, number, number];
  shape: Feature<Polygon | MultiPolygon>;
}

let countries: Country[] | undefined;

function loadCountries(): Country[] {
  if (countries) return countries;
  const require = createRequire(import.meta.url);
  // 1:50m outlines: accurate to a few hundred metres, small enough to load in ~100 ms.
  const topology = require('world-atlas/countries-50m.json') as Topology;
  const collection = feature(topology, topology.objects.countries!) as unknown as { features: Feature<Polygon | MultiPolygon, { name: string }>[] };
  countries = collection.features.map((f) => ({
    id: f.id === undefined ? undefined : String(f.id),
    name: f.properties.name,
    bbox: turfBbox(f) as [number, number, number, number],
    shape: f,
  }));
  return countries;
}

export interface CountryHit {
  isoNumeric: string | undefined;
  name: string;
}

/**
 * Coastal tolerance. The 1:50m outlines smooth coastlines by up to a few kilometres, which would
 * put real hotspots on piers, islands and waterfronts (lower Manhattan, for one) "at sea". A point
 * outside every outline but within this distance of one belongs to the nearest country.
 */
export const COASTAL_TOLERANCE_M = 25_000;
const TOLERANCE_DEG = 0.5; // generous bbox margin (>= 25 km at any latitude below ~60 degrees)

/** The country containing the point (or nearest within the coastal tolerance), or undefined at sea. */
export function countryAt(lat: number, lng: number): CountryHit | undefined {
  const near: Country[] = [];
  for (const c of loadCountries()) {
    const [minLng, minLat, maxLng, maxLat] = c.bbox;
    if (lng < minLng - TOLERANCE_DEG || lng > maxLng + TOLERANCE_DEG || lat < minLat - TOLERANCE_DEG || lat > maxLat + TOLERANCE_DEG) continue;
    if (lng >= minLng && lng <= maxLng && lat >= minLat && lat <= maxLat && booleanPointInPolygon([lng, lat], c.shape)) return { isoNumeric: c.id, name: c.name };
    near.push(c);
  }
  let best: { c: Country; distanceM: number } | undefined;
  for (const c of near) {
    const distanceM = Math.abs(pointToPolygonDistance([lng, lat], c.shape, { units: 'meters' }));
    if (distanceM <= COASTAL_TOLERANCE_M && (!best || distanceM < best.distanceM)) best = { c, distanceM };
  }
  return best ? { isoNumeric: best.c.id, name: best.c.name } : undefined;
}

export interface RegionAnswer {
  region: RegionId;
  /** The outline's name, as the dataset spells it. */
  country: string;
  /** ISO 3166-1 alpha-2 (XK for Kosovo, ZZ for an outline without a code): see country-codes.ts. */
  countryCode: string;
}

export class RegionLookup {
  private readonly cache = new Map<string, RegionAnswer | null>();
  constructor(private readonly cacheResolution: number) {}

  /** Region for a point, or undefined when it is not on land in any country. */
  regionAt(lat: number, lng: number): RegionAnswer | undefined {
    const cell = latLngToCell(lat, lng, this.cacheResolution);
    const cached = this.cache.get(cell);
    if (cached !== undefined) return cached ?? undefined;

    const exact = this.exact(lat, lng);
    const [cLat, cLng] = cellToLatLng(cell);
    const probes = [[cLat, cLng], ...cellToBoundary(cell)] as [number, number][];
    const uniform = probes.every(([pLat, pLng]) => this.exact(pLat, pLng)?.country === exact?.country);
    if (uniform) this.cache.set(cell, exact ?? null);
    return exact;
  }

  private exact(lat: number, lng: number): RegionAnswer | undefined {
    const hit = countryAt(lat, lng);
    return hit ? { region: regionForCountry(hit.isoNumeric), country: hit.name, countryCode: countryCodeOf(hit.isoNumeric, hit.name) } : undefined;
  }
}
