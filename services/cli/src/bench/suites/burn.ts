/**
 * The router's two burn statements alone, on a fresh PostgreSQL database: PostgreSQL CPU per
 * decision (one packet on one route, 2 bought copies) of the commit on the critical path (balances,
 * ledger row, one journal row per batch) and of the background settle (the journal expanded into
 * bought copies, packet log and daily stats, and deleted), then of the vacuum that cleans up after
 * both. The backend's CPU comes from /proc, so it hardly depends on what else the machine runs; the
 * wall-clock figures do. The router suite measures the same statements inside the whole path,
 * where they share the machine with the router and the load generator. This VM's speed drifts by
 * tens of percent from minute to minute, so compare two versions by alternating runs of each.
 *
 * Two shapes: large batches settled many rows at a time (as in the router suite's throughput run)
 * and small ones (a moderate rate, batches gathered for 10 ms). One connection, so one backend
 * does all the work. Autovacuum is off on the tables written, so that vacuum is measured once, on
 * its own line.
 */
import { randomBytes } from 'node:crypto';
import { connectDatabase, type Sql } from '@cov/shared/db/client';
import { applyMigrations } from '@cov/shared/db/migrate';
import { processCpuMs } from '@cov/shared/runtime/proc-cpu';
import type { RouteConfig } from '@cov/shared/routing/routing-config';
import type { BurnBatch } from '@cov/router/burn-batcher';
import { PgBurnStore } from '@cov/router/burn-store';
import type { RouteDecision } from '@cov/router/route-decision';
import type { UplinkCopy } from '@cov/router/uplink-copy';
import type { BenchResult, BenchSuite } from '../bench-suite';
import { createBenchDatabase } from '../bench-database';

const ORG_ID = '00000000-0000-4000-8000-0000000000a1';
const ROUTE_IDS = ['00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2'];
const HOTSPOTS = 50;
const COPIES = 2;
/** Tables the two statements write; autovacuum is turned off on them in the bench database. */
const WRITTEN_TABLES = ['orgs', 'dc_ledger', 'burn_journal', 'packet_copies', 'routed_packets', 'route_stats_daily', 'route_drops_daily', 'org_hotspots_daily'];

interface Shape {
  name: string;
  /** Decisions per burn batch (journal row). */
  batch: number;
  /** Journal rows per settle statement. */
  rowsPerSettle: number;
}

// What the router suite's runs make: about 150 decisions a batch and 2,000 a settle at full speed;
// at 2,000 uplinks/s, batches gathered for 10 ms and a settle every 200 ms (ROUTER_BURN_SETTLE_DELAY_MS).
const SHAPES: Shape[] = [
  { name: 'batches of 150, settled 15 at a time (full speed)', batch: 150, rowsPerSettle: 15 },
  { name: 'batches of 20, settled 20 at a time (2,000 decisions/s)', batch: 20, rowsPerSettle: 20 },
];

/** Helium-like hotspot addresses (51 base58 characters), so packet_copies rows have their real width. */
const hotspotAddresses = Array.from({ length: HOTSPOTS }, (_, i) => `11${randomBytes(36).toString('base64url').replace(/[-_0OIl]/g, 'x').slice(0, 47)}${i.toString().padStart(2, '0')}`);

function makeBatch(routes: RouteConfig[], size: number, nowMs: number, fCnt: { next: number }): BurnBatch {
  const decisions: RouteDecision[] = [];
  for (let i = 0; i < size; i++) {
    const n = fCnt.next++;
    const bought = Array.from({ length: COPIES }, (_, c) => ({
      hotspotAddress: hotspotAddresses[(n + c * 7) % HOTSPOTS]!,
      rssiDbm: -60 - (n % 40),
      snrDb: 5.5,
      frequencyHz: 868_100_000,
      dataRate: 'SF7BW125',
      receivedAtMs: nowMs - 150 + c,
    })) as UplinkCopy[];
    decisions.push({
      packetId: randomBytes(32).toString('hex'),
      route: routes[n % routes.length]!,
      kind: 'uplink',
      devAddr: 'fc014c01',
      joinEui: null,
      devEui: null,
      fCnt: n & 0xffff,
      fPort: 2,
      payloadBytes: 12,
      copiesHeard: COPIES,
      bought,
      overMax: 0,
      dcPerCopy: 1,
      receivedAtMs: nowMs - 150,
      purchaseIndex: 0,
    });
  }
  return { decisions, drops: [], lateCopies: [], nowMs };
}

