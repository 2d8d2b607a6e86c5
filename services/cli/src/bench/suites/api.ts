/**
 * API read performance: the owners' rewards and activity endpoints and the analysts' coverage hexes,
 * vector tiles and countries, measured
 * with autocannon against a database holding a year of epochs of reward rows, beside a bare
 * Fastify route measured in the same run. Aims: rewards p99 < 20 ms; throughput >= 0.3 x bare.
 * Coverage is asked with `accept-encoding: gzip, br`, as browsers and map clients ask, and once
 * more without, so the uncompressed figure is on record too.
 *
 * Scale: --scale 1 means 400k hotspots x 365 epochs (146M reward rows, too much for a 2-core CI
 * box); the default run uses a fraction of the hotspots with the full year of epochs. A rewards
 * query touches one hotspot's rows through an index, so its cost depends on epochs per hotspot,
 * not on how many hotspots share the table.
 */
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { latLngToCell } from 'h3-js';
import { connectDatabase } from '@cov/shared/db/client';
import { applyMigrations } from '@cov/shared/db/migrate';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import type { BenchResult, BenchSuite } from '../bench-suite';
import { createBenchDatabase } from '../bench-database';
import { processCpuMs } from '@cov/shared/runtime/proc-cpu';
import { freePort, startProcess, stopProcess } from '../server-process';

const DAY = 86_400_000;
const EPOCHS = 365;
const SAMPLED = 200;

/**
 * autocannon 9 appends every response chunk to a JS string (`body += chunk` in
 * lib/pipelinedRequestsQueue.js) in case a run checks bodies; this suite checks none. Decoding
 * binary (compressed) bodies that way costs the load generator, on the same two cores, more than
 * the server spends answering: measured against one Fastify route sending fixed random bytes,
 * stock autocannon gets 2,590 req/s at 31 KB and 269 req/s at 213 KB, and 8,748 and 3,373 req/s
 * without the decoding. So during this suite (every run, the bare baseline included) response
 * bytes are counted but not decoded, and the patch is undone afterwards.
 */
async function withoutBodyDecoding<T>(run: () => Promise<T>): Promise<T> {
  const queue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as { prototype: { addBody(data: Buffer): void } };
  const addBody = queue.prototype.addBody;
  queue.prototype.addBody = () => {};
  try {
    return await run();
  } finally {
    queue.prototype.addBody = addBody;
  }
}

/**
 * One autocannon run against the server process `serverPid`. Besides the rates it reads the
 * server's CPU time (all its threads, from /proc) before and after: CPU per request hardly depends
 * on what else the machine runs, where requests per second move by tens of percent from run to
 * run on a shared host, so it is the figure to compare code by.
 */
async function cannon(serverPid: number | undefined, url: string, requests: { path: string }[] | undefined, headers: Record<string, string>, seconds: number) {
  const cpuBeforeMs = serverPid === undefined ? undefined : processCpuMs(serverPid);
  const result = await withoutBodyDecoding(() => autocannon({ url, connections: 16, duration: seconds, headers, ...(requests ? { requests: requests.map((r) => ({ method: 'GET' as const, path: r.path })) } : {}) }));
  const cpuAfterMs = serverPid === undefined ? undefined : processCpuMs(serverPid);
  const answered = result.requests.total;
  const serverCpuUsPerRequest = cpuBeforeMs === undefined || cpuAfterMs === undefined || answered === 0 ? undefined : ((cpuAfterMs - cpuBeforeMs) * 1000) / answered;
  return { rps: result.requests.average, p99: result.latency.p99, maxMs: result.latency.max, non2xx: result.non2xx, bytesPerAnswer: answered ? result.throughput.total / answered : 0, serverCpuUsPerRequest };
}

/** `, server 41.5 us CPU per request` (empty where /proc cannot be read). */
const cpuText = (r: { serverCpuUsPerRequest: number | undefined }) => (r.serverCpuUsPerRequest === undefined ? '' : `, server ${r.serverCpuUsPerRequest.toFixed(1)} us CPU per request`);

