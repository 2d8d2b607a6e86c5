/**
 * Vector tiles of the coverage snapshot (coverage-tiles.ts): GET /v1/coverage/tiles/{z}/{x}/{y}.mvt
 * and the TileJSON that tells a map client where they are and what their layers hold. A tile is
 * kept, with its gzip and brotli forms, until the snapshot is replaced, as the hex lists are.
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { AppError } from '@cov/shared/errors';
import type { CoverageSnapshots } from './coverage-snapshot';
import { coverageTile, isTile, MAX_TILE_ZOOM, POINTS_MIN_ZOOM, resolutionForZoom } from './coverage-tiles';
import { PrecompressedAnswers, sendPrecompressed } from '../http/precompressed-answers';

const ErrorRef = Type.Ref('ErrorResponse');
const MVT = 'application/vnd.mapbox-vector-tile';
const CACHE = 'public, max-age=30';
const MIN_RES = 4;
const MAX_RES = 10;

/** What each layer's features carry, as TileJSON's vector_layers describes them. */
export const TILE_LAYERS = [
  {
    id: 'hexes',
    description: 'H3 hexes holding at least one asserted hotspot, with the figures GET /v1/coverage/hexes gives (a figure without a value is left out)',
    minzoom: 0,
    maxzoom: MAX_TILE_ZOOM,
    fields: {
      h3: 'String',
      res: 'Number',
      hotspotCount: 'Number',
      interactiveCount: 'Number',
      meanTransmitScale: 'Number',
      bestRssiDbm: 'Number',
      medianRssiDbm: 'Number',
      pocCount: 'Number',
      rewardedCount: 'Number',
      meanRewards: 'String',
    },
  },
  {
    id: 'hotspots',
    description: 'Asserted hotspots at the centre of their res-12 cell',
    minzoom: POINTS_MIN_ZOOM,
    maxzoom: MAX_TILE_ZOOM,
    fields: { address: 'String', name: 'String', capability: 'String', interactive: 'Boolean', transmitScale: 'Number', pocCount: 'Number', bestRssiDbm: 'Number' },
  },
] as const;

export async function registerCoverageTileRoutes(app: HttpServer, snapshots: CoverageSnapshots): Promise<void> {
  // Per server, as its snapshots are (see the hex lists' answers in coverage-routes.ts).
  const tiles = new PrecompressedAnswers({ maxEntries: 5_000, maxBytes: 128 * 1024 * 1024, upgradeAfterHits: 100 });

  app.get(
    '/v1/coverage/tiles.json',
    {
      schema: {
        tags: ['coverage'],
        summary: 'TileJSON 3.0.0 of the coverage vector tiles: their URL template, zooms and layers',
        description: 'Give this URL to a map client (MapLibre: `{type: "vector", url}`).',
        response: { 200: Type.Object({}, { additionalProperties: true }), 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const base = `${request.protocol}://${request.host}`;
      void reply.header('cache-control', 'public, max-age=300');
      return {
        tilejson: '3.0.0',
        name: 'coverage',
        description: 'Hotspot coverage by H3 hex (resolution by zoom, as on /map) and hotspot points, from the coverage snapshot',
        scheme: 'xyz',
        tiles: [`${base}/v1/coverage/tiles/{z}/{x}/{y}.mvt`],
        minzoom: 0,
        maxzoom: MAX_TILE_ZOOM,
        bounds: [-180, -85.0511, 180, 85.0511],
        vector_layers: TILE_LAYERS,
      };
    },
  );

  app.get(
    '/v1/coverage/tiles/:z/:x/:y.mvt',
    {
      schema: {
        tags: ['coverage'],
        summary: 'One coverage vector tile (MVT 2.1): layers hexes and, from zoom 9, hotspots; 204 when nothing lies in it',
        description: `XYZ (Web Mercator) tile numbering, zoom 0 to ${MAX_TILE_ZOOM}. Hexes are at the resolution the zoom shows best (zoom 0-4: res 4, 5: 5, 6-7: 6, 8: 7, 9-10: 8, 11-12: 9, 13 on: 10), or at \`res\`.`,
        params: Type.Object({ z: Type.Integer(), x: Type.Integer(), y: Type.Integer() }),
        querystring: Type.Object({ res: Type.Optional(Type.Integer({ minimum: MIN_RES, maximum: MAX_RES, description: 'The H3 resolution of the hexes, instead of the zoom\'s.' })) }),
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: MVT }), 204: Type.Null(), 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params;
      if (!isTile(z, x, y)) {
        throw new AppError('request.invalid', `no tile ${z}/${x}/${y}: zoom is 0 to ${MAX_TILE_ZOOM}, and x and y 0 to 2^zoom - 1`, { field: 'z/x/y' });
      }
      const res = request.query.res ?? resolutionForZoom(z);
      const snapshot = await snapshots.get();
      const answer = await tiles.bytes(`${snapshot.builtAtMs}:${z}/${x}/${y}:${res}`, MVT, () => coverageTile(snapshot, z, x, y, res));
      if (answer.identity.length === 0) return reply.code(204).header('cache-control', CACHE).send();
      return sendPrecompressed(request, reply, answer, CACHE);
    },
  );
}
