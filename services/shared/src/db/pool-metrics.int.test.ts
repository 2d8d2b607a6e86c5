import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry, type Registry } from '../metrics';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { connectDatabase, type Database } from './client';
import { registerDatabasePoolMetrics } from './pool-metrics';

async function value(registry: Registry, name: string): Promise<number | undefined> {
  return (await registry.getMetricsAsJSON()).find((m) => m.name === name)?.values[0]?.value;
}

/** One scrape: every metric read together, as Prometheus does. */
async function scrape(registry: Registry): Promise<{ max: number; probe: number; failures: number }> {
  const metrics = await registry.getMetricsAsJSON();
  const get = (name: string) => metrics.find((m) => m.name === name)!.values[0]!.value;
  return { max: get('cov_db_pool_max_connections'), probe: get('cov_db_pool_probe_seconds'), failures: get('cov_db_pool_probe_failures_total') };
}

describe('PostgreSQL pool metrics', () => {
  let testDatabase: TestDatabase;
  const opened: Database[] = [];
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
  });
  afterAll(async () => {
    for (const d of opened) await d.close();
    await testDatabase?.drop();
  });

  function pool(max: number) {
    const database = connectDatabase(testDatabase.url, { maxConnections: max });
    opened.push(database);
    const registry = createMetricsRegistry('t');
    registerDatabasePoolMetrics(registry, database.sql, { probeTimeoutMs: 300 });
    return { database, registry };
  }

  it('exports the configured size and a probe time that stays short while a connection is free', async () => {
    const { database, registry } = pool(2);
    expect(await value(registry, 'cov_db_pool_max_connections')).toBe(2);
    const first = await scrape(registry);
    expect(first.probe).toBeGreaterThan(0);
    expect(first.probe).toBeLessThan(0.3);
    // One of the two connections held (a long transaction): the probe takes the other.
    const held = await database.sql.reserve();
    try {
      const busy = await scrape(registry);
      expect(busy.probe).toBeLessThan(0.3);
      expect(busy.failures).toBe(0);
    } finally {
      held.release();
    }
  });

  it('shows a pool with every connection held: the probe waits, gives NaN at its bound and counts a failure, then recovers', async () => {
    const { database, registry } = pool(1);
    expect((await scrape(registry)).failures).toBe(0);
    const held = await database.sql.reserve();
    let released = false;
    try {
      const started = Date.now();
      const exhausted = await scrape(registry);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(exhausted.probe).toBeNaN();
      expect(exhausted.failures).toBe(1);
      // prom-client writes `Nan`, which Prometheus reads as NaN (any case).
      expect(await registry.metrics()).toMatch(/^cov_db_pool_probe_seconds\{process="t"\} nan$/im);
      // A connection released after 150 ms: the probe's time is the wait for it.
      setTimeout(() => {
        released = true;
        held.release();
      }, 150);
      const waited = await scrape(registry);
      expect(waited.probe).toBeGreaterThanOrEqual(0.14);
      expect(waited.probe).toBeLessThan(0.3);
      expect(waited.failures).toBe(2);
    } finally {
      if (!released) held.release();
    }
  });
});
