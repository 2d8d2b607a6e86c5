/**
 * GET /v1/orgs/:orgId/hotspots: which hotspots carry the organisation's traffic, and whether they
 * are online. What a device maker asks when its devices go quiet ("are the hotspots that heard
 * them still up?"): per hotspot, the copies bought from it for the org over the last N UTC days
 * (optionally on one route), their DC, the last one's time, its region and location, and its
 * status as owners see it (online from beacons, witnesses or carried packets, so a data-only
 * hotspot is not shown offline).
 */
import { Type } from 'typebox';
import { HotspotNameField } from '../registry/hotspot-view';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import type postgres from 'postgres';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { CoverageSnapshots } from '../coverage/coverage-snapshot';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { HotspotStatus, hotspotStatuses } from '../registry/hotspot-status';
import { requireOrg } from './create-org';
import { authorizeOrg } from './org-access';
import { carriedByHotspot, carriedTotals, hotspotPlaces, type CarriedQuery } from './org-hotspots-repository';
import type { OrgsDeps } from './orgs-deps';
import { dayStartingDaysAgo } from './route-stats';
import { historyOrgRoute } from './route-lookup';

export interface OrgHotspotsDeps extends OrgsDeps {
  sql: postgres.ISql;
  coverage: CoverageSnapshots;
  onlineWindowMs: number;
}

const ErrorRef = Type.Ref('ErrorResponse');

const CarryingHotspot = Type.Object({
  address: Type.String(),
  name: HotspotNameField(),
  region: Type.Union([Type.String(), Type.Null()]),
  h3: Type.Union([Type.String(), Type.Null()], { description: 'Asserted location, H3 res-12 cell; null until asserted.' }),
  copies: Type.Integer({ description: 'Copies of the org’s packets bought from this hotspot over the range.' }),
  dc: Type.Integer(),
  lastCarriedAt: Type.String({ format: 'date-time', description: 'When it last carried a packet of the org (in the range).' }),
  status: HotspotStatus,
});

export async function registerOrgHotspotsRoutes(app: HttpServer, deps: OrgHotspotsDeps): Promise<void> {
  app.get(
    '/v1/orgs/:orgId/hotspots',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Hotspots that carried the organisation’s packets over the last N UTC days (most copies first), with their status',
        description:
          'Per hotspot: copies bought from it for the org, their DC, when it last carried one, where it is, and its status as its owner sees it (online if it beaconed, witnessed or carried any packet within two beacon intervals). `route` narrows to one route. Recorded about 0.2 s after the packets were heard. Keyset paginated; `totals` cover the whole range, not the page. CSV with format=csv (the page).',
        security: [{ apiKey: [] }],
        params: Type.Object({ orgId: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({
          days: Type.Integer({ minimum: 1, maximum: 90, default: 7, description: 'The last N UTC days, today included.' }),
          route: Type.Optional(Type.String({ format: 'uuid' })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          cursor: Type.Optional(Type.String({ maxLength: 400 })),
          format: csvFormatParam('paged'),
        }),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            totals: Type.Object({ hotspots: Type.Integer(), copies: Type.Integer(), dc: Type.Integer() }),
            data: Type.Array(CarryingHotspot),
            cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorRef,
          401: ErrorRef,
          403: ErrorRef,
          404: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params;
      await authorizeOrg(request, deps, orgId, 'read');
      await requireOrg(deps.db, orgId);
      const { days, route, limit, cursor, format } = request.query;
      // A deleted route's hotspots too: which hotspots carried it is part of its history.
      if (route !== undefined) await historyOrgRoute(deps.db, orgId, route);
      const nowMs = deps.clock.nowMs();
      const query: CarriedQuery = { orgId, fromDay: dayStartingDaysAgo(nowMs, days), toDay: new Date(nowMs).toISOString().slice(0, 10), ...(route ? { routeId: route } : {}) };
      const after = decodeCursor(cursor, (v): v is { c: number; a: string } => Number.isInteger((v as { c?: unknown })?.c) && typeof (v as { a?: unknown })?.a === 'string');
      // Sequential on purpose: the embedded database serves one query at a time per process anyway.
      const rows = await carriedByHotspot(deps.sql, query, after, limit + 1);
      const totals = await carriedTotals(deps.sql, query);
      const page = rows.slice(0, limit);
      const addresses = page.map((r) => r.address);
      const places = await hotspotPlaces(deps.sql, addresses);
      const statuses = await hotspotStatuses(deps.sql, addresses, await deps.coverage.get(), nowMs, deps.onlineWindowMs);
      const data = page.map((r) => ({
        address: r.address,
        name: hotspotName(r.address),
        region: places.get(r.address)?.region ?? null,
        h3: places.get(r.address)?.locationCell ?? null,
        copies: r.copies,
        dc: r.dc,
        lastCarriedAt: new Date(r.lastAtMs).toISOString(),
        status: statuses.get(r.address)!,
      }));
      const last = page[page.length - 1];
      const next = rows.length > limit && last ? encodeCursor({ c: last.copies, a: last.address }) : null;
      if (format === 'csv') {
        // name last, so the columns an export had before names were added keep their places.
        const header = ['address', 'region', 'h3', 'copies', 'dc', 'last_carried_at', 'online', 'last_packet_at', 'last_beacon_at', 'last_witness_at', 'name'];
        const csvRows = data.map((d) => [d.address, d.region, d.h3, d.copies, d.dc, d.lastCarriedAt, d.status.online, d.status.lastPacketAt, d.status.lastBeaconAt, d.status.lastWitnessAt, d.name]);
        if (next) void reply.header('x-next-cursor', next);
        return sendCsv(reply, toCsv(header, csvRows));
      }
      return { from: query.fromDay, to: query.toDay, totals, data, cursor: next };
    },
  );
}
