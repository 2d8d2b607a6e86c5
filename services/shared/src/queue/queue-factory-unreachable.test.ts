import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueueFactory } from './queue-factory';

// Redis down, as an operator meets it: /ready must answer, SIGTERM must not hang, and the logs must
// stay JSON lines instead of a stack trace per reconnection attempt.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('queues while Redis is unreachable', () => {
  afterEach(() => vi.restoreAllMocks());

  it('report not reachable at once, close without waiting for Redis, and log each error once as JSON', async () => {
    const lines: { msg: string; source?: string; err?: { message: string } }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const factory = createQueueFactory({ kind: 'redis', url: `redis://127.0.0.1:${await closedPort()}`, prefix: 'covtest_unreachable' }, { logger, readyTimeoutMs: 1000, addTimeoutMs: 1000 });
    const worker = factory.worker('verifyBeacons', async () => {});
    const queue = factory.queue('verifyBeacons');
    // Several reconnection attempts (ioredis retries every 50 ms, then more slowly).
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // A producer's add fails as unavailable instead of waiting for Redis for ever.
    let started = Date.now();
    await expect(queue.addBatch([{ beaconIds: ['b1'] }])).rejects.toMatchObject({ code: 'service.unavailable' });
    expect(Date.now() - started).toBeLessThan(2000);

    started = Date.now();
    expect(await factory.isReachable()).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);

    // A service stopping its own worker (the verifier's task), then the context closing the rest.
    started = Date.now();
    await factory.closeWorker(worker);
    expect(Date.now() - started).toBeLessThan(3000);
    started = Date.now();
    await factory.close();
    expect(Date.now() - started).toBeLessThan(3000);

    expect(consoleError).not.toHaveBeenCalled();
    const errors = lines.filter((l) => l.msg === 'queue backend error');
    expect(errors.length).toBeGreaterThan(0);
    // One line per source (connection, queue, worker) and error, however often it recurred.
    expect(new Set(errors.map((l) => `${l.source} ${l.err?.message}`)).size).toBe(errors.length);
    expect(lines.some((l) => l.msg.startsWith('queue backend unreachable at shutdown'))).toBe(true);
    consoleWarn.mockRestore();
  }, 15_000);
});
