import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { connectDatabase, type Database, type Db } from '@cov/shared/db/client';
import { encodeEntropyReport } from '@cov/shared/helium/reports';
import { keypairFromLabel, verify } from '@cov/shared/helium/keys';
import { createLogger } from '@cov/shared/logger';
import { createTestDatabase, type TestDatabase } from '@cov/shared/testing/test-database';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { Registry } from '@cov/shared/metrics';
import { publishIfDue, type EntropyPublisherDeps } from './entropy-publisher';
import { createEntropyTelemetry } from './telemetry';

const INTERVAL_MS = 60_000;
const T0 = Date.UTC(2026, 10, 1);
const oracle = keypairFromLabel('entropy-publisher-test/oracle');

const depsOf = (db: Db, clock: ManualClock): EntropyPublisherDeps => ({
  db,
  clock,
  logger: createLogger({ LOG_LEVEL: 'silent' }),
  oracleSecretKey: oracle.secretKey,
  intervalMs: INTERVAL_MS,
});

async function storedTimestamps(database: Pick<Database, 'sql'>): Promise<number[]> {
  const rows = await database.sql<{ timestamp_sec: bigint }[]>`select timestamp_sec from entropy_values order by timestamp_sec`;
  return rows.map((r) => Number(r.timestamp_sec));
}

/** One value per interval, decided by the stored values and the clock, whichever process asks. */
async function publishesOncePerInterval(first: Db, second: Db, database: Pick<Database, 'sql'>, clock: ManualClock): Promise<void> {
  const published = await publishIfDue(depsOf(first, clock));
  expect(published?.timestampSec).toBe(clock.nowMs() / 1000);
  expect(verify(encodeEntropyReport({ data: published!.data, timestampSec: published!.timestampSec, version: 0 }), published!.signature, oracle.binaryKey)).toBe(true);
  clock.advance(INTERVAL_MS - 1);
  // A restarted process (nothing in memory) finds nothing due either.
  expect(await publishIfDue(depsOf(second, clock))).toBeUndefined();
  clock.advance(1);
  expect((await publishIfDue(depsOf(second, clock)))?.timestampSec).toBe(clock.nowMs() / 1000);
  expect(await storedTimestamps(database)).toEqual([T0 / 1000, (T0 + INTERVAL_MS) / 1000]);
}

describe('publishIfDue (PostgreSQL server)', () => {
  let testDb: TestDatabase;
  /** Each replica has its own pool, as separate processes would. */
  const replicas: Database[] = [];
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    testDb = await createTestDatabase();
    for (let i = 0; i < 4; i++) replicas.push(connectDatabase(testDb.url, { maxConnections: 1 }));
    // Connected before the test, so the replicas' reads really run at the same moment.
    for (const r of replicas) await r.sql`select 1`;
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
    await testDb?.drop();
  });

  it('publishes one signed value per interval, by the stored values and the clock', async () => {
    await publishesOncePerInterval(replicas[0]!.db, replicas[1]!.db, replicas[0]!, clock);
  });

  it('publishes once per interval when several replicas find a value due at the same moment', async () => {
    clock.advance(INTERVAL_MS);
    const before = await storedTimestamps(replicas[0]!);
    const published = await Promise.all(replicas.map((r) => publishIfDue(depsOf(r.db, clock))));
    expect(published.filter((p) => p !== undefined)).toHaveLength(1);
    expect(await storedTimestamps(replicas[0]!)).toEqual([...before, clock.nowMs() / 1000]);
  });

  it('tells Prometheus the latest value\'s time in every replica, so a stalled oracle can be alerted on', async () => {
    const gauge = async (registry: Registry, name: string) => (await registry.getSingleMetric(name)!.get()).values[0]?.value;
    const publisher = new Registry();
    const other = new Registry();
    const withTelemetry = (r: Database, registry: Registry) => ({ ...depsOf(r.db, clock), telemetry: createEntropyTelemetry(registry) });
    const publisherDeps = withTelemetry(replicas[0]!, publisher);
    const otherDeps = withTelemetry(replicas[1]!, other);
    clock.advance(INTERVAL_MS);
    expect(await publishIfDue(publisherDeps)).toBeDefined();
    expect(await publishIfDue(otherDeps)).toBeUndefined();
    for (const registry of [publisher, other]) expect(await gauge(registry, 'cov_entropy_latest_timestamp_seconds')).toBe(clock.nowMs() / 1000);
    expect(await gauge(publisher, 'cov_entropy_published_total')).toBe(1);
    expect(await gauge(other, 'cov_entropy_published_total')).toBe(0);
    // No new value while the interval runs: the gauge stays at the last one, its age grows.
    clock.advance(INTERVAL_MS / 2);
    await publishIfDue(publisherDeps);
    expect(await gauge(publisher, 'cov_entropy_latest_timestamp_seconds')).toBe((clock.nowMs() - INTERVAL_MS / 2) / 1000);
  });
});

describe('publishIfDue (embedded)', () => {
  let node: TestNode;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    node = await startTestNode('embedded', { services: [], clock });
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('publishes one signed value per interval, by the stored values and the clock', async () => {
    await publishesOncePerInterval(node.ctx.database.db, node.ctx.database.db, node.ctx.database, clock);
  });
});
