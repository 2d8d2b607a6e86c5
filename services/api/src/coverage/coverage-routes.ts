/**
 * Analysts' coverage API, all served from the one coverage snapshot: hexes in a bbox (GET) or a
 * GeoJSON polygon (POST) as a GeoJSON FeatureCollection, hotspot points in a bbox, one hex's
 * details, and "is this point covered".
 */
import { Type } from 'typebox';
import { HotspotNameField } from '../registry/hotspot-view';
import { hotspotsNear } from './hotspots-near';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { booleanPointInPolygon } from '@turf/turf';
import { cellToLatLng, cellToParent, getResolution } from 'h3-js';
import type { MultiPolygon, Polygon } from 'geojson';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { aggregateHexes, type CoverageSnapshots, type HexAggregate, type HotspotCoverage, type Snapshot } from './coverage-snapshot';
import { COVERAGE_RULE_TEXT, pointCoverage } from './coverage-rule';
import { assertHexBudget, bboxAreaM2, inBbox, parseBbox, parseHex, parsePolygon, polygonAreaM2, polygonBbox, requireLatLng, type BBox } from './geo-input';
import { cellGeometry } from './hex-outline';
import { PocEligibleSchema, pocEligible, transmitScaleSchema } from './poc-eligibility';
import { INTERACTIVITY_WINDOW_MS } from '@cov/shared/coverage/interactive-hotspots';
import { PrecompressedAnswers, sendPrecompressed } from '../http/precompressed-answers';

const ErrorRef = Type.Ref('ErrorResponse');
const MIN_RES = 4;
const MAX_RES = 10;
const MAX_POINTS = 10_000;
/** A radius search lists at most this many hotspots, within at most this radius (the PoC's 100 km witness limit). */
const MAX_NEAR_LISTED = 500;
const MAX_NEAR_RADIUS_M = 100_000;
/** Hotspots one hex's details list (a res-4 hex in a dense city holds thousands). */
export const MAX_HEX_HOTSPOTS = 1000;
const CACHE = 'public, max-age=30';

/** What the PoC figures of coverage answers cover: the interactivity window before the snapshot. */
const WINDOW_TEXT = `over the ${INTERACTIVITY_WINDOW_MS / 3_600_000} h before snapshotAt`;

const HexProperties = Type.Object({
  h3: Type.String(),
  res: Type.Integer(),
  lat: Type.Number({ description: 'Centre of the hex.' }),
  lng: Type.Number(),
  hotspotCount: Type.Integer({ description: 'Hotspots with an asserted location in the hex (data-only ones included).' }),
  interactiveCount: Type.Integer({ description: `Of those, hotspots with a valid beacon that had a valid witness ${WINDOW_TEXT} (HIP-17).` }),
  meanTransmitScale: Type.Union([Type.Number(), Type.Null()], { description: 'Mean HIP-17 transmit scale of its interactive hotspots; null when none (data-only hotspots are never interactive: they take no part in proof-of-coverage).' }),
  bestRssiDbm: Type.Union([Type.Number(), Type.Null()], { description: `Strongest valid witness RSSI of a valid beacon from the hex ${WINDOW_TEXT}.` }),
  medianRssiDbm: Type.Union([Type.Number(), Type.Null()], { description: "Median over the hex's hotspots of the median valid witness RSSI of their valid beacons." }),
  pocCount: Type.Integer({ description: `Valid beacons from the hex ${WINDOW_TEXT}.` }),
  rewardedCount: Type.Integer({ description: 'Hotspots of the hex paid something in the latest paid epoch (rewardsEpoch).' }),
  meanRewards: Type.Union([Type.String({ pattern: '^[0-9]+$' }), Type.Null()], {
    description: "Mean total (beacon + witness + data) the latest paid epoch paid the hex's hotspots, those paid nothing counted as 0; token base units, rounded down. null while no epoch is paid.",
  }),
});

/** A hex outline: a Polygon, or a MultiPolygon of its two halves when it lies across the antimeridian (RFC 7946 §3.1.9). */
const HexGeometry = Type.Union(
  [
    Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Type.Array(Type.Array(Type.Number()))) }),
    Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))) }),
  ],
  { description: 'RFC 7946: [lng, lat], closed, counter-clockwise; a hex across the antimeridian is cut in two (MultiPolygon)' },
);
const BBOX_TEXT = 'minLng,minLat,maxLng,maxLat (decimal degrees); minLng > maxLng crosses the antimeridian (RFC 7946 §5.2), e.g. 177,-20,-178,-16';

