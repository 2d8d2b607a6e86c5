/**
 * Owners' earnings: per hotspot by epoch, day or week (beacon / witness / data split), summary
 * statistics, a whole fleet (paged, with fleet totals on every page), and the fleet's or a
 * country's hotspots together by epoch, day or week. CSV (`?format=csv`) carries exactly the JSON rows, so
 * its column sums equal the JSON totals to the last base unit. Past ranges never change and are
 * cached long.
 */
import { Type } from 'typebox';
import { HotspotNameField } from '../registry/hotspot-view';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { LRUCache } from 'lru-cache';
import type { FastifyReply } from 'fastify';
import type { ApiDeps } from '../api-deps';
import { requireKnownHotspot, requireValidAddress } from '../http/address-params';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { precompress, sendPrecompressed, type PrecompressedAnswer } from '../http/precompressed-answers';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { SharedBuilds } from '../http/shared-builds';
import { isFixedTimeRange, parseTimeRange, type TimeRange } from '../http/time-range';
import { dataTransferByBucket, type DataBucket } from './data-transfer-repository';
import { earningsByBucket, fleetEarnings, groupEarningsByBucket, groupSize, type Bucket, type HotspotGroup } from './earnings-repository';
import { countryCodeParam, requireCountryCode } from '../countries/country-code-param';
import { summarise } from './earnings-stats';

const DAY_MS = 86_400_000;
const LIMITS = { defaultSpanMs: 30 * DAY_MS, maxSpanMs: 366 * DAY_MS };
const ErrorRef = Type.Ref('ErrorResponse');
const Amount = Type.String({ description: 'token base units (integer)' });
const Split = { beacon: Amount, witness: Amount, data: Amount, total: Amount };
const TimeQuery = {
  min_time: Type.Optional(Type.String({ description: 'ISO 8601 or relative (-30 day); default max_time - 30 days; up to 366 days; epochs starting in [min_time, max_time)' })),
  max_time: Type.Optional(Type.String({ description: 'ISO 8601, relative or now (default)' })),
};
const BucketParam = Type.Union([Type.Literal('epoch'), Type.Literal('day'), Type.Literal('week')], {
  default: 'epoch',
  description:
    'epoch: one row per paid epoch; day: UTC days; week: ISO weeks, from Monday 00:00 UTC. An epoch counts whole in the bucket its start falls in (with an epoch length that does not divide a day, one may run past its bucket). Only paid epochs make rows: a bucket without one is left out, a paid epoch the hotspot earned nothing in counts as zero; epochs that ended before it was onboarded do not count.',
});
const FormatParam = csvFormatParam('whole');
const DATA_LIMITS = { defaultSpanMs: 7 * DAY_MS, maxSpanMs: 93 * DAY_MS };
const DataBucketParam = Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')], { default: 'day' });

/**
 * End of the last computed epoch, re-read at most every few seconds: every earnings answer needs
 * it for its Cache-Control, and a new epoch appears once a day.
 */
class ComputedUntil {
  private value = 0;
  private readAtMs = -Infinity;
  constructor(private readonly deps: ApiDeps) {}
  async get(): Promise<number> {
    if (performance.now() - this.readAtMs > 5_000) {
      const [row] = await this.deps.database.sql<{ end: string | null }[]>`select max(end_ms)::text as end from reward_epochs`;
      this.value = Number(row?.end ?? 0);
      this.readAtMs = performance.now();
    }
    return this.value;
  }
}

type TimeParams = { min_time?: string; max_time?: string };

/**
 * Immutable once every epoch the range could contain has been computed, and only when the URL names
 * the range by instants: `max_time=-1 day` names another range tomorrow, so its answer is never final.
 */
async function isImmutable(computed: ComputedUntil, query: TimeParams, range: TimeRange): Promise<boolean> {
  return isFixedTimeRange(query) && range.maxMs <= (await computed.get());
}

async function cacheFor(computed: ComputedUntil, reply: FastifyReply, query: TimeParams, range: TimeRange): Promise<void> {
  void reply.header('cache-control', (await isImmutable(computed, query, range)) ? 'public, max-age=86400, immutable' : 'public, max-age=60');
}

/**
 * Answers over fully computed epochs never change, and owners' apps ask for the same ones again and
 * again (every app open, every dashboard refresh), so they are kept as bytes with their gzip and
 * brotli forms and their ETag (`precompressed-answers.ts`), built once on the thread pool: a repeat
 * costs no serialising, hashing or compressing. Keyed by the whole request URL; bounded in
 * entries, bytes and age (a year of epochs is ~50 kB, so the entry bound alone would let a crawler
 * hold a gigabyte). Ranges that reach into an epoch not yet computed, or are named relative to
 * now, are never cached.
 */
