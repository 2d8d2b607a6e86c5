/**
 * HTTP handlers for an organisation's routing configuration (routes, DevAddr ranges, JoinEUI/
 * DevEUI pairs, session-key filters) and what happened on each route (stats, recent packets).
 * Reads need a read key of the org, changes a write key; the admin key can do both and alone can
 * lock a route. A deleted route's history (stats, packets, EUI pairs) stays readable, with its
 * `deletedAt`; the route itself, its filters and every change answer 410 `routes.deleted`.
 */
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { requireAdmin } from '../auth/api-keys';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { requireOrg } from './create-org';
import { authorizeOrg } from './org-access';
import { DevAddrHex, EndpointInput, EndpointPatchInput, Eui, PacketStatus, toPacketCopyView, toRoutedPacketView, toRouteView, toSkfView } from './org-views';
import type { OrgsDeps } from './orgs-deps';
import { changeEuiPairs, changeRoute, changeSkfs, createRoute, removeRoute, setRouteLocked } from './route-config';
import { routeStats } from './route-stats';
import { listDeletedEuiPairs } from './deleted-routes-repository';
import { historyOrgRoute, liveOrgRoute } from './route-lookup';
import {
  countEuiPairs,
  countSkfs,
  findRoutedPacket,
  listEuiPairs,
  listOrgRoutes,
  listPacketCopies,
  listRanges,
  listRouteDelivery,
  listRoutedPackets,
  listSkfs,
  sessionKeyDigest,
  type RouteRow,
} from './routes-repository';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const security = [{ apiKey: [] }];
const OrgParams = Type.Object({ orgId: Type.String({ format: 'uuid' }) });
const RouteParams = Type.Object({ orgId: Type.String({ format: 'uuid' }), routeId: Type.String({ format: 'uuid' }) });
const Range = Type.Object({ start: DevAddrHex, end: DevAddrHex }, { additionalProperties: false });
const EuiPair = Type.Object({ joinEui: Eui, devEui: Eui }, { additionalProperties: false });
const MaxCopies = Type.Integer({ minimum: 1, maximum: 100, description: 'Copies bought per packet (each uplink copy is billed).' });
const SessionKey = Type.String({ pattern: '^[0-9A-Fa-f]{32}$', description: 'NwkSKey, 32 hex' });
const SKF_MAX_PER_REQUEST = 100;
// What the cursors of the EUI pair and filter lists hold; anything else was not issued here.
const isEuiHex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{16}$/.test(v);
const isDigestHex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isDevAddrNumber = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isRouteListKey = (v: unknown): v is { createdAtUs: number; id: string } => {
  const k = v as { createdAtUs?: unknown; id?: unknown };
  return Number.isSafeInteger(k?.createdAtUs) && typeof k?.id === 'string' && UUID.test(k.id);
};
const EUI_MAX_PER_REQUEST = 1000;
const DeletedAt = Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
  description: 'When the route was deleted (its record: GET /v1/orgs/{orgId}/deleted-routes/{routeId}); null while it is live.',
});