export const HexFeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Type.String(),
        geometry: HexGeometry,
        properties: HexProperties,
      }),
    ),
    snapshotAt: Type.String({ format: 'date-time' }),
    rewardsEpoch: Type.Union([Type.Integer(), Type.Null()], { description: 'The latest paid epoch, whose rewards rewardedCount and meanRewards show; null while none is.' }),
  },
  { $id: 'HexFeatureCollection' },
);

const HotspotPoint = Type.Object({
  address: Type.String(),
  name: HotspotNameField(),
  lat: Type.Number({ description: 'Centre of its asserted res-12 cell.' }),
  lng: Type.Number(),
  cell: Type.String(),
  capability: Type.Union([Type.Literal('full'), Type.Literal('data_only')]),
  interactive: Type.Boolean({ description: `A valid beacon with a valid witness ${WINDOW_TEXT} (HIP-17).` }),
  transmitScale: transmitScaleSchema('the density rule gives it at snapshotAt'),
  pocEligible: PocEligibleSchema,
  pocCount: Type.Integer({ description: `Its valid beacons ${WINDOW_TEXT}.` }),
  bestRssiDbm: Type.Union([Type.Number(), Type.Null()], { description: `Strongest valid witness RSSI of its valid beacons ${WINDOW_TEXT}.` }),
});

type HexFeature = { type: 'Feature'; id: string; geometry: Polygon | MultiPolygon; properties: HexAggregate };
/**
 * Coordinates in hex answers carry 6 decimals (about 0.1 m, as RFC 7946 §11.2 recommends): H3
 * gives 15-17 digits, which made outlines a quarter of an answer's bytes for no map-visible gain.
 */
const round6 = (deg: number) => Math.round(deg * 1e6) / 1e6;
// Aggregates live as long as their snapshot, so each hex's outline is computed once per snapshot.
const features = new WeakMap<HexAggregate, HexFeature>();
const toFeature = (a: HexAggregate): HexFeature => {
  let f = features.get(a);
  if (!f) {
    f = { type: 'Feature', id: a.h3, geometry: cellGeometry(a.h3), properties: { ...a, lat: round6(a.lat), lng: round6(a.lng) } };
    features.set(a, f);
  }
  return f;
};
/**
 * Hexes are listed in H3 index order: a stable order for clients, and it puts neighbours (which
 * share outline vertices and index prefixes) next to each other, so answers compress about 8 %
 * smaller than in registry order.
 */
const byIndex = (a: HexAggregate, b: HexAggregate) => (a.h3 < b.h3 ? -1 : a.h3 > b.h3 ? 1 : 0);
// Names are computed when an answer is built (about 1.5 µs each; point answers are kept per
// snapshot) rather than held by the snapshot for every hotspot of the network.
const toPoint = (h: HotspotCoverage) => ({
  address: h.address,
  name: hotspotName(h.address),
  lat: h.lat,
  lng: h.lng,
  cell: h.cell,
  capability: h.capability,
  interactive: h.interactive,
  transmitScale: h.scale,
  pocEligible: pocEligible(h.capability),
  pocCount: h.pocCount,
  bestRssiDbm: h.bestRssiDbm,
});

/**
 * A bbox query that passed the checks, by its text: map clients ask for the same few tiles over and
 * over, so a repeat skips parsing and the hex budget. Only valid queries are remembered (a bad one
 * throws each time, with its code); bounded, cleared when full.
 */
interface CheckedBbox {
  bbox: BBox;
  /** Answer key without the snapshot: resolution and normalised bbox. */
  key: string;
}
const CHECKED_MAX = 10_000;
const checkedBboxes = new Map<string, CheckedBbox>();
function checkedBbox(text: string, res: number): CheckedBbox {
  const memoKey = `${res}|${text}`;
  let checked = checkedBboxes.get(memoKey);
  if (!checked) {
    const bbox = parseBbox(text);
    assertHexBudget(bboxAreaM2(bbox), res);
    checked = { bbox, key: `${res}:${bbox.join(',')}` };
    if (checkedBboxes.size >= CHECKED_MAX) checkedBboxes.clear();
    checkedBboxes.set(memoKey, checked);
  }
  return checked;
}

