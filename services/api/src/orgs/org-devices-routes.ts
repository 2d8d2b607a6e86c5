/**
 * GET /v1/orgs/:orgId/devices: the organisation's devices as its traffic shows them, most recently
 * heard first. What a device maker looks at when a device goes quiet or its packets stop arriving:
 * when it was last heard, its last FCnt, how many of its packets were forwarded and, for the last
 * one, what happened (forwarded or the drop reason). Sessions are keyed by DevAddr, joins by DevEUI
 * (the router holds no device registry: the LNS does).
 */
import { Type } from 'typebox';
import type postgres from 'postgres';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { requireOrg } from './create-org';
import { authorizeOrg } from './org-access';
import { deviceActivity, deviceKey, orgRouteIdsSince } from './org-devices-repository';
import type { OrgsDeps } from './orgs-deps';

const ErrorRef = Type.Ref('ErrorResponse');
const DEVICE_CSV_HEADER = ['kind', 'dev_addr', 'dev_eui', 'join_eui', 'packets', 'forwarded', 'copies_bought', 'dc', 'last_seen_at', 'last_fcnt', 'last_status'];
const HOUR_MS = 3_600_000;

const DeviceView = Type.Object({
  kind: Type.Union([Type.Literal('uplink'), Type.Literal('join')], { description: 'uplink: data frames of a session (keyed by DevAddr); join: join requests (keyed by DevEUI).' }),
  devAddr: Type.Union([Type.String(), Type.Null()]),
  devEui: Type.Union([Type.String(), Type.Null()]),
  joinEui: Type.Union([Type.String(), Type.Null()]),
  packets: Type.Integer({ description: 'Distinct packets heard in the span (one routed to two of the org’s routes counts once).' }),
  forwarded: Type.Integer({ description: 'Packets forwarded that the endpoint took (a refused one is endpoint_error, not counted here).' }),
  copiesBought: Type.Integer(),
  dc: Type.Integer(),
  lastSeenAt: Type.String({ format: 'date-time' }),
  lastFCnt: Type.Union([Type.Integer(), Type.Null()]),
  lastStatus: Type.String({ description: '"forwarded" or the drop reason of the last packet (insufficient_dc, endpoint_backoff, ...).' }),
});

export async function registerOrgDevicesRoutes(app: HttpServer, deps: OrgsDeps & { sql: postgres.ISql; packetLogRetentionMs: number }): Promise<void> {
  const maxHours = Math.max(1, Math.floor(deps.packetLogRetentionMs / HOUR_MS));
  app.get(
    '/v1/orgs/:orgId/devices',
    {
      schema: {
        tags: ['device makers'],
        summary: 'The organisation’s devices as its traffic shows them, most recently heard first',
        description: `Per DevAddr (uplinks) and per DevEUI (joins), over the last \`hours\` (at most the packet log's retention, ${maxHours} h here): packets, forwarded, copies bought, DC, and the last packet's time, FCnt and outcome. Keyset paginated.`,
        security: [{ apiKey: [] }],
        params: Type.Object({ orgId: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({
          hours: Type.Integer({ minimum: 1, maximum: maxHours, default: Math.min(24, maxHours) }),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          cursor: Type.Optional(Type.String({ maxLength: 400 })),
          format: csvFormatParam('paged', 'the devices of the page (kind, dev_addr, dev_eui, join_eui, packets, forwarded, copies_bought, dc, last_seen_at, last_fcnt, last_status): what a device maker bills its own customers by, page by page,'),
        }),
        response: { 200: Type.Object({ since: Type.String({ format: 'date-time' }), data: Type.Array(DeviceView), cursor: Type.Union([Type.String(), Type.Null()]) }), 400: ErrorRef, 401: ErrorRef, 403: ErrorRef, 404: ErrorRef },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params;
      await authorizeOrg(request, deps, orgId, 'read');
      await requireOrg(deps.db, orgId);
      const { hours, limit, cursor, format } = request.query;
      const sinceMs = deps.clock.nowMs() - hours * HOUR_MS;
      const after = decodeCursor(cursor, (v): v is { t: number; k: string } => Number.isFinite((v as { t?: unknown })?.t) && typeof (v as { k?: unknown })?.k === 'string');
      const routeIds = await orgRouteIdsSince(deps.sql, orgId, new Date(sinceMs).toISOString().slice(0, 10));
      const rows = await deviceActivity(deps.sql, routeIds, sinceMs, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const data = page.map(({ lastSeenMs, ...d }) => ({ ...d, lastSeenAt: new Date(lastSeenMs).toISOString() }));
      const next = rows.length > limit && last ? encodeCursor({ t: last.lastSeenMs, k: deviceKey(last) }) : null;
      if (format === 'csv') {
        const csvRows = data.map((d) => [d.kind, d.devAddr, d.devEui, d.joinEui, d.packets, d.forwarded, d.copiesBought, d.dc, d.lastSeenAt, d.lastFCnt, d.lastStatus]);
        return sendCsv(reply, toCsv(DEVICE_CSV_HEADER, csvRows), next);
      }
      return { since: new Date(sinceMs).toISOString(), data, cursor: next };
    },
  );
}
