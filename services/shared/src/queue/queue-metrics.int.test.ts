import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { createMetricsRegistry, type Registry } from '../metrics';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { createQueueFactory, type QueueBackendConfig, type QueueFactory } from './queue-factory';
import { registerQueueMetrics } from './queue-metrics';

const config = loadConfig();

async function queueJobs(registry: Registry): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'cov_queue_jobs');
  return Object.fromEntries((metric?.values ?? []).map((v) => [`${v.labels.queue}/${v.labels.state}`, v.value]));
}

async function failures(registry: Registry): Promise<number> {
  return (await registry.getSingleMetric('cov_queue_jobs_read_failures_total')!.get()).values[0]?.value ?? 0;
}

describe.each(['redis', 'postgres'] as const)('cov_queue_jobs on %s', (kind) => {
  let database: TestDatabase;
  let factory: QueueFactory;
  let registry: Registry;

  beforeAll(async () => {
    database = await createTestDatabase();
    const backend: QueueBackendConfig = kind === 'redis' ? { kind, url: config.TEST_REDIS_URL, prefix: `covtest_${database.name}` } : { kind, url: database.url };
    factory = createQueueFactory(backend);
    registry = createMetricsRegistry('t');
    registerQueueMetrics(registry, factory);
  });
  afterAll(async () => {
    await factory?.close();
    await database?.drop();
  });

  it('shows nothing before the process uses a queue, then the queued jobs by state at each scrape', async () => {
    expect(await queueJobs(registry)).toEqual({});
    const queue = factory.queue('verifyBeacons');
    expect(await queueJobs(registry)).toEqual({ 'poc-verify-beacons/waiting': 0, 'poc-verify-beacons/active': 0, 'poc-verify-beacons/delayed': 0, 'poc-verify-beacons/failed': 0 });
    await queue.addBatch([{ beaconIds: ['a'] }, { beaconIds: ['b'] }]);
    await queue.add({ beaconIds: ['c'] }, { delay: 60_000 });
    expect(await queueJobs(registry)).toEqual({ 'poc-verify-beacons/waiting': 2, 'poc-verify-beacons/active': 0, 'poc-verify-beacons/delayed': 1, 'poc-verify-beacons/failed': 0 });
    // A worker that holds its job: one active, one still waiting (concurrency 1).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const started = new Promise<void>((resolve) => (taken = resolve));
    const worker = factory.worker('verifyBeacons', async () => {
      taken();
      await held;
    });
    await started;
    expect(await queueJobs(registry)).toMatchObject({ 'poc-verify-beacons/waiting': 1, 'poc-verify-beacons/active': 1, 'poc-verify-beacons/delayed': 1 });
    release();
    await factory.closeWorker(worker);
    expect((await registry.metrics())).toMatch(/^cov_queue_jobs\{queue="poc-verify-beacons",state="delayed",process="t"\} 1$/m);
    expect(await failures(registry)).toBe(0);
  });
});

describe('cov_queue_jobs while the queue backend does not answer', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let port: number;
  beforeAll(async () => {
    // Takes connections and never answers: a host that drops packets, a stalled server.
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it.each([
    ['redis', (): QueueBackendConfig => ({ kind: 'redis', url: `redis://127.0.0.1:${port}`, prefix: 'covtest_silent' })],
    ['postgres', (): QueueBackendConfig => ({ kind: 'postgres', url: `postgres://x@127.0.0.1:${port}/x` })],
  ] as const)('on %s: the scrape answers within the bound, without the gauge, and counts the failure', async (_kind, backend) => {
    const factory = createQueueFactory(backend(), { readyTimeoutMs: 300 });
    factory.queue('verifyBeacons');
    const registry = createMetricsRegistry('t');
    registerQueueMetrics(registry, factory);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(text).not.toMatch(/^cov_queue_jobs\{/m);
    expect(text).toMatch(/^cov_queue_jobs_read_failures_total\{process="t"\} 1$/m);
    for (const s of sockets) s.destroy();
    await Promise.race([factory.close(), new Promise((resolve) => setTimeout(resolve, 2000))]);
  });
});
