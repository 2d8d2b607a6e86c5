/**
 * The shared multi-buy counter against the real Redis: routers claiming the same packet at once
 * never get more than max_copies between them, counters expire, and an unreachable or stalled
 * Redis fails open within the timeout instead of holding packets.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@cov/shared/config/config';
import { multiBuyKey, RedisMultiBuyCounter, type RedisMultiBuyCounterOptions } from './multi-buy-counter';

const REDIS_URL = loadConfig().TEST_REDIS_URL;

describe('shared multi-buy counter (redis)', () => {
  const prefix = `covtest_multibuy_${randomUUID().slice(0, 8)}`;
  const admin = new Redis(REDIS_URL, { lazyConnect: true });
  const counters: RedisMultiBuyCounter[] = [];
  const unavailable: Error[] = [];

  async function counter(over: Partial<RedisMultiBuyCounterOptions> = {}): Promise<RedisMultiBuyCounter> {
    const c = new RedisMultiBuyCounter({ url: REDIS_URL, prefix, timeoutMs: 1000, keepMs: 10_000, onUnavailable: (e) => unavailable.push(e), ...over });
    counters.push(c);
    await c.connect();
    return c;
  }
  const packet = () => randomUUID().replace(/-/g, '').repeat(2);

  beforeAll(async () => {
    await admin.connect();
  });

  afterAll(async () => {
    for (const c of counters) await c.close();
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('grants two routers claiming one packet at once no more than max_copies between them', async () => {
    const [a, b] = [await counter(), await counter()];
    const id = packet();
    const claims = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).claim([{ packetId: id, routeId: 'r1', wanted: 1, maxCopies: 3 }]));
    const grants = (await Promise.all(claims)).map(([g]) => g!);
    expect(grants.reduce((n, g) => n + g.granted, 0)).toBe(3);
    expect(grants.every((g) => g.granted === 0 || g.granted === 1)).toBe(true);
    // Each claim saw the count as it was: the granted ones 0, 1 and 2 copies bought before them.
    expect(grants.filter((g) => g.granted === 1).map((g) => g.boughtBefore).sort()).toEqual([0, 1, 2]);
    expect(await admin.get(multiBuyKey(prefix, id, 'r1'))).toBe('3');
    expect(unavailable).toEqual([]);
  });

  it('counts each route of a packet apart, and grants part of a claim when only part is left', async () => {
    const a = await counter();
    const id = packet();
    expect(await a.claim([{ packetId: id, routeId: 'r1', wanted: 2, maxCopies: 3 }])).toEqual([{ granted: 2, boughtBefore: 0 }]);
    expect(
      await a.claim([
        { packetId: id, routeId: 'r1', wanted: 2, maxCopies: 3 },
        { packetId: id, routeId: 'r2', wanted: 2, maxCopies: 1 },
        { packetId: packet(), routeId: 'r1', wanted: 1, maxCopies: 1 },
      ]),
    ).toEqual([
      { granted: 1, boughtBefore: 2 },
      { granted: 1, boughtBefore: 0 },
      { granted: 1, boughtBefore: 0 },
    ]);
    expect(await a.claim([{ packetId: id, routeId: 'r1', wanted: 1, maxCopies: 3 }])).toEqual([{ granted: 0, boughtBefore: 3 }]);
    // The key of a packet carries a hash tag, so a script's keys sit on one Redis Cluster slot.
    expect(multiBuyKey('p', 'ab', 'r1')).toBe('p:multibuy:{ab}:r1');
  });

  it('lets the first router that asks send a packet’s downlink, and only it', async () => {
    const [a, b] = [await counter(), await counter()];
    const id = packet();
    const answers = await Promise.all([a.claimDownlink(id), b.claimDownlink(id), a.claimDownlink(id)]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await b.claimDownlink(packet())).toBe(true);
  });

  it('forgets a packet after keepMs, so a later identical frame is bought again', async () => {
    const a = await counter({ keepMs: 150 });
    const id = packet();
    expect((await a.claim([{ packetId: id, routeId: 'r1', wanted: 1, maxCopies: 1 }]))[0]!.granted).toBe(1);
    expect((await a.claim([{ packetId: id, routeId: 'r1', wanted: 1, maxCopies: 1 }]))[0]!.granted).toBe(0);
    const ttl = await admin.pttl(multiBuyKey(prefix, id, 'r1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(150);
    await new Promise((r) => setTimeout(r, 250));
    expect((await a.claim([{ packetId: id, routeId: 'r1', wanted: 1, maxCopies: 1 }]))[0]!.granted).toBe(1);
  });

  it('fails open at once when Redis is unreachable: every claim granted, the failure reported', async () => {
    const errors: Error[] = [];
    const down = new RedisMultiBuyCounter({ url: 'redis://127.0.0.1:1', prefix, timeoutMs: 50, keepMs: 10_000, onUnavailable: (e) => errors.push(e) });
    counters.push(down);
    expect(await down.connect()).toBe(false);
    expect(await down.claim([{ packetId: packet(), routeId: 'r1', wanted: 2, maxCopies: 1 }])).toEqual([{ granted: 2, boughtBefore: 0 }]);
    expect(await down.claimDownlink(packet())).toBe(true);
    // Refused by the client itself (no queue while disconnected), not after waiting for a reconnection.
    expect(errors.at(-1)?.message).toMatch(/enableOfflineQueue/);
  });

  it('fails open after the timeout when Redis stalls, and counts again once it answers', async () => {
    const errors: Error[] = [];
    const a = await counter({ timeoutMs: 30, onUnavailable: (e) => errors.push(e) });
    const id = packet();
    // Redis holds every write (a script that sets keys counts as one) for 300 ms.
    await admin.call('CLIENT', 'PAUSE', '300', 'WRITE');
    expect((await a.claim([{ packetId: id, routeId: 'r1', wanted: 1, maxCopies: 1 }]))[0]!.granted).toBe(1);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/timed out/i)]);
    await new Promise((r) => setTimeout(r, 400));
    // The stalled claim ran once Redis resumed (it was sent), so the packet's one copy is taken.
    expect((await a.claim([{ packetId: id, routeId: 'r1', wanted: 1, maxCopies: 1 }]))[0]!.granted).toBe(0);
    expect((await a.claim([{ packetId: packet(), routeId: 'r1', wanted: 1, maxCopies: 1 }]))[0]!.granted).toBe(1);
  });
});
