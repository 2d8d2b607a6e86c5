import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';
import { waitFor } from '@cov/router/testing/test-gateway';

describe.each(['postgres', 'embedded'] as TestMode[])('live packets of an organisation (%s)', (mode) => {
  let node: TestNode;
  let orgA: { id: string; key: string };
  let orgB: { id: string; key: string };
  const routes: Record<string, string> = {};
  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const wsUrl = (path: string) => `${node.httpBaseUrl.replace('http', 'ws')}${path}`;

  /** A packet log row as the router's settle writes it: heard `agoMs` ago, recorded now. */
  const record = async (routeId: string, orgId: string, fCnt: number, status: string, agoMs = 5000, devAddr = 'fc014c01') => {
    const hash = Buffer.alloc(32, fCnt);
    await node.ctx.database.sql`
      insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, f_cnt, f_port, payload_bytes, copies_heard, copies_bought, dc, status, received_at_ms)
      values (${hash}, ${routeId}, ${orgId}, 'uplink', ${devAddr}, ${fCnt}, 2, 10, 3, ${status === 'forwarded' ? 2 : 0}, ${status === 'forwarded' ? 2 : 0}, ${status}, ${Date.now() - agoMs})`;
  };
  const open = async (path: string, key: string) => {
    const ws = new WebSocket(wsUrl(path), { headers: { authorization: `Bearer ${key}` } });
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    return { ws, messages };
  };
  const refusal = (path: string, key: string) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl(path), { headers: { authorization: `Bearer ${key}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('upgraded')));
    });

  beforeAll(async () => {
    // Keys are checked again every 50 ms on open streams (10 s by default).
    node = await startTestNode(mode, { services: ['api'], overrides: { ORG_STREAM_KEY_CHECK_INTERVAL_MS: '50' } });
    const a = await call('POST', '/v1/admin/orgs', { name: 'Org A', devAddrCount: 8 }, node.adminKey);
    const b = await call('POST', '/v1/admin/orgs', { name: 'Org B', devAddrCount: 8 }, node.adminKey);
    orgA = { id: a.body.org.id, key: a.body.apiKey };
    orgB = { id: b.body.org.id, key: b.body.apiKey };
    const route = async (org: { id: string; key: string }, name: string) => {
      const r = await call('POST', `/v1/orgs/${org.id}/routes`, { name, endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/uplink' }, maxCopies: 2 }, org.key);
      expect(r.status).toBe(201);
      routes[name] = r.body.id;
    };
    await route(orgA, 'a1');
    await route(orgA, 'a2');
    await route(orgB, 'b1');
    // The feed starts from what its first poll sees, so packets recorded before that are history,
    // not news: wait until one gets through (rather than sleeping and hoping the poll ran).
    const warm = await open(`/v1/orgs/${orgB.id}/stream`, orgB.key);
    let recorded = 0;
    for (let i = 0; warm.messages.length < 2; i++) {
      if (i === 50) throw new Error('no packet came through the live feed');
      await record(routes.b1!, orgB.id, 200 + i, 'forwarded');
      recorded++;
      await waitFor(() => warm.messages.length > 1, 'a packet through the feed', 300).catch(() => undefined);
    }
    // On a busy machine a second warm-up packet may be recorded before the first comes through; had
    // it not come through before the tests open their feeds, their router totals would count it.
    await waitFor(() => warm.messages.length === recorded + 1, 'every warm-up packet through the feed', 10_000);
    warm.ws.close();
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('refuses a missing or foreign key and another org’s route before upgrading', async () => {
    expect(await refusal(`/v1/orgs/${orgA.id}/stream`, 'not-a-key')).toBe(401);
    expect(await refusal(`/v1/orgs/${orgA.id}/stream`, orgB.key)).toBe(403);
    expect(await refusal(`/v1/orgs/${orgA.id}/stream?route=${routes.b1}`, orgA.key)).toBe(404);
    expect(await refusal(`/v1/orgs/${orgA.id}/stream?route=nope`, orgA.key)).toBe(400);
    // As the document says (it listed a 200 only).
    const doc = await (await fetch(`${node.httpBaseUrl}/docs/json`)).json();
    expect(Object.keys(doc.paths['/v1/orgs/{orgId}/stream'].get.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
    // A plain GET with the right key: a coded 400 (it was an empty 404); the key is checked first.
    const plain = await call('GET', `/v1/orgs/${orgA.id}/stream`, undefined, orgA.key);
    expect([plain.status, plain.body?.error?.code, plain.body?.error?.details]).toEqual([400, 'request.invalid', { field: 'headers/upgrade' }]);
    expect((await call('GET', `/v1/orgs/${orgA.id}/stream`, undefined, orgB.key)).status).toBe(403);
  });

  it('streams the org’s own packets only, per route on request, and the public feed counts every packet recorded', async () => {
    const all = await open(`/v1/orgs/${orgA.id}/stream`, orgA.key);
    const one = await open(`/v1/orgs/${orgA.id}/stream?route=${routes.a2}`, orgA.key);
    const pub = await open('/v1/stream?types=router', orgB.key);
    await expect.poll(() => all.messages.length).toBe(1);
    await expect.poll(() => one.messages.length).toBe(1);
    expect(all.messages[0]).toEqual({ type: 'hello', orgId: orgA.id, routeId: null, devAddr: null, devEui: null });
    expect(one.messages[0]).toEqual({ type: 'hello', orgId: orgA.id, routeId: routes.a2, devAddr: null, devEui: null });
    const device = await open(`/v1/orgs/${orgA.id}/stream?devAddr=FC014C02`, orgA.key);
    // Heard seconds ago, recorded now (the packet log follows the window and the burn).
    await record(routes.a1!, orgA.id, 1, 'forwarded');
    await record(routes.b1!, orgB.id, 2, 'forwarded');
    await record(routes.a2!, orgA.id, 3, 'insufficient_dc');
    await record(routes.a1!, orgA.id, 6, 'forwarded', 5000, 'fc014c02');
    await expect.poll(() => all.messages.length, { timeout: 10_000 }).toBe(4);
    expect(all.messages.slice(1).map((m) => [m.type, m.routeId, m.packet.fCnt, m.packet.status])).toEqual([
      ['packet', routes.a1, 1, 'forwarded'],
      ['packet', routes.a2, 3, 'insufficient_dc'],
      ['packet', routes.a1, 6, 'forwarded'],
    ]);
    // One device only.
    await expect.poll(() => device.messages.length, { timeout: 10_000 }).toBe(2);
    expect(device.messages[1]).toMatchObject({ packet: { fCnt: 6, devAddr: 'fc014c02' } });
    expect(all.messages[1].packet).toMatchObject({ id: '01'.repeat(32), kind: 'uplink', devAddr: 'fc014c01', copiesHeard: 3, copiesBought: 2, dc: 2 });
    await expect.poll(() => one.messages.length, { timeout: 10_000 }).toBe(2);
    expect(one.messages[1]).toMatchObject({ type: 'packet', routeId: routes.a2, packet: { fCnt: 3 } });
    // Router totals count packets by when they were recorded, so none heard before the poll is missed.
    // The four records may land in different polls, so in several totals messages: wait for all.
    const totals = () => pub.messages.filter((m) => m.type === 'router');
    await expect.poll(() => totals().reduce((n, m) => n + m.forwarded, 0), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => totals().reduce((n, m) => n + (m.dropped.insufficient_dc ?? 0), 0), { timeout: 10_000 }).toBe(1);
    // Nothing of org A's reaches org B's feed.
    const other = await open(`/v1/orgs/${orgB.id}/stream`, orgB.key);
    await record(routes.a1!, orgA.id, 4, 'forwarded');
    await record(routes.b1!, orgB.id, 5, 'forwarded');
    await expect.poll(() => other.messages.length, { timeout: 10_000 }).toBe(2);
    expect(other.messages[1]).toMatchObject({ type: 'packet', routeId: routes.b1, packet: { fCnt: 5 } });
    for (const s of [all, one, pub, other, device]) s.ws.close();
    expect(await refusal(`/v1/orgs/${orgA.id}/stream?devEui=nothex`, orgA.key)).toBe(400);
  });

  it('takes the key as a subprotocol, the one header a browser WebSocket can set, without echoing it', async () => {
    const ws = new WebSocket(wsUrl(`/v1/orgs/${orgA.id}/stream`), ['cov.v1', `cov.key.${orgA.key}`]);
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    expect(ws.protocol).toBe('cov.v1');
    await expect.poll(() => messages.length).toBe(1);
    expect(messages[0]).toMatchObject({ type: 'hello', orgId: orgA.id });
    ws.close();
    const refusedWith = (protocols: string[]) =>
      new Promise<number>((resolve, reject) => {
        const bad = new WebSocket(wsUrl(`/v1/orgs/${orgA.id}/stream`), protocols);
        bad.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        bad.on('open', () => reject(new Error('upgraded')));
      });
    expect(await refusedWith(['cov.v1', 'cov.key.ok_not-a-key'])).toBe(401);
    expect(await refusedWith(['cov.v1', `cov.key.${orgB.key}`])).toBe(403);
    expect(await refusedWith(['cov.v1'])).toBe(401);
  });

  it('closes the streams of a key once it is revoked, and only those', async () => {
    const issued = await call('POST', `/v1/orgs/${orgA.id}/api-keys`, { scope: 'read' }, orgA.key);
    const leaked = await open(`/v1/orgs/${orgA.id}/stream`, issued.body.apiKey);
    const kept = await open(`/v1/orgs/${orgA.id}/stream`, orgA.key);
    const closed = new Promise<[number, string]>((resolve) => leaked.ws.once('close', (code, reason) => resolve([code, reason.toString()])));
    expect((await call('DELETE', `/v1/orgs/${orgA.id}/api-keys/${issued.body.key.id}`, undefined, orgA.key)).status).toBe(204);
    // It kept receiving the org's packets for as long as the socket lived.
    expect(await closed).toEqual([1008, 'auth.bad_key']);
    expect(kept.ws.readyState).toBe(WebSocket.OPEN);
    await record(routes.a1!, orgA.id, 7, 'forwarded');
    await expect.poll(() => kept.messages.length, { timeout: 10_000 }).toBe(2);
    kept.ws.close();
  });
});
