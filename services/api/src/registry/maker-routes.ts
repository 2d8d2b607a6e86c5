/**
 * HTTP handlers for hotspot makers: the operator registers and lists them; a maker (its own key) or
 * the operator reads the maker's onboarding totals and manages its API keys, so a key is rotated
 * or a leaked one revoked without SQL. Handlers only translate HTTP to use cases.
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { Clock } from '@cov/shared/clock';
import { requireAdmin } from '../auth/api-keys';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { createMaker } from './create-maker';
import { authorizeMaker, type MakerAccessDeps } from './maker-access';
import { issueMakerApiKey, requireMaker, revokeMakerKey } from './maker-api-keys';
import { MakerApiKeyView, MakerDetailView, MakerView, toMakerApiKeyView, toMakerView } from './maker-views';
import { hotspotCountsOfMakers, listMakerApiKeys, listMakers, makerHotspotCounts } from './makers-repository';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const security = [{ apiKey: [] }];
const MakerParams = Type.Object({ makerId: Type.String({ format: 'uuid' }) });

export type MakerRoutesDeps = MakerAccessDeps & { clock: Clock };

export async function registerMakerRoutes(app: HttpServer, deps: MakerRoutesDeps): Promise<void> {
  app.addSchema(MakerApiKeyView);

  app.post(
    '/v1/admin/makers',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a hotspot maker (admin)',
        security,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ maker: MakerView, apiKey: Type.String({ description: 'Shown once; store it.' }) }), ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      requireAdmin(request, deps.adminKeys);
      const { maker, apiKey } = await createMaker(deps, request.body.name);
      return reply.status(201).send({ maker: toMakerView(maker), apiKey });
    },
  );

  app.get(
    '/v1/admin/makers',
    {
      schema: {
        tags: ['registry'],
        summary: 'List hotspot makers by name (admin; keyset paginated)',
        description: "Where the operator finds a maker's id again (its keys: /v1/makers/{makerId}/api-keys). The next page is asked with `cursor`.",
        security,
        querystring: Type.Object({
          // A name of 100 characters, up to 4 UTF-8 bytes each, in base64url JSON.
          cursor: Type.Optional(Type.String({ maxLength: 600 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Object({ ...MakerView.properties, hotspots: Type.Integer({ description: 'Hotspots it has onboarded.' }) })),
            cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      requireAdmin(request, deps.adminKeys);
      const { limit } = request.query;
      const after = decodeCursor(request.query.cursor, (v): v is { n: string } => typeof (v as { n?: unknown })?.n === 'string');
      const rows = await listMakers(deps.db, after?.n, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const counts = await hotspotCountsOfMakers(deps.db, page.map((m) => m.id));
      return { data: page.map((m) => ({ ...toMakerView(m), hotspots: counts.get(m.id) ?? 0 })), cursor: rows.length > limit && last ? encodeCursor({ n: last.name }) : null };
    },
  );

  app.post(
    '/v1/admin/makers/:makerId/api-keys',
    {
      schema: {
        tags: ['registry'],
        summary: 'Issue another API key for a maker (admin)',
        description: 'The same as POST /v1/makers/{makerId}/api-keys with the admin key and no name; kept for the clients that use it.',
        security,
        params: MakerParams,
        response: { 201: Type.Object({ apiKey: Type.String({ description: 'Shown once; store it.' }), prefix: Type.String(), key: Type.Ref('MakerApiKey') }), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      requireAdmin(request, deps.adminKeys);
      const { apiKey, row } = await issueMakerApiKey(deps, request.params.makerId);
      return reply.status(201).send({ apiKey, prefix: row.keyPrefix, key: toMakerApiKeyView(row) });
    },
  );

  app.get(
    '/v1/makers/:makerId',
    {
      schema: {
        tags: ['registry'],
        summary: 'A hotspot maker: how many hotspots it has onboarded, and how many live API keys it has (its own key, or admin)',
        security,
        params: MakerParams,
        response: { 200: MakerDetailView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeMaker(request, deps, request.params.makerId);
      const maker = await requireMaker(deps.db, request.params.makerId);
      const [counts, keys] = await Promise.all([makerHotspotCounts(deps.db, maker.id), listMakerApiKeys(deps.db, maker.id)]);
      return {
        ...toMakerView(maker),
        hotspots: { total: counts.full + counts.dataOnly, full: counts.full, dataOnly: counts.dataOnly, lastOnboardedAt: counts.lastOnboardedAt?.toISOString() ?? null },
        liveApiKeys: keys.filter((k) => k.revokedAt === null).length,
      };
    },
  );

  app.get(
    '/v1/makers/:makerId/api-keys',
    {
      schema: {
        tags: ['registry'],
        summary: "The maker's API keys, live and revoked, oldest first (prefixes only; its own key, or admin)",
        description: '`lastUsedAt` tells whether a key being rotated out is still in use before it is revoked.',
        security,
        params: MakerParams,
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('MakerApiKey')) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeMaker(request, deps, request.params.makerId);
      await requireMaker(deps.db, request.params.makerId);
      return { data: (await listMakerApiKeys(deps.db, request.params.makerId)).map(toMakerApiKeyView) };
    },
  );

  app.post(
    '/v1/makers/:makerId/api-keys',
    {
      schema: {
        tags: ['registry'],
        summary: 'Issue another API key for the maker (its own key, or admin)',
        description: 'Name keys (`name`: "factory line 2") to tell them apart in the list, where only their prefix shows.',
        security,
        params: MakerParams,
        body: Type.Object({ name: Type.String({ maxLength: 100, default: '' }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ apiKey: Type.String({ description: 'Shown once; store it.' }), key: Type.Ref('MakerApiKey') }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await authorizeMaker(request, deps, request.params.makerId);
      const { apiKey, row } = await issueMakerApiKey(deps, request.params.makerId, request.body.name);
      return reply.status(201).send({ apiKey, key: toMakerApiKeyView(row) });
    },
  );

  app.delete(
    '/v1/makers/:makerId/api-keys/:keyId',
    {
      schema: {
        tags: ['registry'],
        summary: "Revoke one of the maker's API keys (its own key, or admin)",
        description:
          'The key stops working at once, for onboarding and for this API; the maker keeps its hotspots. A maker may revoke the key it calls with, even its last one: the operator can issue it another.',
        security,
        params: Type.Object({ makerId: Type.String({ format: 'uuid' }), keyId: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await authorizeMaker(request, deps, request.params.makerId);
      await revokeMakerKey(deps, request.params.makerId, request.params.keyId);
      return reply.status(204).send(null);
    },
  );
}
