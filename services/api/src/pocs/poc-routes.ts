/**
 * Owners' proof-of-coverage reads: GET /v1/hotspots/:address/pocs (its beacons with every witness,
 * or, with role=witness, its witness verdicts), .../witnesses (who hears it) and .../witnessed
 * (whom it hears). Bounded by min_time/max_time, keyset-paginated, CSV with ?format=csv.
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { ApiDeps } from '../api-deps';
import { requireKnownHotspot } from '../http/address-params';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { parseTimeRange } from '../http/time-range';
import { linkSummaries, listBeaconVerdicts, listWitnessVerdicts, witnessVerdictsOfBeacons, type PageAfter } from './pocs-repository';
import { LinkView, PocBeacon, PocWitness, toBeaconView, toLinkView, toWitnessView } from './poc-views';

const DAY_MS = 86_400_000;
export const POC_TIME_LIMITS = { defaultSpanMs: 7 * DAY_MS, maxSpanMs: 90 * DAY_MS };

const TimeQuery = {
  min_time: Type.Optional(Type.String({ description: 'ISO 8601 or relative (e.g. -7 day); default max_time - 7 days; spans up to 90 days.' })),
  max_time: Type.Optional(Type.String({ description: 'ISO 8601, relative or now (default).' })),
};
const ErrorRef = Type.Ref('ErrorResponse');
const isPageAfter = (v: unknown): v is { t: number; i: string } => typeof (v as { t?: unknown })?.t === 'number' && typeof (v as { i?: unknown })?.i === 'string';

export async function registerPocRoutes(app: HttpServer, deps: ApiDeps): Promise<void> {
  app.get(
    '/v1/hotspots/:address/pocs',
    {
      schema: {
        tags: ['hotspots'],
        summary: "A hotspot's proof-of-coverage: its beacons with every witness, or its witness verdicts (role=witness)",
        params: Type.Object({ address: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({
          ...TimeQuery,
          role: Type.Union([Type.Literal('beaconer'), Type.Literal('witness')], { default: 'beaconer' }),
          valid: Type.Optional(
            Type.Boolean({ description: "Only valid (true) or only invalid (false) verdicts: the hotspot's beacons, or with role=witness its witness reports; each beacon still lists all its witnesses. Both when absent." }),
          ),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          cursor: Type.Optional(Type.String({ maxLength: 512 })),
          format: csvFormatParam('paged', 'one row per witness of each beacon (a beacon without witnesses: one row), or per witness verdict with role=witness,'),
        }),
        response: {
          200: Type.Object({
            role: Type.String(),
            beacons: Type.Optional(Type.Array(Type.Ref('PocBeacon'))),
            witnesses: Type.Optional(Type.Array(Type.Ref('PocWitness'))),
            cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorRef,
          404: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      const { address } = request.params;
      const q = request.query;
      await requireKnownHotspot(deps.db, address);
      const range = parseTimeRange(q, deps.clock.nowMs(), POC_TIME_LIMITS);
      const c = decodeCursor(q.cursor, isPageAfter);
      const after: PageAfter | undefined = c ? { receivedAtMs: c.t, id: c.i } : undefined;
      let cursor: string | null = null;

      if (q.role === 'witness') {
        const rows = await listWitnessVerdicts(deps.db, address, range, after, q.limit + 1, q.valid);
        const page = rows.slice(0, q.limit);
        const last = page.at(-1);
        if (rows.length > q.limit && last) cursor = encodeCursor({ t: last.receivedAtMs, i: last.witnessId });
        const witnesses = page.map(toWitnessView);
        if (q.format === 'csv') return sendCsvWitnesses(reply, witnesses, cursor);
        return { role: q.role, witnesses, cursor };
      }

      const beacons = await listBeaconVerdicts(deps.db, address, range, after, q.limit + 1, q.valid);
      const page = beacons.slice(0, q.limit);
      const last = page.at(-1);
      if (beacons.length > q.limit && last) cursor = encodeCursor({ t: last.receivedAtMs, i: last.beaconId });
      const witnessRows = await witnessVerdictsOfBeacons(deps.db, page.map((b) => b.beaconId));
      const byBeacon = new Map<string, typeof witnessRows>();
      for (const w of witnessRows) {
        const list = byBeacon.get(w.beaconId);
        if (list) list.push(w);
        else byBeacon.set(w.beaconId, [w]);
      }
      const views = page.map((b) => toBeaconView(b, byBeacon.get(b.beaconId) ?? []));
      if (q.format === 'csv') {
        const rows = views.flatMap((b) =>
          (b.witnesses.length ? b.witnesses : [null]).map((w) => [
            b.beaconId, b.receivedAt, b.hotspot, b.valid, b.reason, w?.hotspot, w?.receivedAt, w?.valid, w?.reason, w?.selected, w?.rssiDbm, w?.snrDb, w?.distanceM, w ? w.details : b.details,
            b.hotspotName, w?.hotspotName,
          ]),
        );
        // The names last, so the columns an export had before names were added keep their places.
        const header = ['beacon_id', 'beacon_received_at', 'beaconer', 'beacon_valid', 'beacon_reason', 'witness', 'witness_received_at', 'witness_valid', 'witness_reason', 'selected', 'rssi_dbm', 'snr_db', 'distance_m', 'details', 'beaconer_name', 'witness_name'];
        return sendCsv(reply, toCsv(header, rows), cursor);
      }
      return { role: q.role, beacons: views, cursor };
    },
  );

  for (const [path, direction, summary] of [
    ['/v1/hotspots/:address/witnesses', 'heard_by', 'Who hears this hotspot: per witness hotspot, reports, validity, RSSI, SNR and distance'],
    ['/v1/hotspots/:address/witnessed', 'hears', 'Whom this hotspot hears: per beaconer, reports, validity, RSSI, SNR and distance'],
  ] as const) {
    app.get(
      path,
      {
        schema: {
          tags: ['hotspots'],
          summary,
          params: Type.Object({ address: Type.String({ maxLength: 128 }) }),
          querystring: Type.Object({ ...TimeQuery, limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }) }),
          response: { 200: Type.Object({ data: Type.Array(Type.Ref('PocLink')) }), 400: ErrorRef, 404: ErrorRef },
        },
      },
      async (request) => {
        await requireKnownHotspot(deps.db, request.params.address);
        const range = parseTimeRange(request.query, deps.clock.nowMs(), POC_TIME_LIMITS);
        return { data: (await linkSummaries(deps.db, request.params.address, direction, range, request.query.limit)).map(toLinkView) };
      },
    );
  }
}

export const pocSchemas = [PocWitness, PocBeacon, LinkView];

function sendCsvWitnesses(reply: import('fastify').FastifyReply, witnesses: ReturnType<typeof toWitnessView>[], cursor: string | null) {
  const header = ['witness_id', 'beacon_id', 'beaconer', 'received_at', 'valid', 'reason', 'selected', 'rssi_dbm', 'snr_db', 'distance_m', 'details', 'beaconer_name'];
  const rows = witnesses.map((w) => [w.witnessId, w.beaconId, w.beaconer, w.receivedAt, w.valid, w.reason, w.selected, w.rssiDbm, w.snrDb, w.distanceM, w.details, w.beaconerName]);
  return sendCsv(reply, toCsv(header, rows), cursor);
}