/** One hex's details from a snapshot: its aggregate (zeros when empty), outline, parent and hotspots (at most MAX_HEX_HOTSPOTS). */
export function hexDetails(snapshot: Snapshot, h3: string, res: number) {
  const members = snapshot.hotspots.filter((h) => getResolution(h.cell) >= res && cellToParent(h.cell, res) === h3);
  const aggregate = res >= MIN_RES && res <= MAX_RES ? snapshot.hexes(res).get(h3) : undefined;
  const [lat, lng] = cellToLatLng(h3);
  // Resolutions outside the listed range get the same aggregation over the hex's members; an empty hex, zeros.
  const hex: HexAggregate = aggregate ?? aggregateHexes(members, res).get(h3) ?? {
    h3,
    res,
    lat,
    lng,
    hotspotCount: 0,
    interactiveCount: 0,
    meanTransmitScale: null,
    bestRssiDbm: null,
    medianRssiDbm: null,
    pocCount: 0,
    rewardedCount: 0,
    meanRewards: snapshot.rewardsEpoch === null ? null : '0',
  };
  return {
    hex,
    boundary: cellGeometry(h3),
    parent: res > 0 ? cellToParent(h3, res - 1) : null,
    hotspots: members.slice(0, MAX_HEX_HOTSPOTS).map(toPoint),
    truncated: members.length > MAX_HEX_HOTSPOTS,
  };
}