export async function registerOrgRouteConfigRoutes(app: HttpServer, deps: OrgsDeps & { dedupWindowMs: number }): Promise<void> {
  async function view(route: RouteRow) {
    // Sequential on purpose: the embedded database serves one query at a time per process anyway.
    const ranges = await listRanges(deps.db, [route.id]);
    const counts = await countEuiPairs(deps.db, [route.id]);
    const skfCounts = await countSkfs(deps.db, [route.id]);
    const delivery = await listRouteDelivery(deps.db, [route.id]);
    return toRouteView(route, ranges, { euiPairs: counts.get(route.id) ?? 0, skfs: skfCounts.get(route.id) ?? 0 }, delivery.get(route.id), deps.clock.nowMs());
  }

  app.post(
    '/v1/orgs/:orgId/routes',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Create a route (write scope)',
        description: 'Uplinks whose DevAddr is in devAddrRanges (which must lie inside the org\'s blocks) and joins of the euiPairs (devEui 0000000000000000 = every device of the joinEui) go to the endpoint: an HTTP webhook, or a GWMP (Semtech UDP) LNS.',
        security,
        params: OrgParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 100 })),
            endpoint: EndpointInput,
            maxCopies: Type.Optional(MaxCopies),
            active: Type.Optional(Type.Boolean()),
            devAddrRanges: Type.Optional(Type.Array(Range, { maxItems: 100 })),
            euiPairs: Type.Optional(Type.Array(EuiPair, { maxItems: EUI_MAX_PER_REQUEST })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Route'), ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      await authorizeOrg(request, deps, request.params.orgId, 'write');
      const { euiPairs, ...input } = request.body;
      const route = await createRoute(deps, request.params.orgId, input, euiPairs ?? []);
      return reply.status(201).send(await view(route));
    },
  );

  app.get(
    '/v1/orgs/:orgId/routes',
    {
      schema: {
        tags: ['device makers'],
        summary: "The organisation's routes",
        description:
          'Live routes only, oldest first; deleted ones are listed by GET /v1/orgs/{orgId}/deleted-routes. Keyset pages: `cursor` is null on the last page, otherwise pass it back for the next.',
        security,
        params: OrgParams,
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('Route')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      await requireOrg(deps.db, request.params.orgId);
      const { limit } = request.query;
      const after = decodeCursor(request.query.cursor, isRouteListKey);
      const found = await listOrgRoutes(deps.db, request.params.orgId, after, limit + 1);
      const page = found.slice(0, limit);
      const last = page[page.length - 1];
      const cursor = found.length > limit && last ? encodeCursor({ createdAtUs: last.key.createdAtUs, id: last.key.id }) : null;
      const routes = page.map((f) => f.row);
      const ids = routes.map((r) => r.id);
      const ranges = await listRanges(deps.db, ids);
      const counts = await countEuiPairs(deps.db, ids);
      const skfCounts = await countSkfs(deps.db, ids);
      const delivery = await listRouteDelivery(deps.db, ids);
      return { data: routes.map((r) => toRouteView(r, ranges, { euiPairs: counts.get(r.id) ?? 0, skfs: skfCounts.get(r.id) ?? 0 }, delivery.get(r.id), deps.clock.nowMs())), cursor };
    },
  );

  app.get(
    '/v1/orgs/:orgId/routes/:routeId',
    {
      schema: {
        tags: ['device makers'],
        summary: 'One route',
        description: 'A deleted route is 410 routes.deleted, with its deletedAt and where its record is in `details`.',
        security,
        params: RouteParams,
        response: { 200: Type.Ref('Route'), ...errors(400, 401, 403, 404, 410) },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      return view(await liveOrgRoute(deps.db, request.params.orgId, request.params.routeId));
    },
  );

  app.patch(
    '/v1/orgs/:orgId/routes/:routeId',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Change a route (write scope); devAddrRanges, when given, replace the old ones',
        description: 'An HTTP endpoint given without authHeader keeps the route\'s current Authorization header; `authHeader: null` removes it.',
        security,
        params: RouteParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 100 })),
            endpoint: Type.Optional(EndpointPatchInput),
            maxCopies: Type.Optional(MaxCopies),
            active: Type.Optional(Type.Boolean()),
            devAddrRanges: Type.Optional(Type.Array(Range, { maxItems: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Route'), ...errors(400, 401, 403, 404, 409, 410, 422) },
      },
    },
    async (request) => {
      const caller = await authorizeOrg(request, deps, request.params.orgId, 'write');
      return view(await changeRoute(deps, caller, request.params.orgId, request.params.routeId, request.body));
    },
  );

  app.delete(
    '/v1/orgs/:orgId/routes/:routeId',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Delete a route (write scope)',
        description:
          'Routers stop routing to it at their next configuration reload (within ROUTER_CONFIG_POLL_INTERVAL_MS), and its DevAddr ranges, EUI pairs and session-key filters are released (another route may take them). Its record (GET /v1/orgs/{orgId}/deleted-routes/{routeId}), stats, packets and EUI pairs stay readable; deleting it again is 410 routes.deleted.',
        security,
        params: RouteParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const caller = await authorizeOrg(request, deps, request.params.orgId, 'write');
      await removeRoute(deps, caller, request.params.orgId, request.params.routeId);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/v1/admin/orgs/:orgId/routes/:routeId',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Lock or unlock a route (admin): a locked route gets no traffic and its org cannot change it',
        security,
        params: RouteParams,
        body: Type.Object({ locked: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Type.Ref('Route'), ...errors(400, 401, 404, 410) },
      },
    },
    async (request) => {
      requireAdmin(request, deps.adminKeys);
      return view(await setRouteLocked(deps, request.params.orgId, request.params.routeId, request.body.locked));
    },
  );

  app.get(
    '/v1/orgs/:orgId/routes/:routeId/eui-pairs',
    {
      schema: {
        tags: ['device makers'],
        summary: "A route's JoinEUI/DevEUI pairs, in EUI order (keyset paginated)",
        description: 'Of a deleted route, the pairs it had when deleted (released since: another route may take those joins now).',
        security,
        params: RouteParams,
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }) }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Object({ joinEui: Type.String(), devEui: Type.String() })), cursor: Type.Union([Type.String(), Type.Null()]), deletedAt: DeletedAt }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      const { deletedAt } = await historyOrgRoute(deps.db, request.params.orgId, request.params.routeId);
      const { limit } = request.query;
      const after = decodeCursor(request.query.cursor, (v): v is { j: string; d: string } => isEuiHex((v as { j?: unknown })?.j) && isEuiHex((v as { d?: unknown })?.d));
      const list = deletedAt === null ? listEuiPairs : listDeletedEuiPairs;
      const rows = await list(deps.db, request.params.routeId, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        data: page.map((p) => ({ joinEui: p.joinEui, devEui: p.devEui })),
        cursor: rows.length > limit && last ? encodeCursor({ j: last.joinEui, d: last.devEui }) : null,
        deletedAt: deletedAt?.toISOString() ?? null,
      };
    },
  );

  app.post(
    '/v1/orgs/:orgId/routes/:routeId/eui-pairs',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Add and remove JoinEUI/DevEUI pairs of a route (write scope)',
        security,
        params: RouteParams,
        body: Type.Object(
          { add: Type.Array(EuiPair, { maxItems: EUI_MAX_PER_REQUEST, default: [] }), remove: Type.Array(EuiPair, { maxItems: EUI_MAX_PER_REQUEST, default: [] }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const caller = await authorizeOrg(request, deps, request.params.orgId, 'write');
      await changeEuiPairs(deps, caller, request.params.orgId, request.params.routeId, request.body.add, request.body.remove);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/orgs/:orgId/routes/:routeId/skfs',
    {
      schema: {
        tags: ['device makers'],
        summary: "A route's session-key filters (keys shown by their last 4 hex), in DevAddr order (keyset paginated)",
        description: 'A deleted route\'s filters are not kept (they hold session keys): 410 routes.deleted; its record has how many it had (skfCount).',
        security,
        params: RouteParams,
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }) }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Object({ devAddr: Type.String(), sessionKeyHint: Type.String(), maxCopies: Type.Integer() })),
            cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401, 403, 404, 410),
        },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      await liveOrgRoute(deps.db, request.params.orgId, request.params.routeId);
      const { limit } = request.query;
      const after = decodeCursor(request.query.cursor, (v): v is { a: number; k: string } => isDevAddrNumber((v as { a?: unknown })?.a) && isDigestHex((v as { k?: unknown })?.k));
      const rows = await listSkfs(deps.db, request.params.routeId, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { data: page.map(toSkfView), cursor: rows.length > limit && last ? encodeCursor({ a: last.devAddr, k: sessionKeyDigest(last.sessionKey) }) : null };
    },
  );

  app.post(
    '/v1/orgs/:orgId/routes/:routeId/skfs',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Add and remove session-key filters of a route (write scope, at most 100 each)',
        description:
          'Among routes covering a DevAddr, an uplink goes to the routes whose filter key (NwkSKey) validates its MIC, and to routes with no filter for that DevAddr. maxCopies 0 means the route\'s value.',
        security,
        params: RouteParams,
        body: Type.Object(
          {
            add: Type.Array(Type.Object({ devAddr: DevAddrHex, sessionKey: SessionKey, maxCopies: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, { additionalProperties: false }), {
              maxItems: SKF_MAX_PER_REQUEST,
              default: [],
            }),
            remove: Type.Array(Type.Object({ devAddr: DevAddrHex, sessionKey: SessionKey }, { additionalProperties: false }), { maxItems: SKF_MAX_PER_REQUEST, default: [] }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409, 410, 422) },
      },
    },
    async (request, reply) => {
      const caller = await authorizeOrg(request, deps, request.params.orgId, 'write');
      await changeSkfs(deps, caller, request.params.orgId, request.params.routeId, request.body.add, request.body.remove);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/orgs/:orgId/routes/:routeId/stats',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Route stats per UTC day: packets forwarded, copies bought, DC burned, drops by reason',
        description:
          'Drop reasons: insufficient_dc (the balance could not pay), route_inactive, route_locked, copy_over_max (copies heard beyond max_copies, counted per copy), endpoint_error (the endpoint refused or did not answer a paid packet), endpoint_backoff (not bought: the endpoint had failed several times in a row, so the route was backed off for a while, 1 s doubling up to a minute by default, to save its DC), session_key_mismatch (packets of a DevAddr the route has session-key filters for, none of which validated the MIC: a stale filter after a rejoin; these packets are not in the route\'s packet log).',
        security,
        params: RouteParams,
        querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 90, default: 7 }) }),
        response: {
          200: Type.Object({
            routeId: Type.String(),
            deletedAt: DeletedAt,
            from: Type.String(),
            to: Type.String(),
            totals: Type.Object({ packets: Type.Integer(), copies: Type.Integer(), dc: Type.Integer(), drops: Type.Record(Type.String(), Type.Integer()) }),
            days: Type.Array(
              Type.Object({ day: Type.String(), packets: Type.Integer(), copies: Type.Integer(), dc: Type.Integer(), drops: Type.Record(Type.String(), Type.Integer()) }),
            ),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      const { deletedAt } = await historyOrgRoute(deps.db, request.params.orgId, request.params.routeId);
      return { routeId: request.params.routeId, deletedAt: deletedAt?.toISOString() ?? null, ...(await routeStats(deps, request.params.routeId, request.query.days)) };
    },
  );

  app.get(
    '/v1/orgs/:orgId/routes/:routeId/packets',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Recent packets of a route, newest first (keyset paginated), optionally of one device or one outcome',
        security,
        params: RouteParams,
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          devAddr: Type.Optional(DevAddrHex),
          devEui: Type.Optional(Eui),
          status: Type.Optional({ ...PacketStatus, description: '"forwarded" or a drop reason' }),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('RoutedPacket')), cursor: Type.Union([Type.String(), Type.Null()]), deletedAt: DeletedAt }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      const { deletedAt } = await historyOrgRoute(deps.db, request.params.orgId, request.params.routeId);
      const before = decodeCursor(request.query.cursor, (v): v is { t: number; i: number } => Number.isInteger((v as { t?: unknown })?.t) && Number.isInteger((v as { i?: unknown })?.i));
      const { devAddr, devEui, status } = request.query;
      const filter = { devAddr: devAddr?.toLowerCase(), devEui: devEui?.toLowerCase(), status };
      const rows = await listRoutedPackets(deps.db, request.params.routeId, before, request.query.limit + 1, filter);
      const page = rows.slice(0, request.query.limit);
      const last = page[page.length - 1];
      return {
        data: page.map(toRoutedPacketView),
        cursor: rows.length > request.query.limit && last ? encodeCursor({ t: last.receivedAtMs, i: last.id }) : null,
        deletedAt: deletedAt?.toISOString() ?? null,
      };
    },
  );

  app.get(
    '/v1/orgs/:orgId/routes/:routeId/packets/:packetId',
    {
      schema: {
        tags: ['device makers'],
        summary: 'One packet of a route with the copies bought of it: which hotspots heard it, how strongly, on which channel',
        description:
          'packetId is the packet\'s `id` (in the packet list, the stream and the webhook message). `copies`, strongest first, are the copies the route bought (none when it bought none); the packet log keeps packets for its retention, after which this is 404 `packets.not_found`.',
        security,
        params: Type.Object({ orgId: Type.String({ format: 'uuid' }), routeId: Type.String({ format: 'uuid' }), packetId: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
        response: {
          200: Type.Object({ packet: Type.Ref('RoutedPacket'), copies: Type.Array(Type.Ref('PacketCopy')), deletedAt: DeletedAt }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { orgId, routeId, packetId } = request.params;
      await authorizeOrg(request, deps, orgId, 'read');
      const { deletedAt } = await historyOrgRoute(deps.db, orgId, routeId);
      const packet = await findRoutedPacket(deps.db, routeId, packetId);
      if (!packet) throw new AppError('packets.not_found', `route ${routeId} has no packet ${packetId} in its packet log`);
      // Copies are heard (and bought) within the packet's dedup window; a second's slack covers routers' clocks.
      const copies = packet.copiesBought === 0 ? [] : await listPacketCopies(deps.db, { routeId, packetHashHex: packetId, fromMs: packet.receivedAtMs - 1000, toMs: packet.receivedAtMs + deps.dedupWindowMs + 1000 });
      return { packet: toRoutedPacketView(packet), copies: copies.map(toPacketCopyView), deletedAt: deletedAt?.toISOString() ?? null };
    },
  );
}