export const IMMUTABLE_ANSWERS_MAX_BYTES = 64 * 1024 * 1024;
const IMMUTABLE_CACHE_CONTROL = 'public, max-age=86400, immutable';
export const createImmutableAnswers = () =>
  new LRUCache<string, PrecompressedAnswer>({
    max: 20_000,
    maxSize: IMMUTABLE_ANSWERS_MAX_BYTES,
    sizeCalculation: (answer, url) => answer.identity.length + answer.gzip.length + answer.br.length + url.length + 100,
    ttl: 3_600_000,
  });
const IMMUTABLE_ANSWERS = createImmutableAnswers();
/**
 * An answer not kept yet is built once however many requests for it arrive meanwhile (an app's
 * users opening the same view at once, or a load test's connections starting in step). Without
 * this, each of them queried and compressed it again: in the API benchmark, 16 connections asking
 * for the same 200 URLs in step built each answer up to 16 times, and those builds, not the cached
 * answers, were most of the suite's "cached rewards" CPU.
 */
const IMMUTABLE_BUILDS = new SharedBuilds<string, PrecompressedAnswer>();

/** The kept answer for this URL, built (once for concurrent callers) and kept when there is none. */
function keptAnswer(url: string, build: () => Promise<{ body: string; contentType: string }>): Promise<PrecompressedAnswer> {
  return IMMUTABLE_BUILDS.run(url, async () => {
    const { body, contentType } = await build();
    const answer = await precompress(Buffer.from(body), contentType);
    IMMUTABLE_ANSWERS.set(url, answer);
    return answer;
  });
}

const totalsOf = (rows: { beacon: bigint; witness: bigint; data: bigint; total: bigint }[]) => {
  const t = rows.reduce((s, r) => ({ beacon: s.beacon + r.beacon, witness: s.witness + r.witness, data: s.data + r.data, total: s.total + r.total }), { beacon: 0n, witness: 0n, data: 0n, total: 0n });
  return { beacon: t.beacon.toString(), witness: t.witness.toString(), data: t.data.toString(), total: t.total.toString() };
};

