import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { createQueueFactory, type QueueBackendConfig, type QueueFactory } from './queue-factory';

const config = loadConfig();

describe.each(['redis', 'postgres'] as const)('typed queues on %s', (kind) => {
  let database: TestDatabase;
  let factory: QueueFactory;

  beforeAll(async () => {
    database = await createTestDatabase();
    const backend: QueueBackendConfig = kind === 'redis' ? { kind, url: config.TEST_REDIS_URL, prefix: `covtest_${database.name}` } : { kind, url: database.url };
    factory = createQueueFactory(backend);
  });
  afterAll(async () => {
    await factory?.close();
    await database?.drop();
  });

  it('delivers batches to a worker with their validated payloads', async () => {
    const received: string[][] = [];
    const done = new Promise<void>((resolve) => {
      factory.worker('verifyBeacons', async (payload) => {
        received.push(payload.beaconIds);
        if (received.length === 3) resolve();
      });
    });
    await factory.queue('verifyBeacons').addBatch([{ beaconIds: ['a', 'b'] }, { beaconIds: ['c'] }]);
    await factory.queue('verifyBeacons').add({ beaconIds: ['d'] });
    await done;
    expect(received.flat().sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(await factory.isReachable()).toBe(true);
  });

  it('refuses a payload that does not match the registry schema', async () => {
    await expect(factory.queue('verifyBeacons').add({ beaconIds: [''] })).rejects.toMatchObject({ code: 'request.invalid' });
    await expect(factory.queue('verifyBeacons').add({ beaconIds: [] })).rejects.toThrow(/poc-verify-beacons/);
    await expect(factory.queue('verifyBeacons').add({ beaconIds: ['x'], extra: 1 } as never)).rejects.toThrow();
  });
});
