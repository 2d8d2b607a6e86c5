import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { allPages } from '@cov/app/testing/keyset-pages';
import { orgApiKeyHash } from '@cov/shared/routing/org-api-keys';
import { readRoutingConfigVersion } from '@cov/shared/routing/routing-config';
import { eq } from 'drizzle-orm';
import { orgs, routes, routeStatsDaily } from '@cov/shared/db/schema/routing';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { hashApiKey } from '../auth/api-keys';

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);

describe.each(allTestModes)('device-maker API (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  let a: { id: string; key: string; block: { start: string; end: string } };
  let b: { id: string; key: string; block: { start: string; end: string } };

  const call = (method: string, path: string, body?: unknown, key?: string, headers?: Record<string, string>) => node.call(method, path, body, key, headers);
  const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
  const setRouteUpdatedAt = (routeId: string, ms: number) => node.ctx.database.db.update(routes).set({ updatedAt: new Date(ms) }).where(eq(routes.id, routeId));

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    for (const [name, count] of [
      ['Acme Sensors', 8],
      ['Beta Meters', 16],
    ] as const) {
      const r = await call('POST', '/v1/admin/orgs', { name, devAddrCount: count }, node.adminKey);
      expect(r.status).toBe(201);
      const org = { id: r.body.org.id, key: r.body.apiKey, block: r.body.org.devAddrBlocks[0] };
      if (name === 'Acme Sensors') a = org;
      else b = org;
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('hashes org keys the way the router checks them', () => {
    expect(orgApiKeyHash(a.key)).toBe(hashApiKey(a.key));
  });

  it('creates organisations with even DevAddr blocks from the NetID, first fit', async () => {
    expect(a.block).toMatchObject({ start: 'fc014c00', end: 'fc014c07', size: 8 });
    expect(b.block).toMatchObject({ start: 'fc014c08', end: 'fc014c17', size: 16 });
    const more = await call('POST', `/v1/admin/orgs/${a.id}/devaddr-blocks`, { count: 10 }, node.adminKey);
    expect(more.status).toBe(201);
    expect(more.body).toMatchObject({ start: 'fc014c18', end: 'fc014c21', size: 10 });
    const org = await call('GET', `/v1/orgs/${a.id}`, undefined, a.key);
    expect(org.body).toMatchObject({ name: 'Acme Sensors', netId: 'C00053', balanceDc: 0 });
    expect(org.body.devAddrBlocks.map((x: { start: string }) => x.start)).toEqual(['fc014c00', 'fc014c18']);
  });

  it('refuses bad organisation requests with stable codes', async () => {
    expect(code(await call('POST', '/v1/admin/orgs', { name: 'X' }))).toEqual([401, 'auth.missing_key']);
    expect(code(await call('POST', '/v1/admin/orgs', { name: 'X' }, a.key))).toEqual([401, 'auth.bad_key']);
    expect(code(await call('POST', '/v1/admin/orgs', { name: 'Acme Sensors' }, node.adminKey))).toEqual([409, 'orgs.already_exists']);
    expect(code(await call('POST', '/v1/admin/orgs', { name: 'Odd', devAddrCount: 9 }, node.adminKey))).toEqual([400, 'devaddr.invalid_count']);
    expect(code(await call('POST', '/v1/admin/orgs', { name: 'Small', devAddrCount: 6 }, node.adminKey))).toEqual([400, 'devaddr.invalid_count']);
    expect(code(await call('POST', `/v1/admin/orgs/${a.id}/devaddr-blocks`, { count: 2048 }, node.adminKey))).toEqual([409, 'devaddr.exhausted']);
    const nobody = '00000000-0000-4000-8000-000000000000';
    expect(code(await call('POST', `/v1/admin/orgs/${nobody}/devaddr-blocks`, { count: 8 }, node.adminKey))).toEqual([404, 'orgs.not_found']);
    expect(code(await call('POST', `/v1/admin/orgs/${nobody}/dc`, { amountDc: 5 }, node.adminKey))).toEqual([404, 'orgs.not_found']);
    expect(code(await call('GET', `/v1/orgs/${nobody}`, undefined, node.adminKey))).toEqual([404, 'orgs.not_found']);
    expect(code(await call('POST', `/v1/admin/orgs/${a.id}/dc`, { amountDc: 0 }, node.adminKey))).toEqual([400, 'request.invalid']);
    expect(code(await call('POST', `/v1/admin/orgs/${a.id}/dc`, { amountDc: 5 }, a.key))).toEqual([401, 'auth.bad_key']);
    // Each was a 500: a NUL in a text column, "Infinity" coerced past amountDc's maximum into SQL.
    // Nothing is credited (the ledger test below starts from a zero balance).
    expect(code(await call('POST', '/v1/admin/orgs', { name: 'Nul\u0000Org' }, node.adminKey))).toEqual([400, 'request.invalid']);
    expect(code(await call('POST', `/v1/admin/orgs/${a.id}/dc`, { amountDc: 5, memo: 'x\u0000' }, node.adminKey))).toEqual([400, 'request.invalid']);
    for (const amountDc of ['Infinity', '1e400', '-Infinity']) expect(code(await call('POST', `/v1/admin/orgs/${a.id}/dc`, { amountDc }, node.adminKey))).toEqual([400, 'request.invalid']);
  });

  it('keeps an append-only DC ledger whose last row is the balance', async () => {
    let r = await call('POST', `/v1/admin/orgs/${a.id}/dc`, { amountDc: 1000, kind: 'purchase', memo: 'invoice 17' }, node.adminKey);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'purchase', amountDc: 1000, balanceAfterDc: 1000, memo: 'invoice 17' });
    r = await call('POST', `/v1/admin/orgs/${a.id}/dc`, { amountDc: 50 }, node.adminKey);
    expect(r.body).toMatchObject({ kind: 'top_up', amountDc: 50, balanceAfterDc: 1050 });
    const ledger = await call('GET', `/v1/orgs/${a.id}/dc?limit=1`, undefined, a.key);
    expect(ledger.body.balanceDc).toBe(1050);
    expect(ledger.body.data.map((e: { amountDc: number }) => e.amountDc)).toEqual([50]);
    const page2 = await call('GET', `/v1/orgs/${a.id}/dc?limit=1&cursor=${ledger.body.cursor}`, undefined, a.key);
    expect(page2.body.data.map((e: { amountDc: number }) => e.amountDc)).toEqual([1000]);
    expect(page2.body.cursor).toBeNull();
    expect(code(await call('GET', `/v1/orgs/${a.id}/dc?cursor=bogus`, undefined, a.key))).toEqual([400, 'request.invalid']);
  });

  it('narrows the ledger to a time range and a kind, for a month\'s accounts', async () => {
    const created = await call('POST', '/v1/admin/orgs', { name: 'Delta Ledger' }, node.adminKey);
    const org = { id: created.body.org.id as string, key: created.body.apiKey as string };
    const rows: [string, number, number][] = [
      ['purchase', 1000, Date.UTC(2026, 8, 30, 23)],
      ['burn', -10, Date.UTC(2026, 9, 1)],
      ['top_up', 50, Date.UTC(2026, 9, 15)],
      ['burn', -20, Date.UTC(2026, 9, 31, 23, 59)],
      ['burn', -5, Date.UTC(2026, 10, 1)],
    ];
    let balance = 0;
    for (const [kind, amount, at] of rows) {
      balance += amount;
      await node.ctx.database.sql`insert into dc_ledger (org_id, kind, amount_dc, balance_after_dc, created_at_ms) values (${org.id}, ${kind}, ${amount}, ${balance}, ${at})`;
    }
    const amounts = async (query: string) => {
      const r = await call('GET', `/v1/orgs/${org.id}/dc?${query}`, undefined, org.key);
      expect(r.status).toBe(200);
      return r.body.data.map((e: { amountDc: number }) => e.amountDc);
    };
    // October: only the whole ledger, newest first, page after page, could be had.
    expect(await amounts('min_time=2026-10-01&max_time=2026-11-01')).toEqual([-20, 50, -10]);
    expect(await amounts('min_time=2026-10-01&max_time=2026-11-01&kind=burn')).toEqual([-20, -10]);
    expect(await amounts('kind=purchase')).toEqual([1000]);
    expect(await amounts('max_time=2026-10-01')).toEqual([1000]);
    const page = await call('GET', `/v1/orgs/${org.id}/dc?min_time=2026-10-01&limit=2`, undefined, org.key);
    expect(page.body.data.map((e: { amountDc: number }) => e.amountDc)).toEqual([-5, -20]);
    expect(await amounts(`min_time=2026-10-01&limit=2&cursor=${page.body.cursor}`)).toEqual([50, -10]);
    // The same pages as CSV, for accounting: the rows the JSON pages carry, the next page's cursor in a header.
    const csvPage = await call('GET', `/v1/orgs/${org.id}/dc?min_time=2026-10-01&limit=2&format=csv`, undefined, org.key);
    expect(csvPage.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvPage.headers.get('x-next-cursor')).toBe(page.body.cursor);
    const csvLines = csvPage.text.trim().split('\r\n');
    expect(csvLines[0]).toBe('id,created_at,kind,amount_dc,balance_after_dc,copies,memo');
    expect(csvLines.slice(1)).toEqual(page.body.data.map((e: any) => [e.id, e.createdAt, e.kind, e.amountDc, e.balanceAfterDc, e.copies, e.memo].join(',')));
    const lastCsv = await call('GET', `/v1/orgs/${org.id}/dc?min_time=2026-10-01&limit=2&format=csv&cursor=${page.body.cursor}`, undefined, org.key);
    expect(lastCsv.headers.get('x-next-cursor')).toBeNull();
    expect(lastCsv.text.trim().split('\r\n').slice(1).map((l) => Number(l.split(',')[3]))).toEqual([50, -10]);
    expect(code(await call('GET', `/v1/orgs/${org.id}/dc?min_time=2026-11-01&max_time=2026-10-01`, undefined, org.key))).toEqual([400, 'request.invalid']);
    expect(code(await call('GET', `/v1/orgs/${org.id}/dc?min_time=2024-01-01&max_time=2026-10-01`, undefined, org.key))).toEqual([400, 'request.invalid']);
    expect(code(await call('GET', `/v1/orgs/${org.id}/dc?min_time=yesterday`, undefined, org.key))).toEqual([400, 'request.invalid']);
    expect(code(await call('GET', `/v1/orgs/${org.id}/dc?kind=refund`, undefined, org.key))).toEqual([400, 'request.invalid']);
  });

  it('takes DC back or gives it with a correction that says why, never below zero, and keeps both rows', async () => {
    const created = await call('POST', '/v1/admin/orgs', { name: 'Epsilon Corrections' }, node.adminKey);
    const org = { id: created.body.org.id as string, key: created.body.apiKey as string };
    const credit = (body: unknown) => call('POST', `/v1/admin/orgs/${org.id}/dc`, body, node.adminKey);
    const balance = async () => (await call('GET', `/v1/orgs/${org.id}/dc`, undefined, org.key)).body.balanceDc as number;
    expect((await credit({ amountDc: 5000, kind: 'purchase', memo: 'invoice 88, meant for Acme' })).status).toBe(201);
    // Before: a mistaken credit could not be undone (the amount had to be at least 1).
    const back = await credit({ amountDc: -4000, kind: 'correction', memo: 'invoice 88 belonged to Acme' });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ kind: 'correction', amountDc: -4000, balanceAfterDc: 1000, memo: 'invoice 88 belonged to Acme' });
    const tooMuch = await credit({ amountDc: -1001, kind: 'correction', memo: 'more than there is' });
    expect(code(tooMuch)).toEqual([422, 'dc.correction_exceeds_balance']);
    expect(tooMuch.body.error.details).toEqual({ balanceDc: 1000 });
    expect((await credit({ amountDc: 3, kind: 'correction', memo: 'packets 17-19 never reached the LNS' })).body).toMatchObject({ balanceAfterDc: 1003 });
    for (const [body, field] of [
      [{ amountDc: 0, kind: 'correction', memo: 'nothing' }, 'body/amountDc'],
      [{ amountDc: -5, kind: 'correction' }, 'body/memo'],
      [{ amountDc: -5, kind: 'correction', memo: '   ' }, 'body/memo'],
      [{ amountDc: -5, kind: 'top_up' }, 'body/amountDc'],
      [{ amountDc: 0, kind: 'purchase', memo: 'x' }, 'body/amountDc'],
    ] as const) {
      const r = await credit(body);
      expect([...code(r), r.body.error?.details?.field]).toEqual([400, 'request.invalid', field]);
    }
    expect(await balance()).toBe(1003);
    const ledger = await call('GET', `/v1/orgs/${org.id}/dc?kind=correction`, undefined, org.key);
    expect(ledger.body.data.map((e: { amountDc: number; balanceAfterDc: number }) => [e.amountDc, e.balanceAfterDc])).toEqual([
      [3, 1003],
      [-4000, 1000],
    ]);
  });

  it('credits once per Idempotency-Key, however often or concurrently the request is retried', async () => {
    const credit = (body: unknown, idempotencyKey: string) => call('POST', `/v1/admin/orgs/${b.id}/dc`, body, node.adminKey, { 'idempotency-key': idempotencyKey });
    const balance = async () => (await call('GET', `/v1/orgs/${b.id}/dc`, undefined, b.key)).body.balanceDc as number;
    const before = await balance();
    const body = { amountDc: 700, kind: 'purchase', memo: 'payment pi_123' };
    const first = await credit(body, 'pay-pi_123');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.body).toMatchObject({ amountDc: 700, balanceAfterDc: before + 700 });
    // A retry answers with the entry the first request wrote and credits nothing.
    const retry = await credit(body, 'pay-pi_123');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await balance()).toBe(before + 700);
    // Eight copies of a new credit at once: the org row lock makes them take turns, one credits.
    const burst = await Promise.all(Array.from({ length: 8 }, () => credit({ amountDc: 5 }, 'grant-2026-11')));
    expect(burst.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    expect(burst.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    expect(await balance()).toBe(before + 705);
    // The same key for a different credit is refused, naming what the key was used for.
    const reused = await credit({ ...body, amountDc: 701 }, 'pay-pi_123');
    expect(code(reused)).toEqual([422, 'dc.idempotency_key_reused']);
    expect(reused.body.error.details).toMatchObject({ ledgerId: first.body.id, amountDc: 700 });
    // Keys are per organisation, and a credit without a key always credits.
    expect((await call('POST', `/v1/admin/orgs/${a.id}/dc`, body, node.adminKey, { 'idempotency-key': 'pay-pi_123' })).headers.get('idempotent-replayed')).toBeNull();
    await call('POST', `/v1/admin/orgs/${b.id}/dc`, { amountDc: 1 }, node.adminKey);
    await call('POST', `/v1/admin/orgs/${b.id}/dc`, { amountDc: 1 }, node.adminKey);
    expect(await balance()).toBe(before + 707);
    for (const bad of ['', 'has space', 'x'.repeat(201), 'caf\u00e9']) {
      expect(code(await credit(body, bad))).toEqual([400, 'request.invalid']);
    }
    expect(await balance()).toBe(before + 707);
  });

  it('manages routes with ranges inside the org blocks, EUI pairs and session-key filters', async () => {
    const before = await readRoutingConfigVersion(node.ctx.database.db);
    const created = await call(
      'POST',
      `/v1/orgs/${a.id}/routes`,
      {
        name: 'primary',
        endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/uplink', authHeader: 'Bearer lns-secret' },
        maxCopies: 2,
        devAddrRanges: [{ start: 'FC014C00', end: 'fc014c07' }],
        euiPairs: [{ joinEui: '70B3D57ED0000001', devEui: '0000000000000000' }],
      },
      a.key,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      orgId: a.id,
      name: 'primary',
      endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/uplink', hasAuthHeader: true },
      maxCopies: 2,
      active: true,
      locked: false,
      devAddrRanges: [{ start: 'fc014c00', end: 'fc014c07' }],
      euiPairCount: 1,
      skfCount: 0,
    });
    expect(JSON.stringify(created.body)).not.toContain('lns-secret');
    expect(await readRoutingConfigVersion(node.ctx.database.db)).toBeGreaterThan(before);
    const routeId = created.body.id as string;

    // A new URL alone keeps the route's Authorization header (it was dropped, and the LNS refused every paid packet); null removes it.
    const moved = await call('PATCH', `/v1/orgs/${a.id}/routes/${routeId}`, { endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/v2' } }, a.key);
    expect(moved.body.endpoint).toEqual({ protocol: 'http', url: 'http://127.0.0.1:9/v2', hasAuthHeader: true });
    const [stored] = await node.ctx.database.db.select().from(routes).where(eq(routes.id, routeId));
    expect(stored!.endpoint).toEqual({ protocol: 'http', url: 'http://127.0.0.1:9/v2', authHeader: 'Bearer lns-secret' });
    const bare = await call('PATCH', `/v1/orgs/${a.id}/routes/${routeId}`, { endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/v2', authHeader: null } }, a.key);
    expect(bare.body.endpoint).toEqual({ protocol: 'http', url: 'http://127.0.0.1:9/v2', hasAuthHeader: false });
    expect(code(await call('POST', `/v1/orgs/${a.id}/routes`, { endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/x', authHeader: null } }, a.key))).toEqual([400, 'request.invalid']);

    const patched = await call('PATCH', `/v1/orgs/${a.id}/routes/${routeId}`, { active: false, devAddrRanges: [{ start: 'fc014c18', end: 'fc014c21' }], endpoint: { protocol: 'gwmp', host: 'lns.example', port: 1700 } }, a.key);
    expect(patched.body).toMatchObject({ active: false, devAddrRanges: [{ start: 'fc014c18', end: 'fc014c21' }], endpoint: { protocol: 'gwmp', host: 'lns.example', port: 1700 } });
    expect(patched.body.endpoint.regionPorts).toBeUndefined();
    const mapped = await call('PATCH', `/v1/orgs/${a.id}/routes/${routeId}`, { endpoint: { protocol: 'gwmp', host: 'lns.example', port: 1700, regionPorts: { US915: 1701, EU868: 1702 } } }, a.key);
    expect(mapped.body.endpoint).toEqual({ protocol: 'gwmp', host: 'lns.example', port: 1700, regionPorts: { US915: 1701, EU868: 1702 } });
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}`, undefined, a.key)).body.endpoint.regionPorts).toEqual({ US915: 1701, EU868: 1702 });

    const updatedAt = async () => (await call('GET', `/v1/orgs/${a.id}/routes/${routeId}`, undefined, a.key)).body.updatedAt as string;
    await setRouteUpdatedAt(routeId, T0 - 3_600_000);
    expect((await call('POST', `/v1/orgs/${a.id}/routes/${routeId}/eui-pairs`, { add: [{ joinEui: '70b3d57ed0000002', devEui: '0004A30B001C0530' }], remove: [{ joinEui: '70b3d57ed0000001', devEui: '0000000000000000' }] }, a.key)).status).toBe(204);
    // EUI pairs and filters are the route's configuration: changing them moves its updatedAt (it stayed put).
    expect(await updatedAt()).toBe(new Date(T0).toISOString());
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}/eui-pairs`, undefined, a.key)).body.data).toEqual([{ joinEui: '70b3d57ed0000002', devEui: '0004a30b001c0530' }]);

    const key = '2b7e151628aed2a6abf7158809cf4f3c';
    await setRouteUpdatedAt(routeId, T0 - 3_600_000);
    expect((await call('POST', `/v1/orgs/${a.id}/routes/${routeId}/skfs`, { add: [{ devAddr: 'fc014c19', sessionKey: key, maxCopies: 1 }] }, a.key)).status).toBe(204);
    expect(await updatedAt()).toBe(new Date(T0).toISOString());
    // The route counted its EUI pairs but not its filters, so an upload could not be checked at a glance.
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}`, undefined, a.key)).body).toMatchObject({ euiPairCount: 1, skfCount: 1 });
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}/skfs`, undefined, a.key)).body.data).toEqual([{ devAddr: 'fc014c19', sessionKeyHint: '…4f3c', maxCopies: 1 }]);
    // The same filter twice in one request (here differing in case) was a 500 from the upsert; the last one wins.
    expect((await call('POST', `/v1/orgs/${a.id}/routes/${routeId}/skfs`, { add: [{ devAddr: 'fc014c19', sessionKey: key, maxCopies: 2 }, { devAddr: 'FC014C19', sessionKey: key.toUpperCase(), maxCopies: 3 }] }, a.key)).status).toBe(204);
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}/skfs`, undefined, a.key)).body.data).toEqual([{ devAddr: 'fc014c19', sessionKeyHint: '…4f3c', maxCopies: 3 }]);
    expect((await call('POST', `/v1/orgs/${a.id}/routes/${routeId}/skfs`, { remove: [{ devAddr: 'fc014c19', sessionKey: key }] }, a.key)).status).toBe(204);
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}/skfs`, undefined, a.key)).body.data).toEqual([]);

    const list = await call('GET', `/v1/orgs/${a.id}/routes`, undefined, a.key);
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([routeId]);
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}/stats`, undefined, a.key)).body).toMatchObject({ routeId, totals: { packets: 0, copies: 0, dc: 0, drops: {} }, days: [] });
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}/packets`, undefined, a.key)).body).toEqual({ data: [], cursor: null, deletedAt: null });
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${routeId}/packets?status=endpoint_error`, undefined, a.key)).status).toBe(200);
    // A misspelt filter was ignored: the answer came unfiltered, looking like the filtered one.
    for (const path of [`routes/${routeId}/packets?devaddr=fc014c01`, `routes/${routeId}/packets?dev_addr=fc014c01`, 'devices?hour=1', 'hotspots?route_id=x', 'dc?kinds=burn', `routes/${routeId}/stats?day=1`]) {
      const r = await call('GET', `/v1/orgs/${a.id}/${path}`, undefined, a.key);
      expect([path, ...code(r), r.body.error.details.field]).toEqual([path, 400, 'request.invalid', `querystring/${path.split('?')[1]!.split('=')[0]}`]);
    }
    // A misspelt status answered an empty page, as if the route had none of those packets.
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${routeId}/packets?status=insufficient_credit`, undefined, a.key))).toEqual([400, 'request.invalid']);

    expect((await call('DELETE', `/v1/orgs/${a.id}/routes/${routeId}`, undefined, a.key)).status).toBe(204);
    // Gone, not unknown (deleted-routes.int.test has the rest of a deleted route's story).
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${routeId}`, undefined, a.key))).toEqual([410, 'routes.deleted']);
  });

  it('lists an org\'s routes in keyset pages, oldest first, ties by id, and refuses cursors it did not issue', async () => {
    const r = await call('POST', '/v1/admin/orgs', { name: 'Paging Routes', devAddrCount: 8 }, node.adminKey);
    const org = { id: r.body.org.id as string, key: r.body.apiKey as string };
    const made: string[] = [];
    // Two routes in the same millisecond of the test clock (a tie on creation time), then later ones.
    for (let i = 0; i < 5; i++) {
      if (i >= 2) clock.advance(1);
      const created = await call('POST', `/v1/orgs/${org.id}/routes`, { name: `r${i}`, endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/up' } }, org.key);
      expect(created.status).toBe(201);
      made.push(created.body.id);
    }
    const expected = [...made.slice(0, 2).sort(), ...made.slice(2)];
    const seen: string[] = [];
    const pages: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { status: number; body: any } = await call('GET', `/v1/orgs/${org.id}/routes?limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, org.key);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((x: { id: string }) => x.id));
      pages.push(page.body.data.length);
      cursor = page.body.cursor;
    }
    expect(seen).toEqual(expected);
    expect(pages).toEqual([2, 2, 1]);
    // A route deleted between two pages does not end the listing early: the cursor holds its key, not its row.
    const first = await call('GET', `/v1/orgs/${org.id}/routes?limit=2`, undefined, org.key);
    expect((await call('DELETE', `/v1/orgs/${org.id}/routes/${expected[1]}`, undefined, org.key)).status).toBe(204);
    const rest = await call('GET', `/v1/orgs/${org.id}/routes?limit=10&cursor=${first.body.cursor}`, undefined, org.key);
    expect(rest.body.data.map((x: { id: string }) => x.id)).toEqual(expected.slice(2));
    expect(rest.body.cursor).toBeNull();
    // Default page: all of them at once.
    expect((await call('GET', `/v1/orgs/${org.id}/routes`, undefined, org.key)).body.data).toHaveLength(4);
    for (const bad of ['nope', Buffer.from(JSON.stringify({ createdAtUs: 1, id: 'x' })).toString('base64url'), Buffer.from(JSON.stringify({ createdAtUs: 1.5, id: made[0] })).toString('base64url')]) {
      expect(code(await call('GET', `/v1/orgs/${org.id}/routes?cursor=${bad}`, undefined, org.key))).toEqual([400, 'request.invalid']);
    }
    expect(code(await call('GET', `/v1/orgs/${org.id}/routes?limit=501`, undefined, org.key))).toEqual([400, 'request.invalid']);
  });

  it('counts DC burned through a deleted route in the org spending', async () => {
    const created = await call('POST', '/v1/admin/orgs', { name: 'Gamma Trackers' }, node.adminKey);
    const org = { id: created.body.org.id as string, key: created.body.apiKey as string };
    // Old enough for a seven-day average.
    await node.ctx.database.db.update(orgs).set({ createdAt: new Date(T0 - 30 * 86_400_000) }).where(eq(orgs.id, org.id));
    const endpoint = { protocol: 'http', url: 'http://127.0.0.1:9/g' };
    const kept = (await call('POST', `/v1/orgs/${org.id}/routes`, { endpoint }, org.key)).body.id as string;
    const replaced = (await call('POST', `/v1/orgs/${org.id}/routes`, { endpoint }, org.key)).body.id as string;
    // The router's settle step writes these: 70 DC yesterday through the route about to go, 7 today through each.
    await node.ctx.database.db.insert(routeStatsDaily).values([
      { routeId: replaced, orgId: org.id, day: '2026-11-01', packets: 35, copies: 70, dc: 70 },
      { routeId: replaced, orgId: org.id, day: '2026-11-02', packets: 7, copies: 7, dc: 7 },
      { routeId: kept, orgId: org.id, day: '2026-11-02', packets: 7, copies: 7, dc: 7 },
    ]);
    await call('POST', `/v1/admin/orgs/${org.id}/dc`, { amountDc: 100 }, node.adminKey);
    const spending = { burnedTodayDc: 14, burnedLast7DaysDc: 70, averageDailyDc: 10, estimatedDaysLeft: 10 };
    expect((await call('GET', `/v1/orgs/${org.id}`, undefined, org.key)).body.spending).toEqual(spending);
    // Moving to a new route (a new LNS, say) does not give back what the old one burned.
    expect((await call('DELETE', `/v1/orgs/${org.id}/routes/${replaced}`, undefined, org.key)).status).toBe(204);
    expect((await call('GET', `/v1/orgs/${org.id}`, undefined, org.key)).body.spending).toEqual(spending);
  });

  it('pages through a route\'s EUI pairs and session-key filters, without a key in any cursor', async () => {
    const route = (await call('POST', `/v1/orgs/${a.id}/routes`, { endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/p' } }, a.key)).body.id as string;
    const pairs = ['0000000000000003', '0000000000000001', '00000000000000ff', '0000000000000002', '0000000000000000'].map((devEui, i) => ({ joinEui: `70b3d57ed000000${i % 2}`, devEui }));
    expect((await call('POST', `/v1/orgs/${a.id}/routes/${route}/eui-pairs`, { add: pairs }, a.key)).status).toBe(204);
    const keys = ['11', '22', '33', '44'].map((b) => b.repeat(16));
    const skfs = [{ devAddr: 'fc014c03', sessionKey: keys[0] }, { devAddr: 'fc014c01', sessionKey: keys[1] }, { devAddr: 'fc014c03', sessionKey: keys[2] }, { devAddr: 'fc014c03', sessionKey: keys[3] }];
    expect((await call('POST', `/v1/orgs/${a.id}/routes/${route}/skfs`, { add: skfs }, a.key)).status).toBe(204);
    // Listing stopped at `limit` (at most 10,000) with no way to the rest: a big fleet's pairs could not all be read back.
    const all = async (what: string) => {
      const seen: unknown[] = [];
      let cursor: string | null = '';
      for (let pages = 0; cursor !== null; pages++) {
        expect(pages).toBeLessThan(5);
        const r = await call('GET', `/v1/orgs/${a.id}/routes/${route}/${what}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, a.key);
        expect(r.status).toBe(200);
        expect(r.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...r.body.data);
        cursor = r.body.cursor;
        if (cursor) for (const k of keys) expect(Buffer.from(cursor, 'base64url').toString()).not.toContain(k);
      }
      return seen;
    };
    const sorted = [...pairs].sort((x, y) => (x.joinEui + x.devEui).localeCompare(y.joinEui + y.devEui));
    expect(await all('eui-pairs')).toEqual(sorted);
    const listed = (await all('skfs')) as { devAddr: string; sessionKeyHint: string }[];
    expect(listed.map((s) => s.devAddr)).toEqual(['fc014c01', 'fc014c03', 'fc014c03', 'fc014c03']);
    expect(new Set(listed.map((s) => s.sessionKeyHint))).toEqual(new Set(keys.map((k) => `…${k.slice(-4)}`)));
    for (const what of ['eui-pairs', 'skfs']) {
      expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${route}/${what}?cursor=bogus`, undefined, a.key))).toEqual([400, 'request.invalid']);
    }
    expect((await call('DELETE', `/v1/orgs/${a.id}/routes/${route}`, undefined, a.key)).status).toBe(204);
  });

  it('shows one packet with the hotspots that carried it, strongest first', async () => {
    const endpoint = { protocol: 'http', url: 'http://127.0.0.1:9/c' };
    const route = (await call('POST', `/v1/orgs/${a.id}/routes`, { endpoint }, a.key)).body.id as string;
    const other = (await call('POST', `/v1/orgs/${a.id}/routes`, { endpoint }, a.key)).body.id as string;
    const sql = node.ctx.database.sql;
    const hash = Buffer.alloc(32, 0xab);
    const at = T0 - 60_000;
    // As the router's settle writes them: the log row, and one row per bought copy.
    await sql`insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, f_cnt, f_port, payload_bytes, copies_heard, copies_bought, dc, status, received_at_ms)
      values (${hash}, ${route}, ${a.id}, 'uplink', 'fc014c01', 7, 2, 10, 3, 2, 2, 'forwarded', ${at})`;
    const copy = (routeId: string, hotspot: string, rssiDbm: number, ms: number) =>
      sql`insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
        values (${hash}, ${routeId}, ${a.id}, ${hotspot}, 1, ${rssiDbm}, 5.5, 868100000, 'SF7BW125', ${ms})`;
    await copy(route, 'hotspot-far', -110, at + 40);
    await copy(route, 'hotspot-near', -60, at + 5);
    await copy(other, 'hotspot-other-route', -50, at + 5);
    await copy(route, 'hotspot-an-hour-later', -40, at + 3_600_000);
    const id = hash.toString('hex');
    const r = await call('GET', `/v1/orgs/${a.id}/routes/${route}/packets/${id}`, undefined, a.key);
    expect(r.status).toBe(200);
    expect(r.body.packet).toMatchObject({ id, fCnt: 7, status: 'forwarded', copiesBought: 2 });
    expect(r.body.copies).toEqual([
      { hotspot: 'hotspot-near', rssiDbm: -60, snrDb: 5.5, frequencyHz: 868_100_000, dataRate: 'SF7BW125', receivedAt: new Date(at + 5).toISOString(), dc: 1 },
      { hotspot: 'hotspot-far', rssiDbm: -110, snrDb: 5.5, frequencyHz: 868_100_000, dataRate: 'SF7BW125', receivedAt: new Date(at + 40).toISOString(), dc: 1 },
    ]);
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${other}/packets/${id}`, undefined, a.key))).toEqual([404, 'packets.not_found']);
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${route}/packets/${'cd'.repeat(32)}`, undefined, a.key))).toEqual([404, 'packets.not_found']);
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${route}/packets/${id.toUpperCase()}`, undefined, a.key))).toEqual([400, 'request.invalid']);
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${route}/packets/${id}`, undefined, b.key))).toEqual([403, 'auth.forbidden']);
    for (const r2 of [route, other]) expect((await call('DELETE', `/v1/orgs/${a.id}/routes/${r2}`, undefined, a.key)).status).toBe(204);
  });

  it('lists the devices heard through a route the org has since deleted', async () => {
    const created = await call('POST', '/v1/admin/orgs', { name: 'Epsilon Meters' }, node.adminKey);
    const org = { id: created.body.org.id as string, key: created.body.apiKey as string };
    const endpoint = { protocol: 'http', url: 'http://127.0.0.1:9/e' };
    const old = (await call('POST', `/v1/orgs/${org.id}/routes`, { endpoint }, org.key)).body.id as string;
    await call('POST', `/v1/orgs/${org.id}/routes`, { endpoint }, org.key);
    // As the router's settle writes them: the packet log row and the day's stats.
    await node.ctx.database.sql`insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, f_cnt, f_port, payload_bytes, copies_heard, copies_bought, dc, status, received_at_ms)
      values (${Buffer.alloc(32, 0xe1)}, ${old}, ${org.id}, 'uplink', 'fc014c05', 41, 2, 10, 2, 2, 2, 'forwarded', ${T0 - 60_000})`;
    await node.ctx.database.db.insert(routeStatsDaily).values({ routeId: old, orgId: org.id, day: '2026-11-02', packets: 1, copies: 2, dc: 2 });
    const devices = async () => (await call('GET', `/v1/orgs/${org.id}/devices`, undefined, org.key)).body.data.map((d: { devAddr: string; lastFCnt: number }) => [d.devAddr, d.lastFCnt]);
    expect(await devices()).toEqual([['fc014c05', 41]]);
    // Moving to a new route emptied the list, as if the device had gone quiet.
    expect((await call('DELETE', `/v1/orgs/${org.id}/routes/${old}`, undefined, org.key)).status).toBe(204);
    expect(await devices()).toEqual([['fc014c05', 41]]);
  });

  it('refuses bad route configuration with stable codes', async () => {
    const http = { protocol: 'http', url: 'http://127.0.0.1:9/x' };
    const post = (body: unknown) => call('POST', `/v1/orgs/${a.id}/routes`, body, a.key);
    expect(code(await post({ endpoint: http, devAddrRanges: [{ start: 'fc014c07', end: 'fc014c00' }] }))).toEqual([400, 'routes.invalid_range']);
    // Beta's block: an org cannot claim another org's DevAddrs.
    expect(code(await post({ endpoint: http, devAddrRanges: [{ start: b.block.start, end: b.block.end }] }))).toEqual([422, 'routes.devaddr_outside_blocks']);
    expect(code(await post({ endpoint: http, devAddrRanges: [{ start: 'fc014c06', end: 'fc014c08' }] }))).toEqual([422, 'routes.devaddr_outside_blocks']);
    expect(code(await post({ endpoint: { protocol: 'ftp', url: 'x' } }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: { protocol: 'http', url: 'ftp://x' } }))).toEqual([400, 'request.invalid']);
    // Webhooks routers could never call were stored: an unparseable URL, an Authorization value with CR/LF.
    expect(code(await post({ endpoint: { protocol: 'http', url: 'http://[' } }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: { protocol: 'http', url: 'http://lns.example:70000/up' } }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: { protocol: 'http', url: 'http://lns.example/up', authHeader: 'Bearer x\r\nHost: evil' } }))).toEqual([400, 'request.invalid']);
    // Text PostgreSQL cannot store was a 500 from the insert; a coerced "Infinity" passed maxCopies' maximum.
    expect(code(await post({ endpoint: http, name: 'a\u0000b' }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: http, maxCopies: 'Infinity' }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: { protocol: 'gwmp', host: 'lns', port: 0 } }))).toEqual([400, 'request.invalid']);
    // Ports per hotspot region: only known regions, valid ports, at least one.
    expect(code(await post({ endpoint: { protocol: 'gwmp', host: 'lns', port: 1700, regionPorts: { EU869: 1701 } } }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: { protocol: 'gwmp', host: 'lns', port: 1700, regionPorts: { EU868: 70000 } } }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: { protocol: 'gwmp', host: 'lns', port: 1700, regionPorts: {} } }))).toEqual([400, 'request.invalid']);
    // Each named body/endpoint/url ("must have required property 'url'", the HTTP endpoint's complaint).
    const field = async (endpoint: unknown) => (await post({ endpoint })).body.error.details.field;
    expect(await field({ protocol: 'gwmp', host: 'lns', port: 70000 })).toBe('body/endpoint/port');
    expect(await field({ protocol: 'gwmp', host: 'lns', port: 1700, regionPorts: { EU869: 1701 } })).toBe('body/endpoint/regionPorts/EU869');
    expect(await field({ protocol: 'gwmp', host: 'lns lns', port: 1700 })).toBe('body/endpoint/host');
    expect(await field({ protocol: 'gwmp', port: 1700 })).toBe('body/endpoint/host');
    expect(code(await post({ endpoint: http, maxCopies: 0 }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: http, devAddrRanges: [{ start: 'fc014c0', end: 'fc014c07' }] }))).toEqual([400, 'request.invalid']);
    expect(code(await post({ endpoint: http, euiPairs: [{ joinEui: 'xyz', devEui: '0000000000000000' }] }))).toEqual([400, 'request.invalid']);

    const route = (await post({ endpoint: http, devAddrRanges: [{ start: 'fc014c00', end: 'fc014c07' }] })).body;
    expect(code(await call('PATCH', `/v1/orgs/${a.id}/routes/${route.id}`, { endpoint: { protocol: 'http', url: 'http://%zz/' } }, a.key))).toEqual([400, 'request.invalid']);
    expect((await call('GET', `/v1/orgs/${a.id}/routes/${route.id}`, undefined, a.key)).body.endpoint.url).toBe(http.url);
    const skf = (body: unknown) => call('POST', `/v1/orgs/${a.id}/routes/${route.id}/skfs`, body, a.key);
    expect(code(await skf({ add: [{ devAddr: b.block.start, sessionKey: '00'.repeat(16) }] }))).toEqual([422, 'routes.devaddr_outside_blocks']);
    expect(code(await skf({ add: [{ devAddr: 'fc014c00', sessionKey: 'abc' }] }))).toEqual([400, 'request.invalid']);
    expect(code(await skf({ add: Array.from({ length: 101 }, () => ({ devAddr: 'fc014c00', sessionKey: '00'.repeat(16) })) }))).toEqual([400, 'request.invalid']);

    // An admin lock freezes the route for its org.
    const locked = await call('PATCH', `/v1/admin/orgs/${a.id}/routes/${route.id}`, { locked: true }, node.adminKey);
    expect(locked.body.locked).toBe(true);
    expect(code(await call('PATCH', `/v1/orgs/${a.id}/routes/${route.id}`, { active: false }, a.key))).toEqual([409, 'routes.locked']);
    expect(code(await call('DELETE', `/v1/orgs/${a.id}/routes/${route.id}`, undefined, a.key))).toEqual([409, 'routes.locked']);
    expect(code(await skf({ add: [] }))).toEqual([409, 'routes.locked']);
    expect(code(await call('PATCH', `/v1/admin/orgs/${a.id}/routes/${route.id}`, { locked: false }, a.key))).toEqual([401, 'auth.bad_key']);
    expect((await call('PATCH', `/v1/admin/orgs/${a.id}/routes/${route.id}`, { locked: false }, node.adminKey)).body.locked).toBe(false);
    expect(code(await call('PATCH', `/v1/admin/orgs/${b.id}/routes/${route.id}`, { locked: true }, node.adminKey))).toEqual([404, 'routes.not_found']);
  });

  it('keeps organisations apart: no reading or changing another org, its routes, keys or ledger', async () => {
    const route = (await call('POST', `/v1/orgs/${b.id}/routes`, { endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/b' }, devAddrRanges: [{ start: b.block.start, end: b.block.end }] }, b.key)).body;
    const forbidden = [
      ['GET', `/v1/orgs/${b.id}`],
      ['GET', `/v1/orgs/${b.id}/dc`],
      ['GET', `/v1/orgs/${b.id}/api-keys`],
      ['POST', `/v1/orgs/${b.id}/api-keys`, { scope: 'write' }],
      ['GET', `/v1/orgs/${b.id}/routes`],
      ['POST', `/v1/orgs/${b.id}/routes`, { endpoint: { protocol: 'http', url: 'http://evil/' } }],
      ['GET', `/v1/orgs/${b.id}/routes/${route.id}`],
      ['PATCH', `/v1/orgs/${b.id}/routes/${route.id}`, { endpoint: { protocol: 'http', url: 'http://evil/' } }],
      ['DELETE', `/v1/orgs/${b.id}/routes/${route.id}`],
      ['GET', `/v1/orgs/${b.id}/routes/${route.id}/stats`],
      ['GET', `/v1/orgs/${b.id}/routes/${route.id}/packets`],
      ['POST', `/v1/orgs/${b.id}/routes/${route.id}/eui-pairs`, { add: [{ joinEui: '0000000000000001', devEui: '0000000000000000' }] }],
      ['POST', `/v1/orgs/${b.id}/routes/${route.id}/skfs`, { add: [] }],
    ] as const;
    for (const [method, path, body] of forbidden) {
      expect([method, path, ...code(await call(method, path, body, a.key))]).toEqual([method, path, 403, 'auth.forbidden']);
    }
    // Through its own org path, another org's route simply does not exist.
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${route.id}`, undefined, a.key))).toEqual([404, 'routes.not_found']);
    expect(code(await call('PATCH', `/v1/orgs/${a.id}/routes/${route.id}`, { active: false }, a.key))).toEqual([404, 'routes.not_found']);
    expect(code(await call('DELETE', `/v1/orgs/${a.id}/routes/${route.id}`, undefined, a.key))).toEqual([404, 'routes.not_found']);
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes/${route.id}/stats`, undefined, a.key))).toEqual([404, 'routes.not_found']);
    const still = await call('GET', `/v1/orgs/${b.id}/routes/${route.id}`, undefined, b.key);
    expect(still.body.endpoint.url).toBe('http://127.0.0.1:9/b');
  });

  it('issues read-only and write keys, and revokes them', async () => {
    const ro = await call('POST', `/v1/orgs/${a.id}/api-keys`, { scope: 'read', name: 'grafana dashboard' }, a.key);
    expect(ro.status).toBe(201);
    expect(ro.body.key).toMatchObject({ scope: 'read', name: 'grafana dashboard', revokedAt: null });
    expect(ro.body.apiKey.startsWith(ro.body.key.prefix)).toBe(true);
    expect((await call('GET', `/v1/orgs/${a.id}/routes`, undefined, ro.body.apiKey)).status).toBe(200);
    expect(code(await call('POST', `/v1/orgs/${a.id}/routes`, { endpoint: { protocol: 'http', url: 'http://x/' } }, ro.body.apiKey))).toEqual([403, 'auth.forbidden']);
    expect(code(await call('POST', `/v1/orgs/${a.id}/api-keys`, { scope: 'write' }, ro.body.apiKey))).toEqual([403, 'auth.forbidden']);
    const keys = await call('GET', `/v1/orgs/${a.id}/api-keys`, undefined, a.key);
    expect(keys.body.data).toHaveLength(2);
    // Only prefixes showed: keys could not be told apart by what they are for.
    expect(keys.body.data.map((k: { name: string }) => k.name)).toEqual(['', 'grafana dashboard']);
    expect(code(await call('POST', `/v1/orgs/${a.id}/api-keys`, { name: 'x'.repeat(101) }, a.key))).toEqual([400, 'request.invalid']);
    expect(JSON.stringify(keys.body)).not.toContain(ro.body.apiKey);
    expect((await call('DELETE', `/v1/orgs/${a.id}/api-keys/${ro.body.key.id}`, undefined, a.key)).status).toBe(204);
    expect(code(await call('GET', `/v1/orgs/${a.id}/routes`, undefined, ro.body.apiKey))).toEqual([401, 'auth.bad_key']);
    expect(code(await call('DELETE', `/v1/orgs/${a.id}/api-keys/${ro.body.key.id}`, undefined, a.key))).toEqual([404, 'orgs.api_key_not_found']);
    // Revoking another org's key through one's own org path finds nothing.
    const bKeys = await call('GET', `/v1/orgs/${b.id}/api-keys`, undefined, b.key);
    expect(code(await call('DELETE', `/v1/orgs/${a.id}/api-keys/${bKeys.body.data[0].id}`, undefined, a.key))).toEqual([404, 'orgs.api_key_not_found']);
    expect((await call('GET', `/v1/orgs/${b.id}`, undefined, b.key)).status).toBe(200);
  });

  it('lists organisations for the operator by name in keyset pages, by part of the name or by a balance at most so much', async () => {
    const more = ['Kappa Trackers', 'lambda farms', 'Éta Labs'];
    for (const name of more) { const r = await call('POST', '/v1/admin/orgs', { name, devAddrCount: 8 }, node.adminKey); expect(r.status, JSON.stringify(r.body)).toBe(201); }
    const credited = (await call('POST', '/v1/admin/orgs', { name: 'Zeta Credited', devAddrCount: 8 }, node.adminKey)).body.org;
    expect((await call('POST', `/v1/admin/orgs/${credited.id}/dc`, { amountDc: 500 }, node.adminKey)).status).toBe(201);

    const names = (await allPages<{ name: string }>((cursor) => call('GET', `/v1/admin/orgs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, node.adminKey))).map((o) => o.name);
    // Every organisation once, in the database's name order (the same order the keyset walks).
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['Acme Sensors', 'Beta Meters', ...more, 'Zeta Credited']));
    const all = (await call('GET', '/v1/admin/orgs?limit=500', undefined, node.adminKey)).body;
    expect(all.data.map((o: { name: string }) => o.name)).toEqual(names);
    expect(all.cursor).toBeNull();
    // Each with its balance and blocks, as GET /v1/orgs/:orgId shows them (without the spending figures).
    const one = (await call('GET', `/v1/orgs/${a.id}`, undefined, a.key)).body;
    const { spending: _spending, ...withoutSpending } = one;
    expect(all.data.find((o: { id: string }) => o.id === a.id)).toEqual(withoutSpending);

    expect((await call('GET', '/v1/admin/orgs?name=ETA', undefined, node.adminKey)).body.data.map((o: { name: string }) => o.name)).toEqual(
      names.filter((n) => n.toLowerCase().includes('eta')),
    );
    expect((await call('GET', `/v1/admin/orgs?name=${encodeURIComponent('%')}`, undefined, node.adminKey)).body.data).toEqual([]);
    const broke = (await call('GET', '/v1/admin/orgs?max_balance_dc=0&limit=500', undefined, node.adminKey)).body.data.map((o: { name: string }) => o.name);
    expect(broke).toEqual(expect.arrayContaining(more));
    expect(broke).not.toContain('Zeta Credited');
    expect((await call('GET', '/v1/admin/orgs?max_balance_dc=500&name=zeta', undefined, node.adminKey)).body.data.map((o: { balanceDc: number }) => o.balanceDc)).toEqual([500]);

    // The operator's view only: an org key is not the admin key.
    expect(code(await call('GET', '/v1/admin/orgs', undefined, a.key))).toEqual([401, 'auth.bad_key']);
    expect(code(await call('GET', '/v1/admin/orgs'))).toEqual([401, 'auth.missing_key']);
    expect(code(await call('GET', '/v1/admin/orgs?cursor=bm9wZQ', undefined, node.adminKey))).toEqual([400, 'request.invalid']);
    expect(code(await call('GET', '/v1/admin/orgs?max_balance_dc=-1', undefined, node.adminKey))).toEqual([400, 'request.invalid']);
  });
});