export async function registerEarningsRoutes(app: HttpServer, deps: ApiDeps): Promise<void> {
  const computed = new ComputedUntil(deps);
  app.get(
    '/v1/hotspots/:address/rewards',
    {
      schema: {
        tags: ['rewards'],
        summary: "A hotspot's rewards per epoch, day or week, with the beacon / witness / data split",
        params: Type.Object({ address: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({ ...TimeQuery, bucket: BucketParam, format: FormatParam }),
        response: {
          200: Type.Object({
            bucket: Type.String(),
            data: Type.Array(Type.Object({ start: Type.String({ format: 'date-time' }), epochs: Type.Integer(), ...Split })),
            totals: Type.Object(Split),
          }),
          400: ErrorRef,
          404: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      const range = parseTimeRange(request.query, deps.clock.nowMs(), LIMITS);
      const immutable = await isImmutable(computed, request.query, range);
      const hit = immutable ? IMMUTABLE_ANSWERS.get(request.url) : undefined;
      if (hit) return sendPrecompressed(request, reply, hit, IMMUTABLE_CACHE_CONTROL);
      const build = async () => {
        const [, rows] = await Promise.all([
          requireKnownHotspot(deps.db, request.params.address),
          earningsByBucket(deps.database.sql, request.params.address, range, request.query.bucket as Bucket),
        ]);
        const data = rows.map((r) => ({ start: new Date(r.startMs).toISOString(), epochs: r.epochs, beacon: r.beacon.toString(), witness: r.witness.toString(), data: r.data.toString(), total: r.total.toString() }));
        return request.query.format === 'csv'
          ? { body: toCsv(['start', 'epochs', 'beacon', 'witness', 'data', 'total'], data.map((d) => [d.start, d.epochs, d.beacon, d.witness, d.data, d.total])), contentType: 'text/csv; charset=utf-8' }
          : { body: JSON.stringify({ bucket: request.query.bucket, data, totals: totalsOf(rows) }), contentType: 'application/json; charset=utf-8' };
      };
      if (immutable) return sendPrecompressed(request, reply, await keptAnswer(request.url, build), IMMUTABLE_CACHE_CONTROL);
      const { body, contentType } = await build();
      return reply.header('cache-control', 'public, max-age=60').type(contentType).send(body);
    },
  );

  app.get(
    '/v1/hotspots/:address/data',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Device traffic a hotspot carried (copies bought from it, and their DC) per hour, day or week',
        description:
          'Each packet copy the router bought from the hotspot, with the data credits it was paid: data-transfer rewards are shared by DC. Recorded about 0.2 s after the packet was heard. Default range the last 7 days, at most 93.',
        params: Type.Object({ address: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({
          min_time: Type.Optional(Type.String({ description: 'ISO 8601 or relative (-7 day); default max_time - 7 days; up to 93 days' })),
          max_time: TimeQuery.max_time,
          bucket: DataBucketParam,
          format: FormatParam,
        }),
        response: {
          200: Type.Object({
            bucket: Type.String(),
            data: Type.Array(Type.Object({ start: Type.String({ format: 'date-time' }), packets: Type.Integer(), dc: Type.Integer() })),
            totals: Type.Object({ packets: Type.Integer(), dc: Type.Integer() }),
          }),
          400: ErrorRef,
          404: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      const range = parseTimeRange(request.query, deps.clock.nowMs(), DATA_LIMITS);
      const [, rows] = await Promise.all([
        requireKnownHotspot(deps.db, request.params.address),
        dataTransferByBucket(deps.database.sql, request.params.address, range, request.query.bucket as DataBucket),
      ]);
      const data = rows.map((r) => ({ start: new Date(r.startMs).toISOString(), packets: r.packets, dc: r.dc }));
      void reply.header('cache-control', 'public, max-age=60');
      if (request.query.format === 'csv') return sendCsv(reply, toCsv(['start', 'packets', 'dc'], data.map((d) => [d.start, d.packets, d.dc])));
      const totals = rows.reduce((t, r) => ({ packets: t.packets + r.packets, dc: t.dc + r.dc }), { packets: 0, dc: 0 });
      return { bucket: request.query.bucket, data, totals };
    },
  );

  app.get(
    '/v1/hotspots/:address/rewards/sum',
    {
      schema: {
        tags: ['rewards'],
        summary: "Summary of a hotspot's rewards over a range: total, min, max, median, avg, stddev per bucket",
        params: Type.Object({ address: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({ ...TimeQuery, bucket: BucketParam }),
        response: {
          200: Type.Object({
            bucket: Type.String(),
            buckets: Type.Integer(),
            total: Amount,
            min: Amount,
            max: Amount,
            median: Amount,
            avg: Type.String(),
            stddev: Type.String(),
            split: Type.Object(Split),
          }),
          400: ErrorRef,
          404: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      const range = parseTimeRange(request.query, deps.clock.nowMs(), LIMITS);
      const [, rows] = await Promise.all([
        requireKnownHotspot(deps.db, request.params.address),
        earningsByBucket(deps.database.sql, request.params.address, range, request.query.bucket as Bucket),
      ]);
      await cacheFor(computed, reply, request.query, range);
      return { bucket: request.query.bucket, ...summarise(rows.map((r) => r.total)), split: totalsOf(rows) };
    },
  );

  app.get(
    '/v1/owners/:owner/rewards',
    {
      schema: {
        tags: ['rewards'],
        summary: "An owner's rewards per hotspot over a range (the whole fleet, paged; CSV in one file)",
        description:
          'Per hotspot of the owner, in address order, `limit` per page (follow `cursor`); `totals` and `hotspots` are always the whole fleet\'s. ' +
          'With `format=csv` the whole fleet comes in one file (an export), and `limit`/`cursor` are ignored.',
        params: Type.Object({ owner: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({
          ...TimeQuery,
          format: FormatParam,
          cursor: Type.Optional(Type.String({ maxLength: 512 })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Object({ address: Type.String(), name: HotspotNameField(), ...Split })),
            totals: Type.Object(Split),
            hotspots: Type.Integer({ description: 'How many hotspots the owner has (every page).' }),
            cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      requireValidAddress(request.params.owner, 'owner');
      const range = parseTimeRange(request.query, deps.clock.nowMs(), LIMITS);
      const after = decodeCursor(request.query.cursor, (v): v is { a: string } => typeof (v as { a?: unknown })?.a === 'string');
      // The fleet totals need every hotspot's sums anyway (one grouped query); a page only bounds
      // the answer, which for the largest fleets would otherwise be megabytes.
      const rows = await fleetEarnings(deps.database.sql, request.params.owner, range);
      await cacheFor(computed, reply, request.query, range);
      const toView = (r: (typeof rows)[number]) => ({ address: r.address, name: hotspotName(r.address), beacon: r.beacon.toString(), witness: r.witness.toString(), data: r.data.toString(), total: r.total.toString() });
      if (request.query.format === 'csv') {
        const all = rows.map(toView);
        // name last, so the columns an export had before names were added keep their places.
        return sendCsv(reply, toCsv(['address', 'beacon', 'witness', 'data', 'total', 'name'], all.map((d) => [d.address, d.beacon, d.witness, d.data, d.total, d.name])));
      }
      const rest = after === undefined ? rows : rows.filter((r) => r.address > after.a);
      const page = rest.slice(0, request.query.limit);
      const last = page.at(-1);
      return {
        data: page.map(toView),
        totals: totalsOf(rows),
        hotspots: rows.length,
        cursor: rest.length > page.length && last ? encodeCursor({ a: last.address }) : null,
      };
    },
  );

  /** A group's series: the same answer, CSV and caching for a fleet and a country. */
  const groupHistory = async (reply: FastifyReply, group: HotspotGroup, query: TimeParams & { bucket: string; format?: string }) => {
    const range = parseTimeRange(query, deps.clock.nowMs(), LIMITS);
    const [hotspots, rows] = await Promise.all([groupSize(deps.database.sql, group), groupEarningsByBucket(deps.database.sql, group, range, query.bucket as Bucket)]);
    // Never final: a transfer, a move or an onboarding changes which hotspots the group's past holds.
    void reply.header('cache-control', 'public, max-age=60');
    const data = rows.map((r) => ({
      start: new Date(r.startMs).toISOString(),
      epochs: r.epochs,
      hotspotsPaid: r.hotspotsPaid,
      beacon: r.beacon.toString(),
      witness: r.witness.toString(),
      data: r.data.toString(),
      total: r.total.toString(),
    }));
    if (query.format === 'csv') {
      return sendCsv(reply, toCsv(['start', 'epochs', 'hotspots_paid', 'beacon', 'witness', 'data', 'total'], data.map((d) => [d.start, d.epochs, d.hotspotsPaid, d.beacon, d.witness, d.data, d.total])));
    }
    return { bucket: query.bucket, hotspots, data, totals: totalsOf(rows) };
  };
  const groupHistoryAnswer = (hotspotsDescription: string) =>
    Type.Object({
      bucket: Type.String(),
      hotspots: Type.Integer({ description: hotspotsDescription }),
      data: Type.Array(Type.Object({ start: Type.String({ format: 'date-time' }), epochs: Type.Integer(), hotspotsPaid: Type.Integer(), ...Split })),
      totals: Type.Object(Split),
    });
  const groupHistoryRule =
    'Per bucket: the paid epochs in it, how many of the hotspots they paid more than zero (`hotspotsPaid`), and the amounts: the sum of those hotspots\' own `/rewards` over the same range and bucket. ' +
    'An epoch counts once one of the hotspots was onboarded before it ended, with zero when they earned nothing in it. Never cached as final: the set of hotspots changes.';

  app.get(
    '/v1/owners/:owner/rewards/history',
    {
      schema: {
        tags: ['rewards'],
        summary: "An owner's whole fleet's rewards per epoch, day or week, with the beacon / witness / data split",
        description:
          'The fleet is the hotspots the owner has now, as in `/v1/owners/{owner}/rewards`: a hotspot transferred in brings its history with it. ' +
          groupHistoryRule +
          ' An owner without hotspots has no rows.',
        params: Type.Object({ owner: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({ ...TimeQuery, bucket: BucketParam, format: FormatParam }),
        response: { 200: groupHistoryAnswer('How many hotspots the owner has now.'), 400: ErrorRef },
      },
    },
    async (request, reply) => {
      requireValidAddress(request.params.owner, 'owner');
      return groupHistory(reply, { owner: request.params.owner }, request.query);
    },
  );

  app.get(
    '/v1/countries/:code/rewards/history',
    {
      schema: {
        tags: ['rewards', 'coverage'],
        summary: "What a country's hotspots earned per epoch, day or week, with the beacon / witness / data split",
        description:
          "The country's hotspots are those located in it now (as `GET /v1/hotspots?country=` lists them): a hotspot that moved in brings its history with it. " +
          groupHistoryRule +
          ' A country without hotspots has no rows.',
        params: Type.Object({ code: countryCodeParam('The country:') }),
        querystring: Type.Object({ ...TimeQuery, bucket: BucketParam, format: FormatParam }),
        response: { 200: groupHistoryAnswer('How many hotspots are located in the country now.'), 400: ErrorRef, 404: ErrorRef },
      },
    },
    async (request, reply) => groupHistory(reply, { country: requireCountryCode(request.params.code) }, request.query),
  );
}
