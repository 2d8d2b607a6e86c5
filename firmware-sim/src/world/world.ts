/**
 * The simulated world, fully determined by its seed: hotspots (identity, owner, hardware, true and
 * asserted location, honest or one kind of cheater), their owners, and the LoRaWAN devices around
 * them. Nothing here talks to the network; scenario/ drives the world against a backend.
 */
import { createHash } from 'node:crypto';
import { keypairFromLabel, type Keypair } from '@cov/shared/helium/keys';
import type { LatLng } from '@cov/shared/geo/lat-lng';
import { RegionLookup } from '@cov/shared/location-region/region-lookup';
import { maxEirpDbm, type RegionId } from '@cov/shared/regions/region-plan';
import { assignCheaters, type CheaterAssignment } from '../cheaters/assign-cheaters';
import { type CheaterShares, type CheatProfile } from '../cheaters/cheater-kinds';
import { SeededRandom } from '../random/seeded-random';
import type { Area, Environment } from './area';
import { placeDevices, type SimDevice } from './devices';
import { destination, distanceM, metresPerDegree } from './geodesy';
import { environmentFromDensity, sampleHotspotHardware, type HotspotHardware } from './hotspot-profile';
import { assignOwners } from './owners';
import { pointInAnnulus, pointInPolygon, placePoints } from './placement';

export type IngestTransport = 'ws' | 'http';

export interface AssertedLocation {
  lat: number;
  lng: number;
  gainDbiX10: number;
  /** Antenna height above ground, whole metres (Helium's "elevation"). */
  elevationM: number;
}

export interface SimHotspot {
  index: number;
  /** Radio id ("h12"). */
  id: string;
  keypair: Keypair;
  address: string;
  owner: number;
  capability: 'full' | 'data_only';
  transport: IngestTransport;
  /** 16 upper-case hex characters, as the packet forwarder reports it. */
  gatewayEui: string;
  truePosition: LatLng;
  environment: Environment;
  hardware: HotspotHardware;
  asserted: AssertedLocation;
  cheat: CheatProfile | null;
}

export interface SimOwner {
  index: number;
  keypair: Keypair;
  address: string;
}

export interface SimRing {
  id: number;
  members: number[];
  farm: LatLng;
  assertedCentre: LatLng;
}

export interface WorldOptions {
  seed: string;
  area: Area;
  hotspotCount: number;
  deviceCount: number;
  /** Share of hotspots onboarded as data-only (forward packets, no PoC). */
  dataOnlyShare: number;
  /** Share of hotspots that post HTTP batches instead of holding a WebSocket session. */
  httpShare: number;
  cheaterShares: CheaterShares;
  orgCount: number;
  uplinkIntervalMs: number;
  confirmedShare: number;
}

export interface SimWorld {
  seed: string;
  area: Area;
  region: RegionId;
  hotspots: SimHotspot[];
  owners: SimOwner[];
  devices: SimDevice[];
  rings: SimRing[];
  orgCount: number;
}

/** The gateway EUI a hotspot's forwarder reports: first 8 bytes of SHA-256 of its binary key. */
export function gatewayEuiFor(binaryKey: Uint8Array): string {
  return createHash('sha256').update(binaryKey).digest('hex').slice(0, 16).toUpperCase();
}

export function buildWorld(options: WorldOptions): SimWorld {
  const rng = new SeededRandom(options.seed);
  const regions = new RegionLookup(7);
  const region = worldRegion(options.area, regions);
  const points = placePoints(options.area, options.hotspotCount, rng.fork('placement'));
  if (options.area.kind === 'polygon') keepOnLand(points, options.area, region, regions, rng.fork('placement/land'));
  const environments = densityEnvironments(points.map((p) => p.position));
  const { ownerOf, ownerCount } = assignOwners(options.hotspotCount, rng.fork('owners'));
  const owners: SimOwner[] = Array.from({ length: ownerCount }, (_, index) => {
    const keypair = keypairFromLabel(`sim/${options.seed}/owner/${index}`);
    return { index, keypair, address: keypair.address };
  });

  const hotspots: SimHotspot[] = points.map((point, index) => {
    const r = rng.fork(`hotspot/${index}`);
    const keypair = keypairFromLabel(`sim/${options.seed}/hotspot/${index}`);
    const environment = environments[index]!;
    const hardware = sampleHotspotHardware(environment, r.fork('hardware'));
    return {
      index,
      id: `h${index}`,
      keypair,
      address: keypair.address,
      owner: ownerOf[index]!,
      capability: r.chance(options.dataOnlyShare) ? 'data_only' : 'full',
      transport: r.chance(options.httpShare) ? 'http' : 'ws',
      gatewayEui: gatewayEuiFor(keypair.binaryKey),
      truePosition: point.position,
      environment,
      hardware,
      asserted: honestAssertion(point.position, hardware),
      cheat: null,
    };
  });

  const assignment = assignCheaters(
    {
      hotspotCount: hotspots.length,
      eligible: hotspots.filter((h) => h.capability === 'full').map((h) => h.index),
      shares: options.cheaterShares,
      ringSite: (r) => countrysidePoint(options.area, r),
    },
    rng.fork('cheaters'),
  );
  const rings = applyCheats(hotspots, assignment, region, options.area, regions, rng.fork('cheat-geometry'));

  const anchors = hotspots.filter((h) => h.cheat === null).map((h) => ({ position: h.truePosition, environment: h.environment }));
  const devices = placeDevices(
    anchors,
    { count: options.deviceCount, orgCount: options.orgCount, region, uplinkIntervalMs: options.uplinkIntervalMs, confirmedShare: options.confirmedShare },
    rng.fork('devices'),
  );
  return { seed: options.seed, area: options.area, region, hotspots, owners, devices, rings, orgCount: options.orgCount };
}

