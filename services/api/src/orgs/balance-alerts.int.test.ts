/**
 * Low-balance alerts end to end: a real node's API checks balances on its own schedule and posts
 * one notice per dip under the threshold to a small HTTP server in the test; a top-up arms the
 * alert again; a failing endpoint is retried at the next check. On PostgreSQL and embedded.
 */
import { Value } from 'typebox/value';
import { BalanceAlertTestNoticeSchema, DcBalanceLowNoticeSchema } from '@cov/shared/alerts/notice-schemas';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';
import { waitFor } from '@cov/router/testing/test-gateway';
import { twoMoreAlertChecks } from '../testing/alert-checks';
import type { BalanceAlertNotice } from './balance-alert-notice';

describe.each(['postgres+redis', 'embedded'] as TestMode[])('low-balance alerts (%s)', (mode) => {
  let node: TestNode;
  let org: { id: string; key: string };
  let other: { id: string; key: string };
  const notices: { path: string; authorization: string | undefined; body: BalanceAlertNotice }[] = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      notices.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as BalanceAlertNotice });
      res.writeHead(status).end();
    });
  });
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
  const alert = async () => (await call('GET', `/v1/orgs/${org.id}/balance-alert`, undefined, org.key)).body;
  const credit = (amountDc: number) => call('POST', `/v1/admin/orgs/${org.id}/dc`, { amountDc }, node.adminKey);
  const checks = () => twoMoreAlertChecks(node.httpBaseUrl, 'balance');

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    node = await startTestNode(mode, { services: ['api'], overrides: { BALANCE_ALERT_CHECK_INTERVAL_MS: '50', ALERT_POST_TIMEOUT_MS: '1000', ALERT_PRIVATE_ADDRESSES: 'allow' } });
    const created = await call('POST', '/v1/admin/orgs', { name: 'Alert Org', devAddrCount: 8 }, node.adminKey);
    org = { id: created.body.org.id, key: created.body.apiKey };
    const second = await call('POST', '/v1/admin/orgs', { name: 'Other Org', devAddrCount: 8 }, node.adminKey);
    other = { id: second.body.org.id, key: second.body.apiKey };
    expect((await credit(50)).status).toBe(201);
  });
  afterAll(async () => {
    await node?.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts one notice when the balance is under the threshold, and another only after a top-up and a new dip', async () => {
    expect(code(await call('GET', `/v1/orgs/${org.id}/balance-alert`, undefined, org.key))).toEqual([404, 'balance_alert.not_set']);
    const set = await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 100, url: url('/low'), authHeader: 'Bearer alert-secret' }, org.key);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ thresholdDc: 100, url: url('/low'), authHeaderSet: true, state: 'armed', lastSentAt: null });
    expect(JSON.stringify(set.body)).not.toContain('alert-secret');

    await waitFor(() => notices.length === 1, 'the first notice');
    expect(notices[0]).toMatchObject({ path: '/low', authorization: 'Bearer alert-secret' });
    expect(notices[0]!.body).toMatchObject({ type: 'dc_balance_low', orgId: org.id, orgName: 'Alert Org', balanceDc: 50, thresholdDc: 100, estimatedDaysLeft: null, averageDailyDc: 0 });
    expect(Date.parse(notices[0]!.body.at)).not.toBeNaN();
    // As the OpenAPI document publishes it (webhooks.org-balance-low).
    expect([...Value.Errors(DcBalanceLowNoticeSchema, notices[0]!.body)]).toEqual([]);
    await waitFor(async () => (await alert()).lastSentAt !== null, 'the notice recorded');
    await checks();
    expect(notices).toHaveLength(1); // still under the threshold: no second notice for the same dip
    expect(await alert()).toMatchObject({ state: 'notified', lastError: null });

    // A top-up back over the threshold arms it again; the balance does not fall by itself here, so a
    // higher threshold stands in for the next dip.
    await credit(100);
    await waitFor(async () => (await alert()).state === 'armed', 'armed again after the top-up');
    await checks();
    expect(notices).toHaveLength(1);
    await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 200, url: url('/low') }, org.key);
    await waitFor(() => notices.length === 2, 'the second notice');
    expect(notices[1]).toMatchObject({ authorization: undefined, body: { balanceDc: 150, thresholdDc: 200 } });
    // Counted for operators.
    await waitFor(async () => /^cov_api_alert_notices_total\{[^}]*alert="balance"[^}]*outcome="sent"[^}]*\} 2$/m.test(await (await fetch(`${node.httpBaseUrl}/metrics`)).text()), 'two notices counted');
  });

  it('retries a notice the endpoint refused at the next checks, and records why it failed', async () => {
    status = 503;
    const before = notices.length;
    await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 1000, url: url('/flaky') }, org.key);
    await waitFor(() => notices.length >= before + 2, 'two attempts');
    await waitFor(async () => (await alert()).lastError === 'status_503', 'the failure recorded');
    status = 200;
    await waitFor(async () => (await alert()).lastError === null && (await alert()).state === 'notified', 'delivered at last');
    const delivered = notices.length;
    await checks();
    expect(notices.length).toBe(delivered);

    // An endpoint nobody listens on (a port just freed): recorded as a connection error, not a crash.
    const spare = http.createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const freedPort = (spare.address() as AddressInfo).port;
    await new Promise((r) => spare.close(r));
    await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 1000, url: `http://127.0.0.1:${freedPort}/nobody` }, org.key);
    await waitFor(async () => (await alert()).lastError === 'ECONNREFUSED', 'the connection error recorded');
  });

  it("posts a test notice on request and says whether it was taken, leaving the alert as it was", async () => {
    const test = (key = org.key) => call('POST', `/v1/orgs/${org.id}/balance-alert/test`, undefined, key);
    await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 1, url: url('/test'), authHeader: 'Bearer test-secret' }, org.key);
    await waitFor(async () => (await alert()).state === 'armed', 'the alert armed, its balance above the threshold');
    const before = await alert();
    const r = await test();
    expect(r.body).toEqual({ delivered: true, outcome: 'delivered' });
    const got = notices.filter((n) => n.path === '/test');
    expect(got).toHaveLength(1);
    expect(got[0]!.authorization).toBe('Bearer test-secret');
    expect(got[0]!.body).toMatchObject({ type: 'test', orgId: org.id, orgName: 'Alert Org' });
    expect([...Value.Errors(BalanceAlertTestNoticeSchema, got[0]!.body)]).toEqual([]);
    status = 503;
    expect((await test()).body).toEqual({ delivered: false, outcome: 'status_503' });
    status = 200;
    // Neither told as a real notice nor recorded as its failure.
    expect(await alert()).toEqual(before);
    const readKey = (await call('POST', `/v1/orgs/${org.id}/api-keys`, { scope: 'read' }, org.key)).body.apiKey;
    expect(code(await test(readKey))).toEqual([403, 'auth.forbidden']);
    expect(code(await test(other.key))).toEqual([403, 'auth.forbidden']);
    expect(code(await call('POST', `/v1/orgs/${other.id}/balance-alert/test`, undefined, other.key))).toEqual([404, 'balance_alert.not_set']);
  });

  it('lets only the org itself see and change its alert, and refuses bad settings with stable codes', async () => {
    const put = (body: unknown, key: string, id = org.id) => call('PUT', `/v1/orgs/${id}/balance-alert`, body, key);
    const ro = await call('POST', `/v1/orgs/${org.id}/api-keys`, { scope: 'read' }, org.key);
    expect((await call('GET', `/v1/orgs/${org.id}/balance-alert`, undefined, ro.body.apiKey)).status).toBe(200);
    expect(code(await put({ thresholdDc: 5, url: url('/x') }, ro.body.apiKey))).toEqual([403, 'auth.forbidden']);
    expect(code(await call('GET', `/v1/orgs/${org.id}/balance-alert`, undefined, other.key))).toEqual([403, 'auth.forbidden']);
    expect(code(await put({ thresholdDc: 5, url: url('/x') }, other.key))).toEqual([403, 'auth.forbidden']);
    expect(code(await put({ thresholdDc: 0, url: url('/x') }, org.key))).toEqual([400, 'request.invalid']);
    expect(code(await put({ thresholdDc: 5, url: 'ftp://example.net/x' }, org.key))).toEqual([400, 'request.invalid']);
    expect(code(await put({ thresholdDc: 5, url: url('/x'), extra: 1 }, org.key))).toEqual([400, 'request.invalid']);
    // A URL or Authorization value fetch cannot send: a 500 (new URL threw), or stored to fail every post.
    // What a PUT sets (the checks running meanwhile update only the delivery fields).
    const settings = async () => {
      const { thresholdDc, url: u, authHeaderSet, updatedAt } = (await call('GET', `/v1/orgs/${org.id}/balance-alert`, undefined, org.key)).body;
      return { thresholdDc, url: u, authHeaderSet, updatedAt };
    };
    const before = await settings();
    for (const bad of [{ url: 'http://[' }, { url: 'http://example.net:99999/x' }, { url: url('/x'), authHeader: 'Bearer a\r\nX-Evil: 1' }, { url: url('/x'), authHeader: 'Bearer €' }]) {
      expect([bad, ...code(await put({ thresholdDc: 5, ...bad }, org.key))]).toEqual([bad, 400, 'request.invalid']);
    }
    expect(await settings()).toEqual(before);
    expect(code(await put({ thresholdDc: 5, url: url('/x') }, node.adminKey, '00000000-0000-4000-8000-000000000000'))).toEqual([404, 'orgs.not_found']);
    expect((await call('DELETE', `/v1/orgs/${org.id}/balance-alert`, undefined, org.key)).status).toBe(204);
    expect(code(await call('DELETE', `/v1/orgs/${org.id}/balance-alert`, undefined, org.key))).toEqual([404, 'balance_alert.not_set']);
    expect(code(await call('GET', `/v1/orgs/${other.id}/balance-alert`, undefined, other.key))).toEqual([404, 'balance_alert.not_set']);
  });
});

describe('low-balance alerts with private addresses refused (the default; embedded)', () => {
  let node: TestNode;
  let org: { id: string; key: string };
  beforeAll(async () => {
    node = await startTestNode('embedded', { services: ['api'], overrides: { BALANCE_ALERT_CHECK_INTERVAL_MS: '50' } });
    const created = await node.call('POST', '/v1/admin/orgs', { name: 'Careful Org', devAddrCount: 8 }, node.adminKey);
    org = { id: created.body.org.id, key: created.body.apiKey };
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('refuses a URL naming a private address, and never posts to a name that resolves to one', async () => {
    const put = (url: string) => node.call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 10, url }, org.key);
    for (const url of ['http://127.0.0.1:8080/x', 'http://10.0.0.7/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x']) {
      const r = await put(url);
      expect([url, r.status, r.body.error.code]).toEqual([url, 400, 'alerts.private_url']);
    }
    // A host name is taken, then checked at each post: localhost resolves to a loopback address.
    expect((await put('http://localhost:9/hook')).status).toBe(200);
    await waitFor(async () => (await node.call('GET', `/v1/orgs/${org.id}/balance-alert`, undefined, org.key)).body.lastError === 'private_address', 'the post refused');
  });
});

