/**
 * Router throughput and latency on loopback: GWMP PUSH_DATA datagrams from 50 simulated gateways
 * (2 copies per uplink) go through decode, dedup window, route lookup, copy purchase, the durable
 * DC burn batch and forwarding to a device maker's LNS (GWMP over UDP, and HTTP webhook), against
 * a fresh PostgreSQL database. Beside it, in the same run, a bare UDP socket's receive rate for the
 * same datagrams. Load generator and LNS run in a worker thread, the router in this one.
 *
 * Reported: uplinks/s end to end (aim >= 20k/s) and, at a steady rate well below saturation, the
 * latency the router adds beyond the dedup window, p50/p99 (aim p99 < 5 ms): for packets bought
 * as soon as max_copies copies are heard, and for packets heard by fewer hotspots than max_copies,
 * bought ROUTER_PURCHASE_LEAD_MS before the close (default 50 ms). Either way the burn commits while
 * the window is open. And what a copy heard after that lead costs (a later purchase): router and
 * PostgreSQL CPU per uplink when every packet's second copy comes 170 ms after its first, against
 * the run with both copies together.
 *
 * Then the same throughput and 2,000/s runs through a second router configured as one of several
 * (REDIS_URL, ROUTER_MULTIBUY=shared): each purchase first claims its copies on the multi-buy
 * counter in Redis. Its cost per uplink (router, Redis) and its latency, against the first router's.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { startNode } from '@cov/app/compose';
import { loadConfig } from '@cov/shared/config/config';
import { connectDatabase } from '@cov/shared/db/client';
import { applyMigrations } from '@cov/shared/db/migrate';
import { createLogger } from '@cov/shared/logger';
import type { RouterServiceModule } from '@cov/router/service';
import { measureJsPath } from '@cov/router/testing/js-path-probe';
import { procStatCpuMs } from '@cov/shared/runtime/proc-cpu';
import { request, startLoadWorker, type RunResult, type SetupResult } from '@cov/router/testing/load-worker';
import type { BenchResult, BenchSuite } from '../bench-suite';
import { createBenchDatabase } from '../bench-database';
import { cpuSpentMs, postgresCpuMs } from '../postgres-cpu';
import { quiescePostgres } from '../postgres-quiesce';

const GATEWAYS = 50;
const COPIES = 2;
const WINDOW_MS = 200;
const PURCHASE_LEAD_MS = 50;
const ORG_ID = '00000000-0000-4000-8000-0000000000a1';
const GWMP_ROUTE = '00000000-0000-4000-8000-0000000000b1';
const HTTP_ROUTE = '00000000-0000-4000-8000-0000000000b2';
const GWMP_FEWER_ROUTE = '00000000-0000-4000-8000-0000000000b3';
// Three DevAddr ranges of the org's block: one routed to the GWMP LNS, one to the HTTP LNS, and one
// to the GWMP LNS again by a route that may buy more copies than the gateways hear, so its purchases
// wait for the purchase lead before the close (the router buys as soon as it holds max_copies copies otherwise).
const GWMP_ADDRS = [0xfc014c00, 0xfc014c01, 0xfc014c02, 0xfc014c03];
const HTTP_ADDRS = [0xfc014c04, 0xfc014c05, 0xfc014c06, 0xfc014c07];
const GWMP_FEWER_ADDRS = [0xfc014c08, 0xfc014c09, 0xfc014c0a, 0xfc014c0b];

const mainThreadCpuMs = (which: 'user' | 'system' | 'both' = 'both') => procStatCpuMs(`/proc/${process.pid}/task/${process.pid}/stat`, which);

/** CPU seconds the Redis server has used (INFO cpu), main thread and others. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function rawUdpRate(worker: ReturnType<typeof startLoadWorker>, datagrams: number): Promise<number> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  let n = 0;
  let first = 0;
  let last = 0;
  socket.on('message', () => {
    const t = performance.now();
    if (n === 0) first = t;
    last = t;
    n++;
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  await request(worker, { cmd: 'raw', port: (socket.address() as AddressInfo).port, datagrams });
  await new Promise((r) => setTimeout(r, 200));
  socket.close();
  return n / ((last - first) / 1000);
}

export const suite: BenchSuite = {
  name: 'router',
  description: 'GWMP uplinks through decode, dedup, route, DC burn and forward, vs raw UDP receive',
  async run(ctx) {
    const config = loadConfig();
    const throughputPackets = Math.max(5000, Math.round(100_000 * ctx.scale));
    const httpPackets = Math.max(2000, Math.round(30_000 * ctx.scale));
    const latencySeconds = Math.max(3, Math.round(10 * ctx.scale));
    const jsPath = await measureJsPath(Math.max(20_000, Math.round(100_000 * ctx.scale)));
    ctx.log(`JS path without sockets or database: ${jsPath.pathUs.toFixed(1)} us CPU per uplink (JSON.parse of its datagrams: ${jsPath.jsonParseUs.toFixed(1)} us)`);
    const benchDb = await createBenchDatabase('router');
    const { name: dbName, admin } = benchDb;
    const url = benchDb.url;
    const worker = startLoadWorker();
    try {
      const euis = Array.from({ length: GATEWAYS }, (_, i) => `b0000000000000${i.toString(16).padStart(2, '0')}`);
      const setup: SetupResult = await request(worker, { cmd: 'setup', gatewayEuis: euis });
      const db = connectDatabase(url, { maxConnections: 2 });
      await applyMigrations(db.db);
      await db.sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000001', 'bench', now())`;
      for (const [i, eui] of euis.entries()) {
        const key = Buffer.alloc(33, i + 1);
        await db.sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, region, onboarded_at)
          values (${`bench-hotspot-${i}`}, ${key}, 'bench-owner', '00000000-0000-0000-0000-000000000001', 'data_only', ${eui.toUpperCase()}, 'EU868', now())`;
      }
      await db.sql`insert into orgs (id, name, net_id, dc_balance, created_at) values (${ORG_ID}, 'bench org', 'C00053', 1000000000000, now())`;
      await db.sql`insert into devaddr_blocks (org_id, net_id, start_addr, end_addr, allocated_at) values (${ORG_ID}, 'C00053', ${0xfc014c00}, ${0xfc014c0f}, now())`;
      await db.sql`insert into routes (id, org_id, endpoint, max_copies, created_at, updated_at) values
        (${GWMP_ROUTE}, ${ORG_ID}, ${JSON.stringify({ protocol: 'gwmp', host: '127.0.0.1', port: setup.gwmpPort })}::jsonb, ${COPIES}, now(), now()),
        (${HTTP_ROUTE}, ${ORG_ID}, ${JSON.stringify({ protocol: 'http', url: setup.httpUrl })}::jsonb, ${COPIES}, now(), now()),
        (${GWMP_FEWER_ROUTE}, ${ORG_ID}, ${JSON.stringify({ protocol: 'gwmp', host: '127.0.0.1', port: setup.gwmpPort })}::jsonb, ${COPIES + 1}, now(), now())`;
      await db.sql`insert into route_devaddr_ranges (route_id, start_addr, end_addr) values
        (${GWMP_ROUTE}, ${GWMP_ADDRS[0]!}, ${GWMP_ADDRS[3]!}), (${HTTP_ROUTE}, ${HTTP_ADDRS[0]!}, ${HTTP_ADDRS[3]!}),
        (${GWMP_FEWER_ROUTE}, ${GWMP_FEWER_ADDRS[0]!}, ${GWMP_FEWER_ADDRS[3]!})`;
      await db.sql`insert into routing_config_version (id, version) values (1, 1)`;
      await db.close();

      const rawRate = await rawUdpRate(worker, Math.max(50_000, throughputPackets * COPIES));
      ctx.log(`raw UDP receive: ${Math.round(rawRate)} datagrams/s`);

      const { node, router } = await startBenchRouter(url);
      const quiesceDb = connectDatabase(url, { maxConnections: 1 });
      try {
        await request(worker, { cmd: 'target', routerPort: router.gwmpPort });
        let fCnt = 0;
        const run = async (mode: 'throughput' | 'latency', devAddrs: number[], packets: number, ratePerS?: number, lastCopyDelayMs?: number): Promise<RunResult> => {
          const r = await request<RunResult>(worker, {
            cmd: 'run',
            mode,
            packets,
            copies: COPIES,
            maxInFlightDatagrams: 4000,
            firstFCnt: fCnt,
            devAddrs,
            ...(ratePerS ? { ratePerS } : {}),
            ...(lastCopyDelayMs !== undefined ? { lastCopyDelayMs } : {}),
          });
          fCnt += packets;
          return r;
        };
        // Warm-up: JIT, connections, gateway lookups.
        await run('throughput', GWMP_ADDRS, 2000);
        await router.drain();

        const cpuBefore = { router: mainThreadCpuMs(), routerSystem: mainThreadCpuMs('system'), pg: await postgresCpuMs(admin, dbName) };
        const kernelDropsBefore = router.gwmpKernelDrops() ?? 0;
        const gwmp = await run('throughput', GWMP_ADDRS, throughputPackets);
        const gwmpRate = gwmp.received / ((gwmp.lastReceiveMs - gwmp.firstSendMs - WINDOW_MS) / 1000);
        // The sender's window keeps the router's socket from overflowing; should it not, the rate above counts fewer copies.
        const kernelDrops = (router.gwmpKernelDrops() ?? 0) - kernelDropsBefore;
        ctx.log(`GWMP forwarding: ${gwmp.received}/${gwmp.sent} uplinks, ${Math.round(gwmpRate)}/s (datagrams the kernel dropped at the router's socket: ${kernelDrops})`);
        await router.drain(); // the burn journal settled: its PostgreSQL time belongs to these uplinks
        const routerCpuUs = cpuBefore.router === undefined ? NaN : (((mainThreadCpuMs() ?? NaN) - cpuBefore.router) * 1000) / gwmp.received;
        const routerSystemCpuUs = (((mainThreadCpuMs('system') ?? NaN) - (cpuBefore.routerSystem ?? NaN)) * 1000) / gwmp.received;
        const pgCpuUs = (cpuSpentMs(cpuBefore.pg, await postgresCpuMs(admin, dbName)) * 1000) / gwmp.received;
        const loadCpuUs = gwmp.cpuMs === undefined ? NaN : (gwmp.cpuMs * 1000) / gwmp.received;
        ctx.log(
          `CPU per uplink during the GWMP run: router main thread ${routerCpuUs.toFixed(1)} us (${routerSystemCpuUs.toFixed(1)} us of it in the kernel: UDP sends and receives), ` +
            `PostgreSQL ${pgCpuUs.toFixed(1)} us, load generator and LNS (the benchmark's worker thread) ${loadCpuUs.toFixed(1)} us`,
        );
        const burnFlushes = async () => {
          const flushes = await node.ctx.metrics.getSingleMetric('cov_router_burn_flush_seconds')?.get();
          const sum = flushes?.values.find((v) => (v as { metricName?: string }).metricName === 'cov_router_burn_flush_seconds_sum')?.value ?? 0;
          const count = flushes?.values.find((v) => (v as { metricName?: string }).metricName === 'cov_router_burn_flush_seconds_count')?.value ?? 0;
          return { sum, count };
        };
        /** The router's own histogram of the delay it adds: packets within 2 ms and 5 ms so far, and all. */
        const addedDelays = async () => {
          const h = await node.ctx.metrics.getSingleMetric('cov_router_added_delay_seconds')?.get();
          const bucket = (le: number) => h?.values.find((v) => (v as { metricName?: string }).metricName === 'cov_router_added_delay_seconds_bucket' && v.labels.le === le)?.value ?? 0;
          const count = h?.values.find((v) => (v as { metricName?: string }).metricName === 'cov_router_added_delay_seconds_count')?.value ?? 0;
          return { within2Ms: bucket(0.002), within5Ms: bucket(0.005), count };
        };
        const flushesSoFar = await burnFlushes();
        ctx.log(`burn batches so far: ${flushesSoFar.count}, mean ${((flushesSoFar.sum / Math.max(1, flushesSoFar.count)) * 1000).toFixed(1)} ms each`);
        await router.drain();

        const httpRun = await run('throughput', HTTP_ADDRS, httpPackets);
        const httpRate = httpRun.received / ((httpRun.lastReceiveMs - httpRun.firstSendMs - WINDOW_MS) / 1000);
        ctx.log(`HTTP forwarding: ${httpRun.received}/${httpRun.sent} uplinks, ${Math.round(httpRate)}/s`);
        await router.drain();

        const quiesce = () => quiescePostgres(quiesceDb.sql, admin, dbName);
        /** Router main-thread and PostgreSQL CPU per uplink since `since`, once the journal is settled. */
        const cpuMark = async () => ({ router: mainThreadCpuMs() ?? NaN, pg: await postgresCpuMs(admin, dbName) });
        const cpuSince = async (since: Awaited<ReturnType<typeof cpuMark>>, uplinks: number) => {
          await router.drain();
          const now = await cpuMark();
          return { routerUs: ((now.router - since.router) * 1000) / uplinks, pgUs: (cpuSpentMs(since.pg, now.pg) * 1000) / uplinks };
        };
        const steadyRate = 2000;
        // The throughput runs' dead journal rows and new log rows are vacuumed now, not by
        // autovacuum in the middle of the latency runs (which would measure that cleanup).
        const quiet = await quiesce();
        ctx.log(`before the latency runs: vacuum ${Math.round(quiet.vacuumMs)} ms, waited ${Math.round(quiet.waitedMs)} ms for autovacuum`);
        const flushesBefore = await burnFlushes();
        const delaysBefore = await addedDelays();
        const latCpu = await cpuMark();
        const lat = await run('latency', GWMP_ADDRS, steadyRate * latencySeconds, steadyRate);
        const flushesAfter = await burnFlushes();
        const delaysAfter = await addedDelays();
        const latCost = await cpuSince(latCpu, lat.received);
        const delayed = delaysAfter.count - delaysBefore.count;
        const overShare = (within: 'within2Ms' | 'within5Ms') => (100 * (delayed - (delaysAfter[within] - delaysBefore[within]))) / Math.max(1, delayed);
        const latencyBatches = flushesAfter.count - flushesBefore.count;
        ctx.log(`burn batches during the ${steadyRate}/s run: ${latencyBatches}, mean ${(((flushesAfter.sum - flushesBefore.sum) / Math.max(1, latencyBatches)) * 1000).toFixed(2)} ms each`);
        const added = lat.latenciesMs.map((l) => l - WINDOW_MS).sort((a, b) => a - b);
        const p50 = percentile(added, 50);
        const p99 = percentile(added, 99);
        ctx.log(`latency beyond the ${WINDOW_MS} ms window at ${steadyRate}/s: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (${lat.received}/${lat.sent})`);
        ctx.log(
          `  the router's own histogram (window end to datagram sent, its clock): ${overShare('within5Ms').toFixed(2)} % of ${delayed} packets over 5 ms, ` +
            `${overShare('within2Ms').toFixed(1)} % over 2 ms (the rest of the end-to-end figure is the kernel and the load worker)`,
        );
        const fewer = await run('latency', GWMP_FEWER_ADDRS, steadyRate * latencySeconds, steadyRate);
        const fewerAdded = fewer.latenciesMs.map((l) => l - WINDOW_MS).sort((a, b) => a - b);
        ctx.log(
          `  fewer copies heard than max_copies (${COPIES} of ${COPIES + 1}), bought ahead of the close by the purchase lead: ` +
            `p50 ${percentile(fewerAdded, 50).toFixed(2)} ms, p99 ${percentile(fewerAdded, 99).toFixed(2)} ms (${fewer.received}/${fewer.sent})`,
        );
        // Each packet's second copy 20 ms after the purchase lead: every packet is bought in two purchases
        // (what a copy from a hotspot with a slow backhaul costs), against the run above with both copies together.
        const spreadCpu = await cpuMark();
        const spread = await run('latency', GWMP_ADDRS, steadyRate * latencySeconds, steadyRate, WINDOW_MS - PURCHASE_LEAD_MS + 20);
        const spreadCost = await cpuSince(spreadCpu, spread.received);
        const spreadAdded = spread.latenciesMs.map((l) => l - WINDOW_MS).sort((a, b) => a - b);
        ctx.log(
          `  second copy ${WINDOW_MS - PURCHASE_LEAD_MS + 20} ms after the first (two purchases per packet): p50 ${percentile(spreadAdded, 50).toFixed(2)} ms, ` +
            `p99 ${percentile(spreadAdded, 99).toFixed(2)} ms (${spread.received}/${spread.sent}); CPU per uplink router ${spreadCost.routerUs.toFixed(1)} us, ` +
            `PostgreSQL ${spreadCost.pgUs.toFixed(1)} us, against ${latCost.routerUs.toFixed(1)} and ${latCost.pgUs.toFixed(1)} us with both copies together`,
        );
        const httpLat = await run('latency', HTTP_ADDRS, 1000 * latencySeconds, 1000);
        const httpAdded = httpLat.latenciesMs.map((l) => l - WINDOW_MS).sort((a, b) => a - b);

        // A router of several: every purchase claims its copies on the shared multi-buy counter first.
        const shared = await sharedCounterRuns(config.TEST_REDIS_URL, url, run, worker, Math.round(throughputPackets / 2), steadyRate * latencySeconds, steadyRate);
        ctx.log(
          `shared multi-buy counter (Redis): GWMP forwarding ${Math.round(shared.rate)}/s (${shared.received}/${shared.sent}); CPU per uplink router ${shared.routerUs.toFixed(1)} us, ` +
            `Redis ${shared.redisUs.toFixed(1)} us; at ${steadyRate}/s p50 ${shared.p50.toFixed(2)} ms, p99 ${shared.p99.toFixed(2)} ms; a claim's median at that rate: under ${shared.claimP50Ms.toFixed(1)} ms (histogram bucket)`,
        );

        const results: BenchResult[] = [
          {
            name: `uplinks routed, GWMP forwarding (${COPIES} copies each, ${GATEWAYS} gateways)`,
            value: gwmpRate,
            unit: 'uplinks/s',
            baselineName: 'raw UDP receive of the same datagrams',
            baselineValue: rawRate / COPIES,
            aim: '>= 20,000 uplinks/s',
            notes: `${gwmp.received}/${gwmp.sent} delivered; baseline in uplinks/s = datagrams/s / ${COPIES}`,
          },
          {
            name: 'router main-thread CPU per uplink, GWMP run (decode to forward, excluding PostgreSQL)',
            value: routerCpuUs,
            unit: 'us',
            notes: `${(1e6 / routerCpuUs).toFixed(0)} uplinks/s per fully used core`,
          },
          { name: 'PostgreSQL CPU per uplink, GWMP run (burn batches, journal settle, autovacuum)', value: pgCpuUs, unit: 'us' },
          {
            name: "the benchmark's own load generator and LNS, CPU per uplink, GWMP run (sharing the machine's cores with the router)",
            value: loadCpuUs,
            unit: 'us',
          },
          {
            name: 'router JavaScript path per uplink, no sockets or database (simulated 20,000/s, 2 copies)',
            value: jsPath.pathUs,
            unit: 'us CPU',
            baselineName: "JSON.parse of the uplink's two datagram bodies",
            baselineValue: jsPath.jsonParseUs,
            notes: 'parse, ack bytes, intake, dedup, route, purchase, burn parameters, LNS datagrams',
          },
          {
            name: `uplinks routed, HTTP webhook forwarding (${COPIES} copies each)`,
            value: httpRate,
            unit: 'uplinks/s',
            baselineName: 'raw UDP receive of the same datagrams',
            baselineValue: rawRate / COPIES,
            notes: `${httpRun.received}/${httpRun.sent} delivered`,
          },
          { name: `added latency p50 beyond the dedup window, GWMP, ${steadyRate}/s`, value: p50, unit: 'ms', aim: 'p99 < 5 ms' },
          { name: `added latency p99 beyond the dedup window, GWMP, ${steadyRate}/s`, value: p99, unit: 'ms', aim: '< 5 ms' },
          {
            name: `added latency p99 beyond the dedup window, GWMP, ${steadyRate}/s, fewer copies heard than max_copies (bought by the purchase lead)`,
            value: percentile(fewerAdded, 99),
            unit: 'ms',
            aim: '< 5 ms',
            notes: `p50 ${percentile(fewerAdded, 50).toFixed(2)} ms`,
          },
          {
            name: `router + PostgreSQL CPU per uplink, GWMP, ${steadyRate}/s, second copy after the purchase lead (two purchases per packet)`,
            value: spreadCost.routerUs + spreadCost.pgUs,
            unit: 'us',
            baselineName: 'the same with both copies together (one purchase)',
            baselineValue: latCost.routerUs + latCost.pgUs,
            notes: `router ${spreadCost.routerUs.toFixed(1)} / PostgreSQL ${spreadCost.pgUs.toFixed(1)} us against ${latCost.routerUs.toFixed(1)} / ${latCost.pgUs.toFixed(1)} us`,
          },
          {
            name: `packets the router itself delayed more than 5 ms beyond the window, GWMP, ${steadyRate}/s (its histogram)`,
            value: overShare('within5Ms'),
            unit: '%',
            aim: '< 1 % (p99 < 5 ms)',
          },
          { name: 'added latency p99 beyond the dedup window, HTTP webhook, 1000/s', value: percentile(httpAdded, 99), unit: 'ms', aim: '< 5 ms' },
          {
            name: 'uplinks routed, GWMP, by a router sharing a multi-buy counter in Redis (several routers)',
            value: shared.rate,
            unit: 'uplinks/s',
            baselineName: 'the router counting alone (run above)',
            baselineValue: gwmpRate,
            notes: `router ${shared.routerUs.toFixed(1)} us CPU per uplink (alone: ${routerCpuUs.toFixed(1)}), Redis ${shared.redisUs.toFixed(1)} us`,
          },
          {
            name: `added latency p99 beyond the dedup window, GWMP, ${steadyRate}/s, shared multi-buy counter`,
            value: shared.p99,
            unit: 'ms',
            baselineName: 'the router counting alone',
            baselineValue: p99,
            notes: `p50 ${shared.p50.toFixed(2)} ms; a claim's median under ${shared.claimP50Ms.toFixed(1)} ms`,
          },
        ];
        return results;
      } finally {
        await quiesceDb.close();
        await node.stop();
      }
    } finally {
      await worker.terminate();
      await benchDb.drop();
    }
  },
};

