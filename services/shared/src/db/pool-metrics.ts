/**
 * The PostgreSQL pool on /metrics. postgres.js (3.4) keeps its connections' states (open, busy,
 * connecting) private and offers no hook when a query ends, so this exports what can be known
 * without patching it: the configured size, and at each scrape the time one trivial query takes
 * through the pool. That time is a round trip while a connection is free, and grows with the wait
 * for one when every connection is busy: a pool too small for the load (or a database that is slow
 * to answer) shows here before requests time out. The probe is bounded (2 s): one that does not
 * answer in time sets the gauge to NaN and counts a failure.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Sql } from './client';
import { withTimeout } from '../runtime/with-timeout';

export interface PoolMetricsOptions {
  /** How long the probe may take before it counts as failed (default 2 s, as /ready). */
  probeTimeoutMs?: number;
}

export function registerDatabasePoolMetrics(registry: Registry, sql: Sql, options: PoolMetricsOptions = {}): void {
  const timeoutMs = options.probeTimeoutMs ?? 2000;
  new Gauge({ name: 'cov_db_pool_max_connections', help: 'Connections the PostgreSQL pool may open (DB_POOL_MAX).', registers: [registry] }).set(sql.options.max);
  // A scrape collects every metric at once: the counter waits for the probe (registered first, so
  // started first) and shows a failure in the same scrape.
  let failures: Counter | undefined;
  let lastProbe: Promise<void> = Promise.resolve();
  new Gauge({
    name: 'cov_db_pool_probe_seconds',
    help: 'Time a trivial query took through the PostgreSQL pool at scrape time: waiting for a free connection plus one round trip (NaN when it failed or timed out).',
    registers: [registry],
    collect() {
      lastProbe = (async () => {
        const started = performance.now();
        try {
          await withTimeout(sql`select 1`.execute(), timeoutMs, () => {
            throw new Error('probe timed out');
          });
          this.set((performance.now() - started) / 1000);
        } catch {
          // Not a number, rather than a time it did not take.
          this.set(Number.NaN);
          failures?.inc();
        }
      })();
      return lastProbe;
    },
  });
  failures = new Counter({
    name: 'cov_db_pool_probe_failures_total',
    help: `Scrapes at which a trivial query through the PostgreSQL pool failed or took over ${timeoutMs / 1000} s (every connection busy, or the database not answering).`,
    registers: [registry],
    collect: () => lastProbe,
  });
}
