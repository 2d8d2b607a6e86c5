import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { GwmpPacket } from '@cov/shared/gwmp/types';
import { RouteTestMessageSchema } from '@cov/shared/routing/webhook-message-schema';
import { verifyWebhookSignature } from '@cov/shared/routing/webhook-signature';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { TestLns } from './testing/test-lns';
import { waitFor } from './testing/test-gateway';

/** A GWMP LNS on a UDP port: records what it gets, and acknowledges PUSH_DATA when `acks` is set. */
async function udpLns(acks: boolean): Promise<{ port: number; got: GwmpPacket[]; close(): void }> {
  const socket = dgram.createSocket('udp4');
  const got: GwmpPacket[] = [];
  socket.on('message', (msg, from) => {
    const p = parseGwmpPacket(msg);
    if (!p.ok) return;
    got.push(p.value);
    if (acks && p.value.type === 'PUSH_DATA') socket.send(Buffer.from([2, msg[1]!, msg[2]!, 1]), from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: (socket.address() as AddressInfo).port, got, close: () => socket.close() };
}

/** A UDP port nothing listens on (bound, then closed), so the kernel answers "port unreachable". */
async function closedUdpPort(): Promise<number> {
  const s = await udpLns(false);
  s.close();
  return s.port;
}

/** The webhook timeout, also how long a test waits for a silent LNS: long enough that no test here races it. */
const TIMEOUT_MS = 3000;

describe.each(allTestModes)('route tests from the router (%s)', (mode) => {
  let node: TestNode;
  const lns = new TestLns();
  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
  let org: { id: string; key: string };
  let other: { id: string; key: string };
  let httpRoute: string;
  const routeOf = async (endpoint: unknown, o = org) => {
    const r = await call('POST', `/v1/orgs/${o.id}/routes`, { endpoint, maxCopies: 1 }, o.key);
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const test = (routeId: string, key = org.key) => call('POST', '/v1/router/route-tests', { routeId }, key);

  beforeAll(async () => {
    await lns.start();
    node = await startTestNode(mode, { services: ['api', 'router'], overrides: { ROUTER_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) } });
    const a = await call('POST', '/v1/admin/orgs', { name: 'Route Tester' }, node.adminKey);
    const b = await call('POST', '/v1/admin/orgs', { name: 'Other Org' }, node.adminKey);
    org = { id: a.body.org.id, key: a.body.apiKey };
    other = { id: b.body.org.id, key: b.body.apiKey };
    await call('POST', `/v1/admin/orgs/${org.id}/dc`, { amountDc: 100, kind: 'purchase', memo: 'tests' }, node.adminKey);
    httpRoute = await routeOf({ protocol: 'http', url: `${lns.url('/lns')}?token=secret`, authHeader: 'Bearer lns-secret' });
  });
  afterAll(async () => {
    await node?.destroy();
    await lns.close();
  });

  it('sends an HTTP endpoint a test message with its auth header, and says it was taken; nothing is paid or recorded', async () => {
    const r = await test(httpRoute);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      routeId: httpRoute,
      protocol: 'http',
      delivered: true,
      // The URL's query is not echoed: it may hold a secret.
      targets: [{ target: lns.url('/lns'), delivered: true, outcome: 'delivered', status: 200, latencyMs: expect.any(Number) }],
    });
    const [got] = lns.uplinks;
    expect(got!.authorization).toBe('Bearer lns-secret');
    expect([...Value.Errors(RouteTestMessageSchema, got!.message)]).toEqual([]);
    expect(got!.message).toMatchObject({ type: 'test', routeId: httpRoute });
    expect((await call('GET', `/v1/orgs/${org.id}`, undefined, org.key)).body.balanceDc).toBe(100);
    expect((await call('GET', `/v1/orgs/${org.id}/routes/${httpRoute}/stats`, undefined, org.key)).body.days).toEqual([]);
  });

  it('signs the test with the organisation\'s webhook secret once it has one, as its packets are signed', async () => {
    expect(lns.uplinks.at(-1)!.signature).toBeUndefined();
    const made = await call('POST', `/v1/orgs/${org.id}/webhook-secret`, undefined, org.key);
    expect(made.status).toBe(201);
    const before = lns.uplinks.length;
    expect((await test(httpRoute)).body.delivered).toBe(true);
    const got = lns.uplinks[before]!;
    expect(verifyWebhookSignature(got.signature, got.body, made.body.secret, Date.now())).toBe(true);
    // Signed over the bytes sent: the same message with one byte changed does not verify.
    expect(verifyWebhookSignature(got.signature, Buffer.concat([got.body, Buffer.from(' ')]), made.body.secret, Date.now())).toBe(false);
    // Rotated: for a day both the new secret and the previous one sign.
    const rotated = await call('POST', `/v1/orgs/${org.id}/webhook-secret`, undefined, org.key);
    await test(httpRoute);
    const both = lns.uplinks.at(-1)!;
    expect([verifyWebhookSignature(both.signature, both.body, rotated.body.secret, Date.now()), verifyWebhookSignature(both.signature, both.body, made.body.secret, Date.now())]).toEqual([true, true]);
    expect((await call('DELETE', `/v1/orgs/${org.id}/webhook-secret`, undefined, org.key)).status).toBe(204);
    await test(httpRoute);
    expect(lns.uplinks.at(-1)!.signature).toBeUndefined();
  });

  it("tells why an endpoint did not take it, without touching the route's delivery state", async () => {
    lns.answer = () => ({ status: 503 });
    const r = await test(httpRoute);
    lns.answer = () => ({ status: 200 });
    expect(r.body).toMatchObject({ delivered: false, targets: [{ delivered: false, outcome: 'status_503', status: 503 }] });
    expect((await call('GET', `/v1/orgs/${org.id}/routes/${httpRoute}`, undefined, org.key)).body.delivery).toBeNull();

    const refused = await routeOf({ protocol: 'http', url: `http://127.0.0.1:${await closedUdpPort()}/x` });
    expect((await test(refused)).body.targets[0]).toMatchObject({ delivered: false, outcome: 'ECONNREFUSED', status: null });
  });

  it('sends a GWMP LNS a status-only PUSH_DATA on its port and each region port, and waits for each PUSH_ACK', async () => {
    const acking = await udpLns(true);
    const silent = await udpLns(false);
    const closed = await closedUdpPort();
    try {
      const gwmp = await routeOf({ protocol: 'gwmp', host: '127.0.0.1', port: acking.port, regionPorts: { EU868: silent.port, US915: closed, AS923_1: acking.port } });
      const r = await test(gwmp);
      expect(r.status).toBe(200);
      expect(r.body.protocol).toBe('gwmp');
      expect(r.body.delivered).toBe(false);
      // One test per distinct port.
      const byTarget = Object.fromEntries(r.body.targets.map((t: { target: string; outcome: string }) => [t.target, t.outcome]));
      expect(byTarget).toEqual({ [`127.0.0.1:${acking.port}`]: 'delivered', [`127.0.0.1:${silent.port}`]: 'timeout', [`127.0.0.1:${closed}`]: 'ECONNREFUSED' });
      const [push] = acking.got;
      expect(acking.got).toHaveLength(1);
      expect(push).toMatchObject({ type: 'PUSH_DATA', gatewayEui: '0000000000000000', rxpk: [] });
      expect(push!.type === 'PUSH_DATA' && push!.stat?.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT$/);

      const ok = await routeOf({ protocol: 'gwmp', host: '127.0.0.1', port: acking.port });
      expect((await test(ok)).body).toMatchObject({ delivered: true, targets: [{ outcome: 'delivered', status: null }] });
    } finally {
      acking.close();
      silent.close();
    }
  });

  it('runs a few tests of one organisation at a time', async () => {
    // An endpoint that holds every test until told to answer: four stay in flight, however slow the machine.
    const held: http.ServerResponse[] = [];
    const holding = http.createServer((req, res) => {
      req.resume();
      held.push(res);
    });
    await new Promise<void>((r) => holding.listen(0, '127.0.0.1', r));
    try {
      const slow = await routeOf({ protocol: 'http', url: `http://127.0.0.1:${(holding.address() as AddressInfo).port}/hold` });
      const answers = Array.from({ length: 6 }, () => test(slow));
      const turnedAway: unknown[][] = [];
      for (const a of answers) void a.then((r) => r.status !== 200 && turnedAway.push(code(r)));
      await waitFor(() => held.length === 4 && turnedAway.length === 2, 'four tests in flight and two turned away');
      expect(turnedAway).toEqual([
        [429, 'request.rate_limited'],
        [429, 'request.rate_limited'],
      ]);
      // Another organisation is not held up by this one's tests.
      expect((await test(await routeOf({ protocol: 'http', url: lns.url('/other') }, other), other.key)).body.delivered).toBe(true);
      for (const res of held) res.writeHead(204).end();
      const done = (await Promise.all(answers)).filter((a) => a.status === 200);
      expect(done.map((a) => a.body.targets[0].outcome)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
      // Their slots are free again.
      const again = test(slow);
      await waitFor(() => held.length === 5, 'a fifth test in flight');
      held[4]!.writeHead(200).end();
      expect((await again).body.delivered).toBe(true);
    } finally {
      holding.closeAllConnections();
      holding.close();
    }
  });

  it("takes a write key of the route's own organisation, and tells a deleted route from an unknown one", async () => {
    const readKey = (await call('POST', `/v1/orgs/${org.id}/api-keys`, { scope: 'read' }, org.key)).body.apiKey;
    expect(code(await test(httpRoute, readKey))).toEqual([403, 'auth.forbidden']);
    expect(code(await test(httpRoute, other.key))).toEqual([404, 'routes.not_found']);
    expect(code(await test(httpRoute, 'org_not-a-key'))).toEqual([401, 'auth.bad_key']);
    expect(code(await call('POST', '/v1/router/route-tests', { routeId: httpRoute }))).toEqual([401, 'auth.missing_key']);
    expect(code(await test('00000000-0000-4000-8000-000000000000'))).toEqual([404, 'routes.not_found']);
    expect(code(await call('POST', '/v1/router/route-tests', { routeId: 'nope' }, org.key))).toEqual([400, 'request.invalid']);
    const doomed = await routeOf({ protocol: 'http', url: lns.url('/doomed') });
    expect((await call('DELETE', `/v1/orgs/${org.id}/routes/${doomed}`, undefined, org.key)).status).toBe(204);
    const gone = await test(doomed);
    expect(code(gone)).toEqual([410, 'routes.deleted']);
    expect(gone.body.error.details.deletedAt).toEqual(expect.any(String));
    expect(lns.on('/doomed')).toEqual([]);
  });
});