/**
 * A router-only node on the bench database. The per-hotspot rate limit is off: 50 gateways stand in
 * for the thousands of hotspots that would hand in 20,000 uplinks/s, so each sends hundreds a second.
 */
async function startBenchRouter(databaseUrl: string, extra: Record<string, string> = {}) {
  const node = await startNode(
    loadConfig({
      DATABASE_URL: databaseUrl,
      PORT: '0',
      GWMP_PORT: '0',
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: '4',
      DATA_DIR: '/tmp/cov-bench',
      ROUTER_DEDUP_WINDOW_MS: String(WINDOW_MS),
      ROUTER_PURCHASE_LEAD_MS: String(PURCHASE_LEAD_MS),
      ROUTER_GATEWAY_MAX_UPLINKS_PER_S: '0',
      ...extra,
    }),
    { services: ['router'], logger: createLogger({ LOG_LEVEL: 'warn' }) },
  );
  return { node, router: (node.modules.find((m) => m.name === 'router') as RouterServiceModule).router };
}

type Run = (mode: 'throughput' | 'latency', devAddrs: number[], packets: number, ratePerS?: number) => Promise<RunResult>;

/**
 * The throughput and steady-rate runs through a second router on the same database that claims
 * every purchase on the shared multi-buy counter in Redis (as one of several routers would).
 */
