/**
 * Where hotspots stand. Real deployments cluster: many in a dense core (apartment blocks, offices),
 * fewer in the suburbs, small groups in villages and a few lone farms in the countryside. Points
 * are drawn around cluster centres with a Gaussian spread that widens from core to countryside;
 * cluster sizes are uneven (a few big clusters, many small ones).
 */
import type { LatLng } from '@cov/shared/geo/lat-lng';
import type { SeededRandom } from '../random/seeded-random';
import { areaContains, ENVIRONMENTS, type Area, type Environment, type RingAreaPreset } from './area';
import { destination, distanceM } from './geodesy';

export interface PlacedPoint {
  position: LatLng;
  /** The ring it was placed in (presets) or 'suburban' for polygons until density says otherwise. */
  zone: Environment;
  cluster: number;
}

interface ZoneLayout {
  innerRadiusM: number;
  outerRadiusM: number;
  /** Mean hotspots per cluster. */
  meanClusterSize: number;
  /** Gaussian spread of a cluster, metres (1 σ). */
  spreadM: number;
}

/** Cluster sizes and spreads per ring, chosen to look like Helium maps of a city and its hinterland. */
const ZONE_SHAPE: Readonly<Record<Environment, { meanClusterSize: number; spreadM: number }>> = {
  urban: { meanClusterSize: 8, spreadM: 450 },
  suburban: { meanClusterSize: 4, spreadM: 900 },
  rural: { meanClusterSize: 2.5, spreadM: 1_600 },
};

const POLYGON_SHAPE = { meanClusterSize: 5, spreadM: 700 };

export function placePoints(area: Area, count: number, rng: SeededRandom): PlacedPoint[] {
  return area.kind === 'rings' ? placeInRings(area, count, rng) : placeInPolygon(area, count, rng);
}

function zoneCounts(preset: RingAreaPreset, count: number): Record<Environment, number> {
  const urban = Math.round(count * preset.shares.urban);
  const suburban = Math.min(count - urban, Math.round(count * preset.shares.suburban));
  return { urban, suburban, rural: count - urban - suburban };
}

function placeInRings(preset: RingAreaPreset, count: number, rng: SeededRandom): PlacedPoint[] {
  const counts = zoneCounts(preset, count);
  const layouts: Record<Environment, ZoneLayout> = {
    urban: { innerRadiusM: 0, outerRadiusM: preset.coreRadiusM, ...ZONE_SHAPE.urban },
    suburban: { innerRadiusM: preset.coreRadiusM, outerRadiusM: preset.suburbRadiusM, ...ZONE_SHAPE.suburban },
    rural: { innerRadiusM: preset.suburbRadiusM, outerRadiusM: preset.countrysideRadiusM, ...ZONE_SHAPE.rural },
  };
  const points: PlacedPoint[] = [];
  let clusterBase = 0;
  for (const zone of ENVIRONMENTS) {
    const layout = layouts[zone];
    const n = counts[zone];
    if (n === 0) continue;
    const zoneRng = rng.fork(zone);
    const clusterCount = Math.max(1, Math.round(n / layout.meanClusterSize));
    const centres = Array.from({ length: clusterCount }, () => pointInAnnulus(preset.center, layout.innerRadiusM, layout.outerRadiusM, zoneRng));
    const weights = centres.map(() => zoneRng.logNormal(1, 0.8));
    for (let i = 0; i < n; i++) {
      const cluster = zoneRng.weighted(weights.map((weight, index) => ({ value: index, weight })));
      const centre = centres[cluster]!;
      let position = centre;
      // Keep points inside the outer ring so the countryside stays the countryside.
      for (let attempt = 0; attempt < 20; attempt++) {
        const candidate = gaussianAround(centre, layout.spreadM, zoneRng);
        position = candidate;
        if (distanceM(candidate, preset.center) <= preset.countrysideRadiusM) break;
      }
      points.push({ position, zone, cluster: clusterBase + cluster });
    }
    clusterBase += clusterCount;
  }
  return points;
}

function placeInPolygon(area: Extract<Area, { kind: 'polygon' }>, count: number, rng: SeededRandom): PlacedPoint[] {
  const clusterCount = Math.max(1, Math.round(count / POLYGON_SHAPE.meanClusterSize));
  const centres = Array.from({ length: clusterCount }, () => pointInPolygon(area, rng));
  const weights = centres.map(() => rng.logNormal(1, 0.8));
  const points: PlacedPoint[] = [];
  for (let i = 0; i < count; i++) {
    const cluster = rng.weighted(weights.map((weight, index) => ({ value: index, weight })));
    const centre = centres[cluster]!;
    let position = centre;
    for (let attempt = 0; attempt < 50; attempt++) {
      const candidate = gaussianAround(centre, POLYGON_SHAPE.spreadM, rng);
      if (areaContains(area, candidate)) {
        position = candidate;
        break;
      }
    }
    points.push({ position, zone: 'suburban', cluster });
  }
  return points;
}

/** Uniform over the ring between the two radii (area-uniform, so sqrt on the radius). */
export function pointInAnnulus(center: LatLng, innerRadiusM: number, outerRadiusM: number, rng: SeededRandom): LatLng {
  const r = Math.sqrt(rng.uniform(innerRadiusM ** 2, outerRadiusM ** 2));
  return destination(center, r, rng.uniform(0, 360));
}

export function gaussianAround(center: LatLng, spreadM: number, rng: SeededRandom): LatLng {
  // A 2-D Gaussian: Rayleigh-distributed radius, uniform bearing.
  const r = spreadM * Math.sqrt(-2 * Math.log(1 - rng.next()));
  return destination(center, r, rng.uniform(0, 360));
}

export function pointInPolygon(area: Extract<Area, { kind: 'polygon' }>, rng: SeededRandom): LatLng {
  const [minLng, minLat, maxLng, maxLat] = area.bbox;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const candidate = { lat: rng.uniform(minLat, maxLat), lng: rng.uniform(minLng, maxLng) };
    if (areaContains(area, candidate)) return candidate;
  }
  throw new Error(`could not find a point inside ${area.name} (is the polygon degenerate?)`);
}