interface Phase {
  cpuMs: number;
  wallMs: number;
}

/** CPU of backend `pid` (the bench's one connection) and wall time while `work` runs. */
async function measured(pid: number, work: () => Promise<void>): Promise<Phase> {
  const cpu0 = processCpuMs(pid) ?? NaN;
  const t0 = performance.now();
  await work();
  return { cpuMs: (processCpuMs(pid) ?? NaN) - cpu0, wallMs: performance.now() - t0 };
}

async function measureShape(sql: Sql, routes: RouteConfig[], shape: Shape, decisions: number) {
  const store = new PgBurnStore(sql);
  const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const pid = row!.pid;
  const fCnt = { next: 0 };
  const batches = Array.from({ length: Math.ceil(decisions / shape.batch) }, () => makeBatch(routes, shape.batch, Date.now(), fCnt));
  const total = batches.length * shape.batch;
  const commit = await measured(pid, async () => {
    for (const b of batches) await store.commit(b);
  });
  const settle = await measured(pid, async () => {
    while ((await store.settle(shape.rowsPerSettle)).rows > 0);
  });
  const vacuum = await measured(pid, async () => {
    for (const t of WRITTEN_TABLES) await sql.unsafe(`vacuum (analyze off) ${t}`);
  });
  const us = (p: Phase) => (p.cpuMs * 1000) / total;
  return {
    commitUs: us(commit),
    commitWallMsPerBatch: commit.wallMs / batches.length,
    settleUs: us(settle),
    settleWallMsPerStatement: settle.wallMs / Math.ceil(batches.length / shape.rowsPerSettle),
    vacuumUs: us(vacuum),
  };
}

export const suite: BenchSuite = {
  name: 'burn',
  description: 'PostgreSQL CPU per decision of the burn commit, the journal settle and their vacuum, alone',
  async run(ctx) {
    const decisions = Math.max(20_000, Math.round(300_000 * ctx.scale));
    const benchDb = await createBenchDatabase('burn');
    const db = connectDatabase(benchDb.url, { maxConnections: 1 });
    try {
      await applyMigrations(db.db);
      for (const t of WRITTEN_TABLES) await db.sql.unsafe(`alter table ${t} set (autovacuum_enabled = off)`);
      await db.sql`insert into orgs (id, name, net_id, dc_balance, created_at) values (${ORG_ID}, 'bench org', 'C00053', 1000000000000, now())`;
      const routes: RouteConfig[] = [];
      for (const id of ROUTE_IDS) {
        await db.sql`insert into routes (id, org_id, endpoint, max_copies, created_at, updated_at) values (${id}, ${ORG_ID}, '{"protocol":"http","url":"http://x"}'::jsonb, ${COPIES}, now(), now())`;
        routes.push({ id, orgId: ORG_ID, endpoint: { protocol: 'http', url: 'http://x' }, maxCopies: COPIES, active: true, locked: false });
      }
      // Warm-up: plans cached, tables and indexes past their first pages.
      await measureShape(db.sql, routes, SHAPES[0]!, 2_000);
      const results: BenchResult[] = [];
      for (const shape of SHAPES) {
        const r = await measureShape(db.sql, routes, shape, decisions);
        ctx.log(
          `${shape.name}: commit ${r.commitUs.toFixed(1)} us CPU per decision (${r.commitWallMsPerBatch.toFixed(2)} ms a batch), ` +
            `settle ${r.settleUs.toFixed(1)} us (${r.settleWallMsPerStatement.toFixed(1)} ms a statement), vacuum ${r.vacuumUs.toFixed(1)} us`,
        );
        results.push(
          { name: `PostgreSQL CPU per decision, burn commit, ${shape.name}`, value: r.commitUs, unit: 'us' },
          { name: `PostgreSQL CPU per decision, journal settle, ${shape.name}`, value: r.settleUs, unit: 'us' },
          { name: `PostgreSQL CPU per decision, vacuum after both, ${shape.name}`, value: r.vacuumUs, unit: 'us' },
        );
      }
      return results;
    } finally {
      await db.close();
      await benchDb.drop();
    }
  },
};