async function sharedCounterRuns(redisUrl: string, databaseUrl: string, run: Run, worker: ReturnType<typeof startLoadWorker>, packets: number, latencyPackets: number, ratePerS: number) {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  const { node, router } = await startBenchRouter(databaseUrl, { REDIS_URL: redisUrl, QUEUE_PREFIX: `covbench_${Date.now()}`, ROUTER_MULTIBUY: 'shared' });
  try {
    await request(worker, { cmd: 'target', routerPort: router.gwmpPort });
    await run('throughput', GWMP_ADDRS, 2000); // warm-up
    await router.drain();
    const before = { router: mainThreadCpuMs() ?? NaN, redis: await redisCpuMs(redis) };
    const gwmp = await run('throughput', GWMP_ADDRS, packets);
    await router.drain();
    const routerUs = (((mainThreadCpuMs() ?? NaN) - before.router) * 1000) / gwmp.received;
    const redisUs = (((await redisCpuMs(redis)) - before.redis) * 1000) / gwmp.received;
    /** The claim-time histogram's cumulative buckets (upper bound in s -> claims), and its count. */
    const claimHistogram = async () => {
      const values = (await node.ctx.metrics.getSingleMetric('cov_router_multibuy_claim_seconds')?.get())?.values ?? [];
      const named = (name: string) => values.filter((v) => (v as { metricName?: string }).metricName === name);
      return { buckets: named('cov_router_multibuy_claim_seconds_bucket').map((v) => ({ le: Number(v.labels.le), n: v.value })), count: named('cov_router_multibuy_claim_seconds_count')[0]?.value ?? 0 };
    };
    const claimsBefore = await claimHistogram();
    const lat = await run('latency', GWMP_ADDRS, latencyPackets, ratePerS);
    const added = lat.latenciesMs.map((l) => l - WINDOW_MS).sort((a, b) => a - b);
    // The median claim of the steady-rate run, to a bucket's precision: the first bucket holding half its claims.
    const claimsAfter = await claimHistogram();
    const claimsInRun = claimsAfter.count - claimsBefore.count;
    const median = claimsAfter.buckets.find((b, i) => b.n - (claimsBefore.buckets[i]?.n ?? 0) >= claimsInRun / 2)?.le;
    return {
      rate: gwmp.received / ((gwmp.lastReceiveMs - gwmp.firstSendMs - WINDOW_MS) / 1000),
      received: gwmp.received,
      sent: gwmp.sent,
      routerUs,
      redisUs,
      p50: percentile(added, 50),
      p99: percentile(added, 99),
      claimP50Ms: (median ?? NaN) * 1000,
    };
  } finally {
    await node.stop();
    await redis.quit();
  }
}