export async function registerCoverageRoutes(app: HttpServer, snapshots: CoverageSnapshots): Promise<void> {
  /**
   * A coverage answer depends only on the snapshot and the request, so it is kept (as bytes, with its
   * gzip and brotli forms and its ETag) until the snapshot is replaced: a map with many viewers asks
   * for the same tiles over and over. Kept per server, as its snapshots are: two nodes in one process
   * (tests) build snapshots at the same instant, and shared answers made one serve the other's.
   */
  const answers = new PrecompressedAnswers({ maxEntries: 2_000, maxBytes: 256 * 1024 * 1024, upgradeAfterHits: 100 });
  const sendCached = async (request: FastifyRequest, reply: FastifyReply, key: string, build: () => unknown) => sendPrecompressed(request, reply, await answers.json(key, build), CACHE);

  app.get(
    '/v1/coverage/hexes',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Coverage by H3 hex in a bounding box, as GeoJSON',
        description: 'Only hexes holding at least one asserted hotspot are returned. Counts, scales and RSSI come from the same aggregation as the map and the density scaling.',
        querystring: Type.Object({
          res: Type.Integer({ minimum: MIN_RES, maximum: MAX_RES, default: 8 }),
          bbox: Type.String({ description: BBOX_TEXT }),
        }),
        response: { 200: Type.Ref('HexFeatureCollection'), 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const { bbox, key } = checkedBbox(request.query.bbox, request.query.res);
      const snapshot = await snapshots.get();
      return sendCached(request, reply, `${snapshot.builtAtMs}:${key}`, () => ({
        type: 'FeatureCollection' as const,
        features: [...snapshot.hexes(request.query.res).values()].filter((h) => inBbox(h.lat, h.lng, bbox)).sort(byIndex).map(toFeature),
        snapshotAt: new Date(snapshot.builtAtMs).toISOString(),
        rewardsEpoch: snapshot.rewardsEpoch,
      }));
    },
  );

  app.post(
    '/v1/coverage/hexes',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Coverage by H3 hex inside a GeoJSON polygon',
        description:
          'Hexes whose centre lies inside the polygon. Holes and either ring winding are taken (inside is inside, RFC 7946 §3.1.6); an unclosed or self-intersecting ring is 400 geo.invalid_polygon, more than 5000 positions in all or 1500 in one ring 400 geo.polygon_too_large (simplify longer outlines), an area over the hex budget 400 geo.bbox_too_large. Edges are straight lines in longitude/latitude (RFC 7946 §3.1.1), so an area across the antimeridian is sent cut in two, as a MultiPolygon (§3.1.9).',
        body: Type.Object(
          {
            res: Type.Integer({ minimum: MIN_RES, maximum: MAX_RES, default: 8 }),
            polygon: Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon, bare or as a Feature (not a FeatureCollection); positions [lng, lat] or [lng, lat, altitude]' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('HexFeatureCollection'), 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const polygon = parsePolygon(request.body.polygon);
      assertHexBudget(polygonAreaM2(polygon), request.body.res);
      const bbox = polygonBbox(polygon);
      const snapshot = await snapshots.get();
      // The same polygon gives the same answer until the next snapshot (a dashboard's saved area).
      const polygonKey = createHash('sha1').update(JSON.stringify(request.body.polygon)).digest('base64url');
      return sendCached(request, reply, `${snapshot.builtAtMs}:${request.body.res}:polygon:${polygonKey}`, () => ({
        type: 'FeatureCollection' as const,
        features: [...snapshot.hexes(request.body.res).values()].filter((h) => inBbox(h.lat, h.lng, bbox) && booleanPointInPolygon([h.lng, h.lat], polygon)).sort(byIndex).map(toFeature),
        snapshotAt: new Date(snapshot.builtAtMs).toISOString(),
        rewardsEpoch: snapshot.rewardsEpoch,
      }));
    },
  );

  app.get(
    '/v1/coverage/hotspots',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Hotspot points in a bounding box (map points layer)',
        querystring: Type.Object({ bbox: Type.String({ description: BBOX_TEXT }) }),
        response: { 200: Type.Object({ data: Type.Array(HotspotPoint), truncated: Type.Boolean() }), 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const bbox = parseBbox(request.query.bbox);
      const snapshot = await snapshots.get();
      return sendCached(request, reply, `${snapshot.builtAtMs}:points:${bbox.join(',')}`, () => {
        const inside = snapshot.hotspots.filter((h) => inBbox(h.lat, h.lng, bbox));
        return { data: inside.slice(0, MAX_POINTS).map(toPoint), truncated: inside.length > MAX_POINTS };
      });
    },
  );

  app.get(
    '/v1/coverage/hotspots/near',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Hotspots within radius_m of a point, nearest first, each with its distance (siting a hotspot: who is around)',
        description: `Every asserted hotspot counts, interactive or not. At most \`limit\` (${MAX_NEAR_LISTED} at most); \`truncated\` says whether more are within the radius.`,
        querystring: Type.Object({
          lat: Type.Number(),
          lng: Type.Number(),
          radius_m: Type.Integer({ minimum: 1, maximum: MAX_NEAR_RADIUS_M, default: 5_000 }),
          limit: Type.Integer({ minimum: 1, maximum: MAX_NEAR_LISTED, default: 100 }),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Object({ ...HotspotPoint.properties, distanceM: Type.Integer({ description: 'Great-circle distance from the point to the centre of its asserted res-12 cell.' }) })),
            truncated: Type.Boolean(),
            snapshotAt: Type.String({ format: 'date-time' }),
          }),
          400: ErrorRef,
        },
      },
    },
    async (request) => {
      const { lat, lng, radius_m: radiusM, limit } = request.query;
      requireLatLng(lat, lng);
      const snapshot = await snapshots.get();
      const near = hotspotsNear(lat, lng, radiusM, snapshot.hotspots);
      return {
        data: near.slice(0, limit).map((n) => ({ ...toPoint(n.hotspot), distanceM: Math.round(n.distanceM) })),
        truncated: near.length > limit,
        snapshotAt: new Date(snapshot.builtAtMs).toISOString(),
      };
    },
  );

  app.get(
    '/v1/hexes/:h3',
    {
      schema: {
        tags: ['coverage'],
        summary: 'One hex: aggregates, outline, its hotspots and their transmit scales',
        params: Type.Object({ h3: Type.String({ maxLength: 20 }) }),
        response: {
          200: Type.Object({
            hex: HexProperties,
            boundary: HexGeometry,
            parent: Type.Union([Type.String(), Type.Null()]),
            hotspots: Type.Array(HotspotPoint, { description: `The hex's hotspots, at most ${MAX_HEX_HOTSPOTS} (hex.hotspotCount counts them all).` }),
            truncated: Type.Boolean({ description: `More than ${MAX_HEX_HOTSPOTS} hotspots: the list is cut (list the rest with /v1/coverage/hotspots over a smaller box).` }),
          }),
          400: ErrorRef,
        },
      },
    },
    async (request) => {
      const { h3, res } = parseHex(request.params.h3, { minRes: 0, maxRes: 15 });
      return hexDetails(await snapshots.get(), h3, res);
    },
  );

  app.get(
    '/v1/coverage/point',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Is this point covered? With the rule, the best estimated RSSI and the nearest hotspots',
        querystring: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
        response: {
          200: Type.Object({
            covered: Type.Boolean(),
            rule: Type.String(),
            bestEstimatedRssiDbm: Type.Union([Type.Number(), Type.Null()]),
            nearest: Type.Array(
              Type.Object({
                address: Type.String(),
                name: HotspotNameField(),
                distanceM: Type.Integer(),
                interactive: Type.Boolean(),
                estimatedRssiDbm: Type.Number(),
                bestObservedRssiDbm: Type.Union([Type.Number(), Type.Null()]),
              }),
            ),
          }),
          400: ErrorRef,
        },
      },
    },
    async (request) => {
      const { lat, lng } = request.query;
      requireLatLng(lat, lng);
      const snapshot = await snapshots.get();
      const { covered, bestEstimatedRssiDbm, nearest } = pointCoverage(lat, lng, snapshot.hotspots);
      return { covered, rule: COVERAGE_RULE_TEXT, bestEstimatedRssiDbm, nearest };
    },
  );
}
