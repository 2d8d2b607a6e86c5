/**
 * An organisation's webhook signing secret through the API: made and rotated with a write key and
 * shown only then, its state readable with any of the org's keys, the previous secret signing
 * beside the new one for a day, removal, the routing version moving with each change (routers
 * reload and sign with it), and a low-balance notice signed with it. (The router's packet messages
 * and route tests: router.int.test.ts, route-tests.int.test.ts.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { loadRoutingConfig, readRoutingConfigVersion } from '@cov/shared/routing/routing-config';
import { verifyWebhookSignature } from '@cov/shared/routing/webhook-signature';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const DAY_MS = 86_400_000;

describe.each(['postgres', 'embedded'] as TestMode[])('webhook signing secrets (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  let org: { id: string; key: string; readKey: string };
  let other: { id: string; key: string };
  const received: { signature: string | undefined; body: Buffer }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const signature = req.headers['x-cov-signature'];
      received.push({ signature: typeof signature === 'string' ? signature : undefined, body: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
  const path = () => `/v1/orgs/${org.id}/webhook-secret`;
  const version = () => readRoutingConfigVersion(node.ctx.database.db);

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    node = await startTestNode(mode, { services: ['api'], clock, overrides: { ALERT_PRIVATE_ADDRESSES: 'allow', ALERT_POST_TIMEOUT_MS: '2000' } });
    const created = await call('POST', '/v1/admin/orgs', { name: 'Signing Org' }, node.adminKey);
    const readKey = await call('POST', `/v1/orgs/${created.body.org.id}/api-keys`, { name: 'dashboard', scope: 'read' }, created.body.apiKey);
    expect(readKey.status).toBe(201);
    org = { id: created.body.org.id, key: created.body.apiKey, readKey: readKey.body.apiKey };
    const second = await call('POST', '/v1/admin/orgs', { name: 'Other Signing Org' }, node.adminKey);
    other = { id: second.body.org.id, key: second.body.apiKey };
  });
  afterAll(async () => {
    await node?.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('makes a secret with a write key, shows it once, and says afterwards only that and since when it signs', async () => {
    expect((await call('GET', path(), undefined, org.readKey)).body).toEqual({ signed: false, createdAt: null, previousValidUntil: null, header: 'x-cov-signature' });
    expect(code(await call('POST', path(), undefined, org.readKey))).toEqual([403, 'auth.forbidden']);
    expect(code(await call('POST', path(), undefined, other.key))).toEqual([403, 'auth.forbidden']);
    const before = await version();
    const made = await call('POST', path(), undefined, org.key);
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/), signed: true, createdAt: new Date(T0).toISOString(), previousValidUntil: null, header: 'x-cov-signature' });
    // Routers reload on a version move, and then sign with the secret.
    expect(await version()).toBeGreaterThan(before);
    expect((await loadRoutingConfig(node.ctx.database.db)).signingSecrets).toEqual([{ orgId: org.id, current: made.body.secret, previous: null, previousUntilMs: null }]);
    const shown = await call('GET', path(), undefined, org.readKey);
    expect(shown.body).toEqual({ signed: true, createdAt: new Date(T0).toISOString(), previousValidUntil: null, header: 'x-cov-signature' });
    expect(JSON.stringify(shown.body)).not.toContain(made.body.secret);
    expect(JSON.stringify((await call('GET', `/v1/orgs/${org.id}`, undefined, org.key)).body)).not.toContain('whsec_');
  });

  it('rotates: the previous secret signs beside the new one for a day, then not', async () => {
    const first = (await loadRoutingConfig(node.ctx.database.db)).signingSecrets![0]!.current;
    clock.advance(60_000);
    const rotated = await call('POST', path(), undefined, org.key);
    expect(rotated.body.secret).not.toBe(first);
    expect(rotated.body.previousValidUntil).toBe(new Date(clock.nowMs() + DAY_MS).toISOString());
    expect((await loadRoutingConfig(node.ctx.database.db)).signingSecrets).toEqual([{ orgId: org.id, current: rotated.body.secret, previous: first, previousUntilMs: clock.nowMs() + DAY_MS }]);

    // A low-balance notice is signed like the org's packets: both secrets during the grace.
    expect((await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 10, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/low` }, org.key)).status).toBe(200);
    expect((await call('POST', `/v1/orgs/${org.id}/balance-alert/test`, undefined, org.key)).body.delivered).toBe(true);
    const notice = received.at(-1)!;
    expect([verifyWebhookSignature(notice.signature, notice.body, rotated.body.secret, clock.nowMs()), verifyWebhookSignature(notice.signature, notice.body, first, clock.nowMs())]).toEqual([true, true]);

    clock.advance(DAY_MS);
    expect((await call('GET', path(), undefined, org.key)).body.previousValidUntil).toBeNull();
    await call('POST', `/v1/orgs/${org.id}/balance-alert/test`, undefined, org.key);
    const later = received.at(-1)!;
    expect([verifyWebhookSignature(later.signature, later.body, rotated.body.secret, clock.nowMs()), verifyWebhookSignature(later.signature, later.body, first, clock.nowMs())]).toEqual([true, false]);
  });

  it('stops signing when removed, and says so when there is nothing to remove', async () => {
    const before = await version();
    expect((await call('DELETE', path(), undefined, org.key)).status).toBe(204);
    expect(await version()).toBeGreaterThan(before);
    expect((await loadRoutingConfig(node.ctx.database.db)).signingSecrets).toEqual([]);
    expect((await call('GET', path(), undefined, org.key)).body.signed).toBe(false);
    await call('POST', `/v1/orgs/${org.id}/balance-alert/test`, undefined, org.key);
    expect(received.at(-1)!.signature).toBeUndefined();
    expect(code(await call('DELETE', path(), undefined, org.key))).toEqual([404, 'webhook_secret.not_set']);
    expect(code(await call('DELETE', `/v1/orgs/${other.id}/webhook-secret`, undefined, org.key))).toEqual([403, 'auth.forbidden']);
  });
});
