/**
 * A hotspot's activity feed for its owner: GET /v1/hotspots/:address/activity (everything that
 * happened to it, newest first, from the registry, the verifier's verdicts, the fraud flags and the
 * rewarder's payments) and .../activity/count (how many of each type). Helium's explorers had the
 * same tab; theirs timed out scanning unbounded history, so here every read is bounded by
 * min_time/max_time (at most 90 days) and a page size, and paged with a keyset cursor.
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { ApiDeps } from '../api-deps';
import { requireKnownHotspot } from '../http/address-params';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { parseTimeRange } from '../http/time-range';
import { POC_TIME_LIMITS } from '../pocs/poc-routes';
import { ACTIVITY_TYPES, cursorOf, isActivityCursor, mergePage, parseTypes, sourceAfter, TYPE_RANK, type ActivityKey } from './activity-page';
import { countActivity, listActivity } from './activity-repository';
import { ActivityCounts, activityCsvHeader, keyOf, toActivityCsvRow, toActivityItem } from './activity-views';

const ErrorRef = Type.Ref('ErrorResponse');
const TimeQuery = {
  min_time: Type.Optional(Type.String({ description: 'ISO 8601 or relative (e.g. -7 day); default max_time - 7 days; spans up to 90 days.' })),
  max_time: Type.Optional(Type.String({ description: 'ISO 8601, relative or now (default).' })),
};
const AddressParams = Type.Object({ address: Type.String({ maxLength: 128 }) });

export type ActivityDeps = Pick<ApiDeps, 'db' | 'clock'> & { epochLengthMs: number };

export async function registerActivityRoutes(app: HttpServer, deps: ActivityDeps): Promise<void> {
  app.get(
    '/v1/hotspots/:address/activity',
    {
      schema: {
        tags: ['hotspots'],
        summary: "A hotspot's activity: onboarding, location assertions, transfers, beacons, witnesses, fraud flags and payments in one list, newest first",
        description:
          'Events with a time in [min_time, max_time), newest first; at one millisecond, rewarded, flagged, witness, beacon, transferred, location_asserted, onboarded, then by id. Keyset-paginated: pass back `cursor` for the next page (null on the last); a page never repeats or skips an event, also where several share a millisecond.',
        params: AddressParams,
        querystring: Type.Object({
          ...TimeQuery,
          types: Type.Optional(
            Type.String({
              maxLength: 200,
              description: `Comma-separated event types to list (default all): ${ACTIVITY_TYPES.join(', ')}. An unknown type is a 400 request.invalid with details.field = "types".`,
            }),
          ),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          cursor: Type.Optional(Type.String({ maxLength: 512 })),
          format: csvFormatParam('paged', `one row per event (columns: ${activityCsvHeader.join(', ')}; each filled for the types that have the field, as the JSON names it),`),
        }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('ActivityItem')), cursor: Type.Union([Type.String(), Type.Null()]) }),
          400: ErrorRef,
          404: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      await requireKnownHotspot(deps.db, request.params.address);
      const range = parseTimeRange(q, deps.clock.nowMs(), POC_TIME_LIMITS);
      const types = parseTypes(q.types);
      const c = decodeCursor(q.cursor, isActivityCursor);
      const cursor: ActivityKey | undefined = c ? { timeMs: c.t, rank: c.r, id: c.i } : undefined;
      // One after another, not at once: a page's sources share the pool with every other request.
      const sources = [];
      for (const type of types) {
        const rows = await listActivity(deps.db, type, { hotspot: request.params.address, range, after: sourceAfter(cursor, TYPE_RANK[type]), limit: q.limit + 1 }, deps.epochLengthMs);
        sources.push(rows.map((row) => ({ key: keyOf(row), row })));
      }
      const { items, next } = mergePage(sources, q.limit);
      const data = items.map((i) => toActivityItem(i.row));
      const nextCursor = next ? encodeCursor(cursorOf(next)) : null;
      if (q.format === 'csv') return sendCsv(reply, toCsv(activityCsvHeader, data.map(toActivityCsvRow)), nextCursor);
      return { data, cursor: nextCursor };
    },
  );

  app.get(
    '/v1/hotspots/:address/activity/count',
    {
      schema: {
        tags: ['hotspots'],
        summary: "How many events of each type a hotspot's activity has in a time range",
        description: 'Counts the events GET /v1/hotspots/{address}/activity lists over the same range (all its pages).',
        params: AddressParams,
        querystring: Type.Object(TimeQuery),
        response: {
          200: Type.Object({
            minTime: Type.String({ format: 'date-time' }),
            maxTime: Type.String({ format: 'date-time', description: 'Exclusive.' }),
            counts: ActivityCounts,
            total: Type.Integer({ minimum: 0 }),
          }),
          400: ErrorRef,
          404: ErrorRef,
        },
      },
    },
    async (request) => {
      await requireKnownHotspot(deps.db, request.params.address);
      const range = parseTimeRange(request.query, deps.clock.nowMs(), POC_TIME_LIMITS);
      const counts = await countActivity(deps.db, request.params.address, range, deps.epochLengthMs);
      return {
        minTime: new Date(range.minMs).toISOString(),
        maxTime: new Date(range.maxMs).toISOString(),
        counts,
        total: Object.values(counts).reduce((a, b) => a + b, 0),
      };
    },
  );
}
