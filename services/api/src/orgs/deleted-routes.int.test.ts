import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ManualClock } from '@cov/shared/clock';
import { loadRoutingConfig, readRoutingConfigVersion } from '@cov/shared/routing/routing-config';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';

const T0 = Date.UTC(2026, 10, 12, 10, 0, 0);
const DAY_MS = 86_400_000;

describe.each(allTestModes)('deleted routes (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  let a: { id: string; key: string; block: { start: string } };
  let b: { id: string; key: string; block: { start: string } };

  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
  const http = { protocol: 'http', url: 'http://127.0.0.1:9/uplink' };
  const newOrg = async (name: string) => {
    const r = await call('POST', '/v1/admin/orgs', { name, devAddrCount: 8 }, node.adminKey);
    expect(r.status).toBe(201);
    return { id: r.body.org.id as string, key: r.body.apiKey as string, block: r.body.org.devAddrBlocks[0] as { start: string } };
  };
  /** The DevAddr `offset` places into a block, as 8 hex. */
  const addrIn = (block: { start: string }, offset: number) => (parseInt(block.start, 16) + offset).toString(16).padStart(8, '0');
  const newRoute = async (org: { id: string; key: string }, body: Record<string, unknown> = {}) => {
    const r = await call('POST', `/v1/orgs/${org.id}/routes`, { endpoint: http, ...body }, org.key);
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const del = (org: { id: string; key: string }, routeId: string, key = org.key) => call('DELETE', `/v1/orgs/${org.id}/routes/${routeId}`, undefined, key);

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    a = await newOrg('Acme Archive');
    b = await newOrg('Beta Archive');
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('keeps the record of a deleted route, without its credentials, with who deleted it', async () => {
    const org = await newOrg('Gamma Records');
    const named = await call('POST', `/v1/orgs/${org.id}/api-keys`, { scope: 'write', name: 'ops console' }, org.key);
    const route = await newRoute(org, {
      name: 'old LNS',
      endpoint: { protocol: 'http', url: 'https://lns-user:lns-pass@lns.example/up?token=tok3n', authHeader: 'Bearer lns-secret' },
      maxCopies: 4,
      active: false,
      devAddrRanges: [
        { start: addrIn(org.block, 4), end: addrIn(org.block, 7) },
        { start: addrIn(org.block, 0), end: addrIn(org.block, 1) },
      ],
      euiPairs: [
        { joinEui: '70b3d57ed0000001', devEui: '0000000000000000' },
        { joinEui: '70b3d57ed0000001', devEui: '0004a30b001c0530' },
      ],
    });
    expect((await call('POST', `/v1/orgs/${org.id}/routes/${route}/skfs`, { add: [{ devAddr: addrIn(org.block, 0), sessionKey: '2b7e151628aed2a6abf7158809cf4f3c' }] }, org.key)).status).toBe(204);
    // The router's record of the endpoint's last outage (route_delivery cascades away with the route).
    await node.ctx.database.sql`insert into route_delivery (route_id, last_error, last_error_at_ms, backoffs, backoff_until_ms, recovered_at_ms)
      values (${route}, 'status_503', ${T0 - 60_000}, 3, ${T0 + 60_000}, null)`;
    clock.set(T0 + 1000);
    expect((await del(org, route, named.body.apiKey)).status).toBe(204);
    clock.set(T0);

    const record = await call('GET', `/v1/orgs/${org.id}/deleted-routes/${route}`, undefined, org.key);
    expect(record.status).toBe(200);
    expect(record.body).toEqual({
      id: route,
      orgId: org.id,
      name: 'old LNS',
      endpoint: { protocol: 'http', url: 'https://lns.example/up', hasAuthHeader: true },
      maxCopies: 4,
      active: false,
      locked: false,
      devAddrRanges: [
        { start: addrIn(org.block, 0), end: addrIn(org.block, 1) },
        { start: addrIn(org.block, 4), end: addrIn(org.block, 7) },
      ],
      euiPairCount: 2,
      skfCount: 1,
      // As it stood when the route was deleted: backing off then.
      delivery: { backingOff: true, backoffUntil: new Date(T0 + 60_000).toISOString(), backoffs: 3, lastError: 'status_503', lastErrorAt: new Date(T0 - 60_000).toISOString(), recoveredAt: null },
      createdAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0).toISOString(),
      deletedAt: new Date(T0 + 1000).toISOString(),
      deletedBy: { kind: 'api_key', keyId: named.body.key.id, name: 'ops console', prefix: named.body.key.prefix },
    });
    const stored = JSON.stringify(await node.ctx.database.sql`select * from deleted_routes where id = ${route}`);
    for (const secret of ['lns-secret', 'tok3n', 'lns-pass', 'lns-user', '2b7e1516']) expect(stored).not.toContain(secret);

    // The admin key deleting leaves the operator's mark, and a revoked key's name still shows.
    const byAdmin = await newRoute(org, { endpoint: { protocol: 'gwmp', host: 'lns.example', port: 1700, regionPorts: { EU868: 1702 } } });
    expect((await del(org, byAdmin, node.adminKey)).status).toBe(204);
    expect((await call('DELETE', `/v1/orgs/${org.id}/api-keys/${named.body.key.id}`, undefined, org.key)).status).toBe(204);
    const list = await call('GET', `/v1/orgs/${org.id}/deleted-routes`, undefined, org.key);
    expect(list.body.data.map((r: any) => [r.id, r.deletedBy.kind, r.deletedBy.name])).toEqual([
      [route, 'api_key', 'ops console'],
      [byAdmin, 'admin', undefined],
    ]);
    expect(list.body.data[1].endpoint).toEqual({ protocol: 'gwmp', host: 'lns.example', port: 1700, regionPorts: { EU868: 1702 } });
    // Live listings never include them.
    expect((await call('GET', `/v1/orgs/${org.id}/routes`, undefined, org.key)).body.data).toEqual([]);
  });

  it('lists deleted routes newest deletion first, in pages, and only the org’s own', async () => {
    const org = await newOrg('Delta Pages');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await newRoute(org, { name: `r${i}` }));
    // Deletion times by route: 3 last, 0 and 4 in the same millisecond (the id breaks the tie), 2 first.
    const at = [T0 + 3000, T0 + 2000, T0 + 1000, T0 + 5000, T0 + 3000];
    for (const i of [2, 0, 4, 1, 3]) {
      clock.set(at[i]!);
      expect((await del(org, ids[i]!)).status).toBe(204);
    }
    clock.set(T0);
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let pages = 0; cursor !== null; pages++) {
      expect(pages).toBeLessThan(5);
      const r = await call('GET', `/v1/orgs/${org.id}/deleted-routes?limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, org.key);
      expect(r.status).toBe(200);
      expect(r.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.data.map((x: { id: string }) => x.id));
      cursor = r.body.cursor;
    }
    const tied = [ids[0]!, ids[4]!].sort().reverse();
    expect(seen).toEqual([ids[3], ...tied, ids[1], ids[2]]);
    // Another org's deleted routes are not in this org's list, and this org's not in theirs.
    expect((await call('GET', `/v1/orgs/${a.id}/deleted-routes`, undefined, a.key)).body.data.map((x: { id: string }) => x.id)).not.toContain(ids[0]);
    expect(code(await call('GET', `/v1/orgs/${org.id}/deleted-routes?cursor=bogus`, undefined, org.key))).toEqual([400, 'request.invalid']);
    const forged = Buffer.from(JSON.stringify({ t: T0, i: 'not-a-uuid' })).toString('base64url');
    expect(code(await call('GET', `/v1/orgs/${org.id}/deleted-routes?cursor=${forged}`, undefined, org.key))).toEqual([400, 'request.invalid']);
    expect(code(await call('GET', `/v1/orgs/${org.id}/deleted-routes?limit=0`, undefined, org.key))).toEqual([400, 'request.invalid']);
    // The live list takes no state filter: asking it for deleted routes is not answered with live ones.
    const r = await call('GET', `/v1/orgs/${org.id}/routes?state=deleted`, undefined, org.key);
    expect([...code(r), r.body.error.details.field]).toEqual([400, 'request.invalid', 'querystring/state']);
  });

  it('keeps answering a deleted route’s stats, drops, packets, EUI pairs and carrying hotspots, with deletedAt', async () => {
    const route = await newRoute(a, { euiPairs: ['01', '02', '03'].map((n) => ({ joinEui: '70b3d57ed0000001', devEui: `00000000000000${n}` })) });
    const live = await newRoute(a);
    const sql = node.ctx.database.sql;
    const hash = Buffer.alloc(32, 0x5a);
    const heardAt = T0 - 2 * DAY_MS;
    // As the router's settle writes them.
    await sql`insert into route_stats_daily (route_id, org_id, day, packets, copies, dc) values (${route}, ${a.id}, '2026-11-10', 40, 80, 80), (${route}, ${a.id}, '2026-11-11', 2, 4, 4)`;
    await sql`insert into route_drops_daily (route_id, org_id, day, reason, count) values (${route}, ${a.id}, '2026-11-10', 'insufficient_dc', 5), (${route}, ${a.id}, '2026-11-11', 'endpoint_error', 1)`;
    await sql`insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, f_cnt, f_port, payload_bytes, copies_heard, copies_bought, dc, status, received_at_ms)
      values (${hash}, ${route}, ${a.id}, 'uplink', 'fc014c03', 99, 2, 10, 2, 1, 1, 'forwarded', ${heardAt})`;
    await sql`insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
      values (${hash}, ${route}, ${a.id}, 'hotspot-of-the-old-route', 1, -80, 4.5, 868100000, 'SF7BW125', ${heardAt + 10})`;
    await sql`insert into org_hotspots_daily (org_id, day, hotspot_address, route_id, copies, dc, last_at_ms) values (${a.id}, '2026-11-10', 'hotspot-of-the-old-route', ${route}, 80, 80, ${heardAt + 10})`;
    const before = await Promise.all(['stats', 'packets', `packets/${hash.toString('hex')}`].map(async (p) => (await call('GET', `/v1/orgs/${a.id}/routes/${route}/${p}`, undefined, a.key)).body));

    clock.set(T0 + 5000);
    expect((await del(a, route)).status).toBe(204);
    clock.set(T0);
    const deletedAt = new Date(T0 + 5000).toISOString();

    // What answered before the deletion answers the same after it (404 routes.not_found before), with deletedAt.
    const stats = await call('GET', `/v1/orgs/${a.id}/routes/${route}/stats`, undefined, a.key);
    expect(stats.status).toBe(200);
    expect(stats.body).toEqual({ ...before[0], deletedAt });
    expect(stats.body.totals).toEqual({ packets: 42, copies: 84, dc: 84, drops: { insufficient_dc: 5, endpoint_error: 1 } });
    const packets = await call('GET', `/v1/orgs/${a.id}/routes/${route}/packets?devAddr=fc014c03`, undefined, a.key);
    expect(packets.body).toEqual({ ...before[1], deletedAt });
    expect(packets.body.data.map((p: { fCnt: number }) => p.fCnt)).toEqual([99]);
    const one = await call('GET', `/v1/orgs/${a.id}/routes/${route}/packets/${hash.toString('hex')}`, undefined, a.key);
    expect(one.body).toEqual({ ...before[2], deletedAt });
    expect(one.body.copies.map((c: { hotspot: string }) => c.hotspot)).toEqual(['hotspot-of-the-old-route']);
    // The pairs it had when deleted, paged as a live route's are.
    const first = await call('GET', `/v1/orgs/${a.id}/routes/${route}/eui-pairs?limit=2`, undefined, a.key);
    expect(first.body.data.map((p: { devEui: string }) => p.devEui)).toEqual(['0000000000000001', '0000000000000002']);
    expect(first.body.deletedAt).toBe(deletedAt);
    const rest = await call('GET', `/v1/orgs/${a.id}/routes/${route}/eui-pairs?limit=2&cursor=${first.body.cursor}`, undefined, a.key);
    expect([rest.body.data.map((p: { devEui: string }) => p.devEui), rest.body.cursor]).toEqual([['0000000000000003'], null]);
    const hotspots = await call('GET', `/v1/orgs/${a.id}/hotspots?days=7&route=${route}`, undefined, a.key);
    expect(hotspots.status).toBe(200);
    expect(hotspots.body.data.map((h: { address: string; copies: number }) => [h.address, h.copies])).toEqual([['hotspot-of-the-old-route', 80]]);

    // A live route says it is live.
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${live}/stats`, undefined, a.key)).body.deletedAt).toBeNull();
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${live}/packets`, undefined, a.key)).body.deletedAt).toBeNull();
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${live}/eui-pairs`, undefined, a.key)).body.deletedAt).toBeNull();
    expect((await del(a, live)).status).toBe(204);
  });

  it('answers 410 routes.deleted to every change of a deleted route and to its live-only views, and changes nothing', async () => {
    const route = await newRoute(a, { devAddrRanges: [{ start: addrIn(a.block, 0), end: addrIn(a.block, 3) }] });
    expect((await del(a, route)).status).toBe(204);
    const version = await readRoutingConfigVersion(node.ctx.database.db);
    const base = `/v1/orgs/${a.id}/routes/${route}`;
    const refused = [
      ['PATCH', base, { active: true }, a.key],
      ['PATCH', base, { devAddrRanges: [{ start: addrIn(a.block, 0), end: addrIn(a.block, 1) }] }, a.key],
      ['DELETE', base, undefined, a.key],
      ['DELETE', base, undefined, node.adminKey],
      ['POST', `${base}/eui-pairs`, { add: [{ joinEui: '70b3d57ed0000009', devEui: '0000000000000000' }] }, a.key],
      ['POST', `${base}/skfs`, { add: [{ devAddr: addrIn(a.block, 0), sessionKey: '00'.repeat(16) }] }, a.key],
      ['PATCH', `/v1/admin/orgs/${a.id}/routes/${route}`, { locked: true }, node.adminKey],
      ['GET', base, undefined, a.key],
      ['GET', `${base}/skfs`, undefined, a.key],
    ] as const;
    for (const [method, path, body, key] of refused) {
      const r = await call(method, path, body, key);
      expect([method, path, ...code(r)]).toEqual([method, path, 410, 'routes.deleted']);
      expect(r.body.error.details).toEqual({ deletedAt: expect.any(String), deletedRoute: `/v1/orgs/${a.id}/deleted-routes/${route}` });
    }
    expect(await readRoutingConfigVersion(node.ctx.database.db)).toBe(version);
    const [row] = await node.ctx.database.sql`select (select count(*)::int from routes where id = ${route}) as live, (select count(*)::int from deleted_route_eui_pairs where route_id = ${route}) as pairs`;
    expect(row).toEqual({ live: 0, pairs: 0 });
    // A deleted route streams nothing: refused before the upgrade, as a foreign one is.
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${node.httpBaseUrl.replace('http', 'ws')}/v1/orgs/${a.id}/stream?route=${route}`, { headers: { authorization: `Bearer ${a.key}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('upgraded')));
    });
    expect(status).toBe(410);
    // A route that never existed is still a 404.
    const never = '00000000-0000-4000-8000-00000000dead';
    expect(code(await call('PATCH', `/v1/orgs/${a.id}/routes/${never}`, { active: true }, a.key))).toEqual([404, 'routes.not_found']);
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${never}/stats`, undefined, a.key))).toEqual([404, 'routes.not_found']);
    expect(code(await call('GET', `/v1/orgs/${a.id}/deleted-routes/${never}`, undefined, a.key))).toEqual([404, 'routes.not_found']);
  });

  it('deletes once when two deletes race: one 204, one 410, one record', async () => {
    const route = await newRoute(a, { euiPairs: [{ joinEui: '70b3d57ed0000007', devEui: '0000000000000000' }] });
    const answers = await Promise.all([del(a, route), del(a, route)]);
    expect(answers.map((r) => r.status).sort()).toEqual([204, 410]);
    const [row] = await node.ctx.database.sql`select (select count(*)::int from deleted_routes where id = ${route}) as records, (select count(*)::int from deleted_route_eui_pairs where route_id = ${route}) as pairs`;
    expect(row).toEqual({ records: 1, pairs: 1 });
  });

  it('takes a deleted route out of the routers’ configuration and frees its DevAddr ranges and EUI pairs for another route', async () => {
    const pair = { joinEui: '70b3d57ed00000aa', devEui: '0000000000000000' };
    const range = { start: addrIn(a.block, 4), end: addrIn(a.block, 7) };
    const old = await newRoute(a, { devAddrRanges: [range], euiPairs: [pair] });
    const skfKey = 'aa'.repeat(16);
    expect((await call('POST', `/v1/orgs/${a.id}/routes/${old}/skfs`, { add: [{ devAddr: addrIn(a.block, 5), sessionKey: skfKey }] }, a.key)).status).toBe(204);
    const holds = (config: Awaited<ReturnType<typeof loadRoutingConfig>>, routeId: string) => ({
      route: config.routes.some((r) => r.id === routeId),
      ranges: config.devAddrRanges.filter((r) => r.routeId === routeId).length,
      pairs: config.euiPairs.filter((p) => p.routeId === routeId).length,
      skfs: config.skfs.filter((s) => s.routeId === routeId).length,
    });
    expect(holds(await loadRoutingConfig(node.ctx.database.db), old)).toEqual({ route: true, ranges: 1, pairs: 1, skfs: 1 });
    const version = await readRoutingConfigVersion(node.ctx.database.db);
    expect((await del(a, old)).status).toBe(204);
    // Routers reload when the version moves, and then find nothing of the old route.
    expect(await readRoutingConfigVersion(node.ctx.database.db)).toBeGreaterThan(version);
    expect(holds(await loadRoutingConfig(node.ctx.database.db), old)).toEqual({ route: false, ranges: 0, pairs: 0, skfs: 0 });
    const successor = await newRoute(a, { devAddrRanges: [range], euiPairs: [pair] });
    const config = await loadRoutingConfig(node.ctx.database.db);
    expect(holds(config, successor)).toEqual({ route: true, ranges: 1, pairs: 1, skfs: 0 });
    expect(config.euiPairs.filter((p) => p.joinEui === pair.joinEui).map((p) => p.routeId)).toEqual([successor]);
    expect((await del(a, successor)).status).toBe(204);
  });

  it('lists the devices of a deleted route that only dropped packets (it has no daily stats)', async () => {
    const org = await newOrg('Epsilon Drops');
    const route = await newRoute(org);
    await node.ctx.database.sql`insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, f_cnt, f_port, payload_bytes, copies_heard, copies_bought, dc, status, received_at_ms)
      values (${Buffer.alloc(32, 0xd7)}, ${route}, ${org.id}, 'uplink', 'fc014c06', 12, 2, 10, 1, 0, 0, 'insufficient_dc', ${T0 - 60_000})`;
    const devices = async () => (await call('GET', `/v1/orgs/${org.id}/devices`, undefined, org.key)).body.data.map((d: { devAddr: string; lastStatus: string }) => [d.devAddr, d.lastStatus]);
    expect(await devices()).toEqual([['fc014c06', 'insufficient_dc']]);
    // Its device vanished with the route: a device maker asking why it went quiet saw nothing.
    expect((await del(org, route)).status).toBe(204);
    expect(await devices()).toEqual([['fc014c06', 'insufficient_dc']]);
  });

  it('never shows an org another org’s deleted route', async () => {
    const route = await newRoute(b, { euiPairs: [{ joinEui: '70b3d57ed00000bb', devEui: '0000000000000000' }] });
    await node.ctx.database.sql`insert into route_stats_daily (route_id, org_id, day, packets, copies, dc) values (${route}, ${b.id}, '2026-11-12', 1, 1, 1)`;
    expect((await del(b, route)).status).toBe(204);
    // Through its own org path: not found, as if it never existed (not 410, which would tell it did).
    for (const [method, path, body] of [
      ['GET', `/v1/orgs/${a.id}/deleted-routes/${route}`],
      ['GET', `/v1/orgs/${a.id}/routes/${route}`],
      ['GET', `/v1/orgs/${a.id}/routes/${route}/stats`],
      ['GET', `/v1/orgs/${a.id}/routes/${route}/packets`],
      ['GET', `/v1/orgs/${a.id}/routes/${route}/eui-pairs`],
      ['GET', `/v1/orgs/${a.id}/hotspots?route=${route}`],
      ['PATCH', `/v1/orgs/${a.id}/routes/${route}`, { active: true }],
      ['DELETE', `/v1/orgs/${a.id}/routes/${route}`],
    ] as const) {
      expect([method, path, ...code(await call(method, path, body, a.key))]).toEqual([method, path, 404, 'routes.not_found']);
    }
    // Through the other org's path: forbidden, as for everything of another org.
    for (const path of [`/v1/orgs/${b.id}/deleted-routes`, `/v1/orgs/${b.id}/deleted-routes/${route}`, `/v1/orgs/${b.id}/routes/${route}/stats`]) {
      expect([path, ...code(await call('GET', path, undefined, a.key))]).toEqual([path, 403, 'auth.forbidden']);
    }
    expect((await call('GET', `/v1/orgs/${a.id}/deleted-routes`, undefined, a.key)).body.data.map((x: { id: string }) => x.id)).not.toContain(route);
    expect((await call('GET', `/v1/orgs/${b.id}/deleted-routes/${route}`, undefined, b.key)).status).toBe(200);
  });

  it('documents the deleted-route views and the 410 in the OpenAPI document', async () => {
    const doc = await (await fetch(`${node.httpBaseUrl}/docs/json`)).json();
    expect(doc.components.schemas.DeletedRoute.properties).toHaveProperty('deletedAt');
    expect(doc.paths['/v1/orgs/{orgId}/deleted-routes'].get.responses['200']).toBeDefined();
    expect(doc.paths['/v1/orgs/{orgId}/deleted-routes/{routeId}'].get.responses['200']).toBeDefined();
    for (const [path, method] of [
      ['/v1/orgs/{orgId}/routes/{routeId}', 'patch'],
      ['/v1/orgs/{orgId}/routes/{routeId}', 'delete'],
      ['/v1/orgs/{orgId}/routes/{routeId}', 'get'],
      ['/v1/orgs/{orgId}/routes/{routeId}/eui-pairs', 'post'],
      ['/v1/orgs/{orgId}/routes/{routeId}/skfs', 'post'],
    ] as const) {
      expect([path, method, Object.keys(doc.paths[path][method].responses)]).toEqual([path, method, expect.arrayContaining(['410'])]);
    }
  });
});