export const suite: BenchSuite = {
  name: 'api',
  description: 'rewards, coverage, activity, pending rewards and hotspot view endpoints (autocannon) vs a bare Fastify route',
  async run(ctx) {
    const hotspots = Math.max(2000, Math.round(400_000 * ctx.scale));
    const benchDb = await createBenchDatabase('api');
    const url = benchDb.url;
    const results: BenchResult[] = [];
    try {
      const setup = connectDatabase(url, { maxConnections: 2 });
      await applyMigrations(setup.db);
      const { sql } = setup;
      const nowMs = Date.UTC(2026, 10, 21);
      const firstEpoch = Math.floor(nowMs / DAY) - EPOCHS;
      ctx.log(`generating ${hotspots} hotspots x ${EPOCHS} epochs of rewards...`);
      const started = performance.now();
      await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-0000000000be', 'bench', now())`;
      const sample = Array.from({ length: SAMPLED }, (_, i) => keypairFromLabel(`bench/api/${i}`));
      const addresses = Array.from({ length: hotspots }, (_, i) => (i < SAMPLED ? sample[i]!.address : `bench-hotspot-${i}`));
      // A metro area of about 60 x 60 km, so the coverage endpoint has real hexes to aggregate.
      const cells = addresses.map((_, i) => latLngToCell(48.6 + ((i * 7919) % 1000) / 1000 * 0.55, 2.0 + ((i * 104729) % 1000) / 1000 * 0.8, 12));
      for (let i = 0; i < hotspots; i += 10_000) {
        const a = addresses.slice(i, i + 10_000);
        const c = cells.slice(i, i + 10_000);
        // Named as onboarding names them, so the API under test has no naming to do in the background.
        const n = a.map(hotspotName);
        // With their country, as an assertion sets it, so the API has no countries to fill in either.
        await sql`insert into hotspots (address, name, public_key, owner_address, maker_id, capability, gateway_eui, location_cell, location_cell_res8, gain_dbi_x10, elevation_m, region, country_code, onboarded_at)
          select a, n, decode(md5(a), 'hex'), 'bench-owner', '00000000-0000-0000-0000-0000000000be', 'full', upper(substr(md5(a || 'eui'), 1, 16)), c, c, 30, 10, 'EU868', 'FR', now()
          from unnest(${a}::text[], ${c}::text[], ${n}::text[]) as t(a, c, n)`;
      }
      const [set] = await sql<{ id: number }[]>`insert into reward_parameter_sets (effective_from_epoch, params, params_hash, created_at_ms) values (0, '{}', 'bench', 0) returning id`;
      await sql`insert into reward_epochs (epoch, start_ms, end_ms, parameter_set_id, manifest_hash, signature, oracle_public_key, merkle_root, file_name, emission, hotspots_rewarded,
          beacon_amount, witness_amount, data_amount, operations_amount, oracles_amount, unallocated_amount, dc_burned, dc_burned_usd, token_price_usd, emitted_usd, summary, document_gz, computed_at_ms)
        select e, e::bigint * ${DAY}, (e + 1)::bigint * ${DAY}, ${set!.id}, 'h', 's', 'k', 'r', 'f', 1000000, ${hotspots}, 0, 0, 0, 0, 0, 0, 0, '0', '1', '0', '{}', '\\x00', 0
        from generate_series(${firstEpoch}::int, ${firstEpoch + EPOCHS - 1}::int) e`;
      await sql`insert into hotspot_epoch_rewards (hotspot_address, epoch, beacon_amount, witness_amount, data_amount, beacon_shares_e8, witness_shares_e8, data_dc, lifetime_amount)
        select h.address, e, 1000 + (e % 97), 3000 + (e % 89), e % 7, 0, 0, 0, 0
        from hotspots h cross join generate_series(${firstEpoch}::int, ${firstEpoch + EPOCHS - 1}::int) e`;
      // The epoch after them in progress, as the rewarder's provisional run leaves it: every hotspot has a row.
      const open = firstEpoch + EPOCHS;
      await sql`insert into provisional_reward_epochs (epoch, start_ms, end_ms, as_of_ms, parameter_set_id, emission, hotspots, beacon_amount, witness_amount, data_amount, data_dc, summary, computed_at_ms)
        values (${open}, ${open * DAY}, ${(open + 1) * DAY}, ${open * DAY + DAY / 2}, ${set!.id}, 500000, ${hotspots}, 0, 0, 0, 0, '{}', 0)`;
      await sql`insert into provisional_hotspot_rewards (epoch, hotspot_address, beacon_amount, witness_amount, data_amount, beacons, witnesses, data_dc)
        select ${open}, address, 500, 1500, 3, 2, 10, 5 from hotspots`;
      await sql`analyze`;
      const [counted] = await sql<{ n: number }[]>`select count(*)::int as n from hotspot_epoch_rewards`;
      const n = counted?.n ?? 0;
      ctx.log(`generated ${n} reward rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      await setup.close();

      // Servers run in their own processes, as in production; autocannon drives them from this one.
      const barePort = await freePort();
      const bare = await startProcess(
        ['--input-type=module', '-e', `import Fastify from 'fastify'; const app = Fastify(); app.get('/bare', async () => ({ ok: true })); await app.listen({ port: ${barePort}, host: '127.0.0.1' });`],
        {},
        `http://127.0.0.1:${barePort}/bare`,
      );
      const apiPort = await freePort();
      const apiUrl = `http://127.0.0.1:${apiPort}`;
      const api = await startProcess(
        ['--import', 'tsx', 'services/app/src/main.ts', 'api'],
        { DATABASE_URL: url, PORT: String(apiPort), GWMP_PORT: '0', LOG_LEVEL: 'warn', DB_POOL_MAX: '10', DATA_DIR: '/tmp/cov-bench', ADMIN_API_KEY: 'bench-admin' },
        `${apiUrl}/health`,
      );
      try {
        const headers = { authorization: 'Bearer bench-admin' }; // admin key: not rate limited
        const range = `min_time=${new Date(nowMs - 30 * DAY).toISOString()}&max_time=${new Date(nowMs).toISOString()}`;
        // Reaches past the last computed epoch, so it is never served from the immutable-answer cache.
        const year = `min_time=${new Date(nowMs - 365 * DAY).toISOString()}&max_time=${new Date(nowMs + DAY).toISOString()}`;
        const baseline = await cannon(bare.pid, `http://127.0.0.1:${barePort}/bare`, undefined, {}, 5);
        ctx.log(`bare route: ${Math.round(baseline.rps)} req/s, p99 ${baseline.p99} ms${cpuText(baseline)}`);
        const rewards = await cannon(api.pid, apiUrl, sample.map((k) => ({ path: `/v1/hotspots/${k.address}/rewards?${range}` })), headers, 10);
        ctx.log(`rewards: ${Math.round(rewards.rps)} req/s, p99 ${rewards.p99} ms, non-2xx ${rewards.non2xx}${cpuText(rewards)}`);
        const yearly = await cannon(api.pid, apiUrl, sample.map((k) => ({ path: `/v1/hotspots/${k.address}/rewards?${year}&bucket=week` })), headers, 10);
        ctx.log(`rewards (year, weekly): ${Math.round(yearly.rps)} req/s, p99 ${yearly.p99} ms, non-2xx ${yearly.non2xx}${cpuText(yearly)}`);
        // Every browser and map client sends Accept-Encoding, so the coverage aim is measured as a
        // browser asks (brotli preferred); the uncompressed figure is measured and reported too.
        const coveragePaths = [{ path: '/v1/coverage/hexes?res=8&bbox=2.0,48.6,2.8,49.15' }, { path: '/v1/coverage/hexes?res=7&bbox=2.0,48.6,2.8,49.15' }];
        // The first request builds the coverage snapshot (queries over the whole registry); that is
        // not what this measures, so it is made, and timed, before the run.
        const warmStarted = performance.now();
        for (const { path } of coveragePaths) await fetch(`${apiUrl}${path}`, { headers }).then((r) => r.arrayBuffer());
        ctx.log(`coverage snapshot and first answers built in ${Math.round(performance.now() - warmStarted)} ms`);
        const coverage = await cannon(api.pid, apiUrl, coveragePaths, { ...headers, 'accept-encoding': 'gzip, br' }, 10);
        const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
        ctx.log(`coverage (accept-encoding gzip, br): ${Math.round(coverage.rps)} req/s, p99 ${coverage.p99} ms, max ${coverage.maxMs} ms, ${kb(coverage.bytesPerAnswer)} per answer, non-2xx ${coverage.non2xx}${cpuText(coverage)}`);
        const coveragePlain = await cannon(api.pid, apiUrl, coveragePaths, headers, 10);
        ctx.log(`coverage (no accept-encoding): ${Math.round(coveragePlain.rps)} req/s, p99 ${coveragePlain.p99} ms, max ${coveragePlain.maxMs} ms, ${kb(coveragePlain.bytesPerAnswer)} per answer, non-2xx ${coveragePlain.non2xx}${cpuText(coveragePlain)}`);
        // Vector tiles over the same metro area: zoom 10 (res-8 hexes) and 12 (res-9 hexes and
        // points), as a map client asks for them. Each tile's first request builds it; that is
        // timed apart, then the run measures tiles kept per snapshot.
        const tilePaths: { path: string }[] = [];
        const tileX = (lng: number, z: number) => Math.floor(((lng + 180) / 360) * 2 ** z);
        const tileY = (lat: number, z: number) => Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
        for (const z of [10, 12]) {
          for (let x = tileX(2.0, z); x <= tileX(2.8, z); x++) for (let y = tileY(49.15, z); y <= tileY(48.6, z); y++) tilePaths.push({ path: `/v1/coverage/tiles/${z}/${x}/${y}.mvt` });
        }
        const tilesStarted = performance.now();
        for (const { path } of tilePaths) await fetch(`${apiUrl}${path}`, { headers }).then((r) => r.arrayBuffer());
        const tileBuildMs = (performance.now() - tilesStarted) / tilePaths.length;
        ctx.log(`${tilePaths.length} vector tiles built in ${Math.round(performance.now() - tilesStarted)} ms (${tileBuildMs.toFixed(1)} ms each, request included)`);
        const tiles = await cannon(api.pid, apiUrl, tilePaths, { ...headers, 'accept-encoding': 'gzip, br' }, 10);
        ctx.log(`vector tiles (accept-encoding gzip, br): ${Math.round(tiles.rps)} req/s, p99 ${tiles.p99} ms, ${kb(tiles.bytesPerAnswer)} per answer, non-2xx ${tiles.non2xx}${cpuText(tiles)}`);
        const countries = await cannon(api.pid, apiUrl, [{ path: '/v1/countries' }], { ...headers, 'accept-encoding': 'gzip, br' }, 5);
        ctx.log(`countries: ${Math.round(countries.rps)} req/s, p99 ${countries.p99} ms, non-2xx ${countries.non2xx}${cpuText(countries)}`);
        // A hotspot's activity over 30 days: seven indexed reads per request (here its 30 paid epochs and no PoC).
        const activity = await cannon(api.pid, apiUrl, sample.map((k) => ({ path: `/v1/hotspots/${k.address}/activity?min_time=-30%20day` })), headers, 10);
        ctx.log(`activity: ${Math.round(activity.rps)} req/s, p99 ${activity.p99} ms, non-2xx ${activity.non2xx}${cpuText(activity)}`);
        // Today's earnings so far: the open epoch's run and the hotspot's row in it (two indexed reads).
        const pending = await cannon(api.pid, apiUrl, sample.map((k) => ({ path: `/v1/hotspots/${k.address}/rewards/pending` })), headers, 10);
        ctx.log(`rewards pending: ${Math.round(pending.rps)} req/s, p99 ${pending.p99} ms, non-2xx ${pending.non2xx}${cpuText(pending)}`);
        // The hotspot view: registry row and status (activity, lifetime, latest epoch, earning so far, flags, denylist, coverage snapshot).
        const view = await cannon(api.pid, apiUrl, sample.map((k) => ({ path: `/v1/hotspots/${k.address}` })), headers, 10);
        ctx.log(`hotspot view: ${Math.round(view.rps)} req/s, p99 ${view.p99} ms, non-2xx ${view.non2xx}${cpuText(view)}`);
        const note = `${hotspots} hotspots x ${EPOCHS} epochs = ${n} reward rows`;
        results.push(
          { name: 'bare Fastify route p99', value: baseline.p99, unit: 'ms' },
          { name: 'rewards (30 computed days by epoch, immutable: cached after first read) throughput', value: rewards.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps, aim: '>= 0.3 x baseline', notes: note },
          { name: 'rewards (30 computed days by epoch) p99', value: rewards.p99, unit: 'ms', aim: '< 20 ms', notes: `non-2xx ${rewards.non2xx}` },
          { name: 'rewards (365 days by week, open range: always from the database) throughput', value: yearly.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps },
          { name: 'rewards (365 days by week, open range) p99', value: yearly.p99, unit: 'ms', notes: `non-2xx ${yearly.non2xx}` },
          { name: 'coverage hexes (res 7-8, metro bbox, accept-encoding gzip, br) throughput', value: coverage.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps, aim: '>= 0.3 x baseline', notes: `${kb(coverage.bytesPerAnswer)} per answer` },
          { name: 'coverage hexes (accept-encoding gzip, br) p99', value: coverage.p99, unit: 'ms', notes: `non-2xx ${coverage.non2xx}` },
          { name: 'coverage hexes (no accept-encoding: uncompressed) throughput', value: coveragePlain.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps, notes: `${kb(coveragePlain.bytesPerAnswer)} per answer` },
          { name: 'coverage hexes (uncompressed) p99', value: coveragePlain.p99, unit: 'ms', notes: `non-2xx ${coveragePlain.non2xx}` },
          { name: 'vector tiles (zoom 10 and 12, metro area, gzip, br) throughput', value: tiles.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps, notes: `${tilePaths.length} tiles, ${kb(tiles.bytesPerAnswer)} per answer` },
          { name: 'vector tiles p99', value: tiles.p99, unit: 'ms', notes: `non-2xx ${tiles.non2xx}` },
          { name: 'vector tile first build (request included)', value: tileBuildMs, unit: 'ms' },
          { name: 'countries throughput', value: countries.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps, notes: `non-2xx ${countries.non2xx}` },
          { name: 'activity (30 days) throughput', value: activity.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps, notes: `non-2xx ${activity.non2xx}` },
          { name: 'activity (30 days) p99', value: activity.p99, unit: 'ms' },
          { name: 'rewards pending (the open epoch so far) throughput', value: pending.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps, notes: `non-2xx ${pending.non2xx}` },
          { name: 'rewards pending p99', value: pending.p99, unit: 'ms' },
          { name: 'hotspot view (status with earning so far) throughput', value: view.rps, unit: 'req/s', baselineName: 'bare Fastify route', baselineValue: baseline.rps, notes: `non-2xx ${view.non2xx}` },
          { name: 'hotspot view p99', value: view.p99, unit: 'ms' },
        );
        // Server CPU per request beside the bare route's: the comparison that holds on a busy host.
        const bareCpuUs = baseline.serverCpuUsPerRequest;
        const cpuRows: [string, number | undefined][] = [
          ['rewards (30 computed days by epoch)', rewards.serverCpuUsPerRequest],
          ['rewards (365 days by week, open range)', yearly.serverCpuUsPerRequest],
          ['coverage hexes (accept-encoding gzip, br)', coverage.serverCpuUsPerRequest],
          ['coverage hexes (uncompressed)', coveragePlain.serverCpuUsPerRequest],
          ['vector tiles (gzip, br)', tiles.serverCpuUsPerRequest],
          ['countries', countries.serverCpuUsPerRequest],
          ['activity (30 days)', activity.serverCpuUsPerRequest],
          ['rewards pending', pending.serverCpuUsPerRequest],
          ['hotspot view', view.serverCpuUsPerRequest],
        ];
        for (const [what, us] of cpuRows) {
          if (us === undefined || bareCpuUs === undefined) continue;
          results.push({ name: `${what} server CPU per request`, value: us, unit: 'us', baselineName: 'bare Fastify route server CPU per request', baselineValue: bareCpuUs });
        }
      } finally {
        await stopProcess(api);
        await stopProcess(bare);
      }
    } finally {
      await benchDb.drop();
    }
    return results;
  },
};
