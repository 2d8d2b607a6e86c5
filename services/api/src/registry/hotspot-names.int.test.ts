import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { allPages } from '@cov/app/testing/keyset-pages';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { nameUnnamedHotspots } from '@cov/shared/registry/hotspots-repository';
import { createLogger } from '@cov/shared/logger';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { hotspotNamingTask } from './registry-backfill-tasks';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

describe.each(allTestModes)('hotspot names and the registry list (%s)', (mode) => {
  let node: TestNode;
  const owner = keypairFromLabel(`names/${mode}/owner`);
  const addresses = Array.from({ length: 12 }, (_, i) => keypairFromLabel(`names/${mode}/hotspot/${i}`).address);
  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const names = (r: { body: { data: { name: string; address: string }[] } }) => r.body.data.map((h) => `${h.name} ${h.address}`);
  const unname = () => node.ctx.database.sql`update hotspots set name = null`;
  const storedNames = async () => (await node.ctx.database.sql<{ address: string; name: string | null }[]>`select address, name from hotspots order by address`).map((r) => [r.address, r.name]);

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock: new ManualClock(T0) });
    const maker = await call('POST', '/v1/admin/makers', { name: 'Named Hotspots' }, node.adminKey);
    for (const address of addresses) expect((await call('POST', '/v1/hotspots', { address, ownerAddress: owner.address }, maker.body.apiKey)).status).toBe(201);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('shows every hotspot with Helium\'s name of its address, and finds it by that name however it is written', async () => {
    const [address] = addresses;
    const name = hotspotName(address!);
    const one = await call('GET', `/v1/hotspots/${address}`);
    expect(one.body.name).toBe(name);
    expect((await call('GET', `/v1/owners/${owner.address}/hotspots`)).body.data.map((h: { name: string }) => h.name).sort()).toEqual(addresses.map(hotspotName).sort());
    const titleCase = name.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
    for (const written of [name, titleCase, name.replaceAll('-', '_').toUpperCase()]) {
      const found = await call('GET', `/v1/hotspots/name/${encodeURIComponent(written)}`);
      expect(found.status, written).toBe(200);
      expect(found.body.data, written).toEqual([one.body]);
    }
  });

  it('answers an empty list for a name nobody has, and a 400 for text that is not a name', async () => {
    const taken = new Set(addresses.map(hotspotName));
    const free = ['acidic-red-mouse', 'tall-plum-griffin'].find((n) => !taken.has(n))!;
    expect((await call('GET', `/v1/hotspots/name/${free}`)).body).toEqual({ data: [] });
    for (const bad of ['two-words', 'four-words-in-all', 'n4me-with-digit', '%25-x-y', 'acidic-red-mosue']) {
      const r = await call('GET', `/v1/hotspots/name/${bad}`);
      expect([r.status, r.body.error?.code, r.body.error?.details?.field], bad).toEqual([400, 'request.invalid', 'name']);
    }
    // A typo is named, so an owner sees what to fix instead of "no such hotspot".
    expect((await call('GET', '/v1/hotspots/name/Acidic%20Red%20Mosue')).body.error.message).toContain('"mosue" is not one of the animals');
  });

  it('searches by the start of a name in pages, by name then address', async () => {
    const all = addresses.map((a) => ({ name: hotspotName(a), address: a }));
    // The first letter of one hotspot's name, and its whole first word with the separator typed.
    const first = all[3]!;
    for (const search of [first.name[0]!, `${first.name.split('-')[0]} `, first.name.slice(0, -1).replaceAll('-', ' ').toUpperCase()]) {
      const prefix = search.trimStart().toLowerCase().replace(/[\s_-]+/g, '-');
      const expected = all.filter((h) => h.name.startsWith(prefix));
      expect(expected.length, search).toBeGreaterThan(0);
      const seen = (await allPages<{ name: string; address: string }>((cursor) => call('GET', `/v1/hotspots/name?search=${encodeURIComponent(search)}&limit=1${cursor ? `&cursor=${cursor}` : ''}`))).map(
        (h) => `${h.name} ${h.address}`,
      );
      const whole = await call('GET', `/v1/hotspots/name?search=${encodeURIComponent(search)}`);
      // Paging covers the whole answer once, in its order; the answer is exactly the hotspots so named.
      expect(seen).toEqual(names(whole));
      expect([...seen].sort()).toEqual(expected.map((h) => `${h.name} ${h.address}`).sort());
      // By name then address, in the database's own order (its collation's), which the keyset follows.
      const ordered = await node.ctx.database.sql<{ name: string; address: string }[]>`select name, address from hotspots where name like ${`${prefix}%`} order by name, address`;
      expect(seen, search).toEqual(ordered.map((h) => `${h.name} ${h.address}`));
    }
    for (const bad of ['', '%', 'a_%', 'abc1', 'a-b-c-d']) {
      const r = await call('GET', `/v1/hotspots/name?search=${encodeURIComponent(bad)}`);
      expect([r.status, r.body.error?.code], bad).toEqual([400, 'request.invalid']);
    }
    expect((await call('GET', '/v1/hotspots/name?search=a&cursor=e30')).body.error.code).toBe('request.invalid');
  });

  it('lists the whole registry in address order, in pages, optionally of one capability', async () => {
    const maker = await call('POST', '/v1/admin/makers', { name: 'Data-only Makers' }, node.adminKey);
    const dataOnly = keypairFromLabel(`names/${mode}/data-only`).address;
    expect((await call('POST', '/v1/hotspots', { address: dataOnly, ownerAddress: owner.address, capability: 'data_only' }, maker.body.apiKey)).status).toBe(201);
    const walk = async (query: string) => {
      const hotspots = await allPages<{ address: string; name: string; capability: string }>(async (cursor) => {
        const r = await call('GET', `/v1/hotspots?limit=5${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.body.data?.length ?? 0).toBeLessThanOrEqual(5);
        return r;
      });
      for (const h of hotspots) expect(h.name).toBe(hotspotName(h.address));
      return hotspots.map((h) => `${h.address} ${h.capability}`);
    };
    // In the database's own order of addresses (its collation's), which the keyset follows.
    const stored = await node.ctx.database.sql<{ address: string; capability: string }[]>`select address, capability::text from hotspots order by address`;
    const all = await walk('');
    expect(all).toEqual(stored.map((h) => `${h.address} ${h.capability}`));
    expect(await walk('&capability=data_only')).toEqual([`${dataOnly} data_only`]);
    expect((await walk('&capability=full')).length).toBe(stored.length - 1);
    expect((await call('GET', '/v1/hotspots?capability=light')).status).toBe(400);
    expect((await call('GET', '/v1/hotspots?cursor=e30')).body.error.code).toBe('request.invalid');
  });

  it('names hotspots that have no name yet (an upgraded registry, rows written around onboarding), in batches, idempotently', async () => {
    const named = await storedNames();
    expect(named.every(([a, n]) => n === hotspotName(a!))).toBe(true);
    await unname();
    // Unnamed rows still show their name, but a lookup by name misses them until they are named.
    const [address] = addresses;
    expect((await call('GET', `/v1/hotspots/${address}`)).body.name).toBe(hotspotName(address!));
    expect((await call('GET', `/v1/hotspots/name/${hotspotName(address!)}`)).body.data).toEqual([]);

    let batches = 0;
    expect(await nameUnnamedHotspots(node.ctx.database.db, { batchSize: 5, shouldStop: () => ++batches > 2 })).toBe(10);
    expect((await storedNames()).filter(([, n]) => n === null)).toHaveLength(named.length - 10);
    expect(await nameUnnamedHotspots(node.ctx.database.db, { batchSize: 5 })).toBe(named.length - 10);
    expect(await nameUnnamedHotspots(node.ctx.database.db)).toBe(0);
    expect(await storedNames()).toEqual(named);
    expect((await call('GET', `/v1/hotspots/name/${hotspotName(address!)}`)).body.data.map((h: { address: string }) => h.address)).toContain(address);
  });

  it('names them in the background as the API runs', async () => {
    const named = await storedNames();
    await unname();
    const task = hotspotNamingTask(node.ctx.database.db, createLogger({ LOG_LEVEL: 'silent' }), 20);
    await task.start();
    try {
      const deadline = Date.now() + 15_000;
      while ((await storedNames()).some(([, n]) => n === null) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await storedNames()).toEqual(named);
    } finally {
      await task.stop();
    }
  });
});