function worldRegion(area: Area, regions: RegionLookup): RegionId {
  if (area.kind === 'rings') return area.region;
  const answer = regions.regionAt(area.center.lat, area.center.lng);
  if (!answer) throw new Error(`the centre of ${area.name} is not on land in a known LoRaWAN region`);
  return answer.region;
}

/** A polygon may cover water or a border: move such points to random land in the world's region. */
function keepOnLand(points: { position: LatLng }[], area: Extract<Area, { kind: 'polygon' }>, region: RegionId, regions: RegionLookup, rng: SeededRandom): void {
  for (const point of points) {
    for (let attempt = 0; attempt < 200 && regions.regionAt(point.position.lat, point.position.lng)?.region !== region; attempt++) {
      point.position = pointInPolygon(area, rng);
    }
  }
}

function honestAssertion(position: LatLng, hardware: HotspotHardware): AssertedLocation {
  return { lat: position.lat, lng: position.lng, gainDbiX10: Math.round(hardware.gainDbi * 10), elevationM: Math.round(hardware.heightAglM) };
}

function countrysidePoint(area: Area, rng: SeededRandom): LatLng {
  return area.kind === 'rings' ? pointInAnnulus(area.center, area.suburbRadiusM, area.countrysideRadiusM, rng) : pointInPolygon(area, rng);
}

/** Counts neighbours within 1 km on a grid of ~1 km cells. */
function densityEnvironments(positions: readonly LatLng[]): Environment[] {
  if (positions.length === 0) return [];
  const perDeg = metresPerDegree(positions[0]!);
  const cell = (p: LatLng) => [Math.floor((p.lat * perDeg.lat) / 1000), Math.floor((p.lng * perDeg.lng) / 1000)] as const;
  const grid = new Map<string, number[]>();
  positions.forEach((p, i) => {
    const [a, b] = cell(p);
    const key = `${a}:${b}`;
    grid.get(key)?.push(i) ?? grid.set(key, [i]);
  });
  return positions.map((p, i) => {
    const [a, b] = cell(p);
    let n = 0;
    for (let da = -1; da <= 1; da++)
      for (let db = -1; db <= 1; db++)
        for (const j of grid.get(`${a + da}:${b + db}`) ?? []) if (j !== i && distanceM(p, positions[j]!) <= 1000) n++;
    return environmentFromDensity(n);
  });
}

/** Moves true or asserted positions as each cheat requires; returns the rings with their geometry. */
function applyCheats(
  hotspots: SimHotspot[],
  assignment: CheaterAssignment,
  region: RegionId,
  area: Area,
  regions: RegionLookup,
  rng: SeededRandom,
): SimRing[] {
  const sameRegionOnLand = (p: LatLng) => regions.regionAt(p.lat, p.lng)?.region === region;
  for (const [index, profile] of assignment.profiles) {
    const h = hotspots[index]!;
    h.cheat = profile;
    if (profile.kind === 'location_spoofer') {
      // Keep trying bearings until the fake spot is on land in the same region: the registry
      // refuses points at sea, and a cross-border spoof would be caught by the region check alone.
      let bearing = profile.bearingDeg;
      for (let attempt = 0; attempt < 24; attempt++, bearing = (bearing + 15) % 360) {
        const fake = destination(h.truePosition, profile.offsetM, bearing);
        if (sameRegionOnLand(fake)) {
          h.asserted = { ...h.asserted, lat: fake.lat, lng: fake.lng };
          h.cheat = { ...profile, bearingDeg: bearing };
          break;
        }
      }
    } else if (profile.kind === 'tx_power_over_reporter') {
      h.cheat = { ...profile, reportedTxPowerDbm: Math.ceil(maxEirpDbm(region)) + rng.fork(`tx/${index}`).int(1, 6) };
    } else if (profile.kind === 'clock_skewed') {
      // A skewed clock cannot open a WebSocket session (the init timestamp is checked), so these
      // hotspots post HTTP batches, as a real one would fall back to.
      h.transport = 'http';
    }
  }
  return assignment.rings.map((ring) => {
    const r = rng.fork(`ring/${ring.id}`);
    const first = assignment.profiles.get(ring.members[0]!);
    const farm = first?.kind === 'gaming_ring' ? first.farm : countrysidePoint(area, r);
    let centre = countrysidePoint(area, r);
    for (let attempt = 0; attempt < 20 && (distanceM(centre, farm) < 15_000 || !sameRegionOnLand(centre)); attempt++) centre = countrysidePoint(area, r);
    ring.members.forEach((m, k) => {
      const h = hotspots[m]!;
      // Hardware stacked in one building; asserted spots spread 1.2-4 km around a made-up centre.
      h.truePosition = destination(farm, r.uniform(2, 30), r.uniform(0, 360));
      h.environment = 'rural';
      const spot = destination(centre, r.uniform(1_200, 4_000), (360 / ring.members.length) * k + r.uniform(-20, 20));
      h.asserted = { ...h.asserted, lat: spot.lat, lng: spot.lng };
    });
    return { id: ring.id, members: ring.members, farm, assertedCentre: centre };
  });
}
