/**
 * Route endpoint alerts end to end: an org sets its alert with endpointAlerts; the router's record
 * of an endpoint outage (route_delivery, written here with the router's own repository functions,
 * as its back-off does) makes the API's checker post one route_endpoint_down notice, escalations
 * of the same outage post nothing more, the endpoint taking a packet again posts one
 * route_endpoint_recovered, and a later outage is told again. A failing alert URL is retried. On
 * PostgreSQL and embedded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouteEndpointNoticeSchema, type RouteEndpointNotice } from '@cov/shared/alerts/notice-schemas';
import { ManualClock } from '@cov/shared/clock';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';
import { recordBackoff, recordRecovery } from '@cov/router/route-delivery-repository';
import { waitFor } from '@cov/router/testing/test-gateway';
import { twoMoreAlertChecks } from '../testing/alert-checks';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

describe.each(['postgres', 'embedded'] as TestMode[])('route endpoint alerts (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  let org: { id: string; key: string };
  let quiet: { id: string; key: string };
  let route = '';
  let quietRoute = '';
  const notices: { authorization: string | undefined; body: RouteEndpointNotice }[] = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      notices.push({ authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as RouteEndpointNotice });
      res.writeHead(status).end();
    });
  });
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const alert = async () => (await call('GET', `/v1/orgs/${org.id}/balance-alert`, undefined, org.key)).body;
  const checks = () => twoMoreAlertChecks(node.httpBaseUrl, 'route_endpoint');
  const backoff = (routeId: string, level: number) => recordBackoff(node.ctx.database.sql, routeId, { error: 'status_503', atMs: clock.nowMs(), level, untilMs: clock.nowMs() + level * 5_000 });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    node = await startTestNode(mode, { services: ['api'], clock, overrides: { BALANCE_ALERT_CHECK_INTERVAL_MS: '50', ALERT_POST_TIMEOUT_MS: '1000', ALERT_PRIVATE_ADDRESSES: 'allow' } });
    const makeOrg = async (name: string) => {
      const created = await call('POST', '/v1/admin/orgs', { name, devAddrCount: 8 }, node.adminKey);
      return { id: created.body.org.id as string, key: created.body.apiKey as string };
    };
    org = await makeOrg('Endpoint Alert Org');
    quiet = await makeOrg('Quiet Org');
    // The org's balance stays over the threshold: only endpoint notices are expected here.
    expect((await call('POST', `/v1/admin/orgs/${org.id}/dc`, { amountDc: 1000 }, node.adminKey)).status).toBe(201);
    expect((await call('POST', `/v1/admin/orgs/${quiet.id}/dc`, { amountDc: 1000 }, node.adminKey)).status).toBe(201);
    const created = await call('POST', `/v1/orgs/${org.id}/routes`, { name: 'lns', endpoint: { protocol: 'http', url: 'https://user:pw@lns.example/uplink?token=s3cret', authHeader: 'Bearer lns-secret' } }, org.key);
    expect(created.status).toBe(201);
    route = created.body.id;
    quietRoute = (await call('POST', `/v1/orgs/${quiet.id}/routes`, { name: 'lns', endpoint: { protocol: 'http', url: 'https://lns.example/quiet' } }, quiet.key)).body.id;
    // The other org has an alert, without endpoint alerts.
    expect((await call('PUT', `/v1/orgs/${quiet.id}/balance-alert`, { thresholdDc: 10, url: url('/quiet') }, quiet.key)).body.endpointAlerts).toBe(false);
  });
  afterAll(async () => {
    await node?.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('tells an outage once, however many back-offs it takes, and its recovery once', async () => {
    const set = await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 10, url: url('/alerts'), authHeader: 'Bearer alert-secret', endpointAlerts: true }, org.key);
    expect(set.body).toMatchObject({ endpointAlerts: true, state: 'armed' });
    await checks();
    expect(notices).toEqual([]);

    await backoff(route, 1);
    await backoff(quietRoute, 1);
    await waitFor(() => notices.length === 1, 'the outage notice');
    expect(notices[0]!.authorization).toBe('Bearer alert-secret');
    expect(notices[0]!.body).toEqual({
      type: 'route_endpoint_down',
      orgId: org.id,
      orgName: 'Endpoint Alert Org',
      routeId: route,
      routeName: 'lns',
      endpoint: { protocol: 'http', url: 'https://lns.example/uplink', hasAuthHeader: true },
      lastError: 'status_503',
      lastErrorAt: new Date(T0).toISOString(),
      backoffs: 1,
      backoffUntil: new Date(T0 + 5_000).toISOString(),
      recoveredAt: null,
      at: new Date(T0).toISOString(),
    });
    expect([...Value.Errors(RouteEndpointNoticeSchema, notices[0]!.body)]).toEqual([]);
    // No LNS credential reaches the alert URL.
    expect(JSON.stringify(notices)).not.toMatch(/s3cret|lns-secret|user:pw/);

    // The same outage, longer: nothing more.
    clock.advance(6_000);
    await backoff(route, 2);
    await checks();
    expect(notices).toHaveLength(1);

    // It takes a packet again: told once.
    clock.advance(10_000);
    await recordRecovery(node.ctx.database.sql, route, clock.nowMs());
    await waitFor(() => notices.length === 2, 'the recovery notice');
    expect(notices[1]!.body).toMatchObject({ type: 'route_endpoint_recovered', routeId: route, backoffs: 2, backoffUntil: null, recoveredAt: new Date(clock.nowMs()).toISOString() });
    expect([...Value.Errors(RouteEndpointNoticeSchema, notices[1]!.body)]).toEqual([]);
    await checks();
    expect(notices).toHaveLength(2);
    // The other org never asked: its route's outage was not told to anyone.
    expect(notices.every((n) => n.body.orgId === org.id)).toBe(true);
    // The low-balance side of the alert is untouched.
    expect(await alert()).toMatchObject({ state: 'armed', lastError: null });
    expect((await alert()).lastSentAt).not.toBeNull();
  });

  it('tells a later outage again, and retries a notice its URL did not take', async () => {
    status = 500;
    clock.advance(60_000);
    await backoff(route, 1);
    await waitFor(() => notices.length >= 4, 'two attempts');
    await waitFor(async () => (await alert()).lastError === 'status_500', 'the failure recorded');
    expect(notices.slice(2).every((n) => n.body.type === 'route_endpoint_down' && n.body.lastErrorAt === new Date(clock.nowMs()).toISOString())).toBe(true);
    status = 200;
    await waitFor(async () => (await alert()).lastError === null, 'delivered at last');
    const delivered = notices.length;
    await checks();
    expect(notices).toHaveLength(delivered);
    // A failed endpoint notice does not arm or disarm the low-balance alert.
    expect((await alert()).state).toBe('armed');
  });

  it('tells nothing of a recovery whose outage was never told', async () => {
    clock.advance(60_000);
    await recordRecovery(node.ctx.database.sql, route, clock.nowMs());
    await waitFor(() => notices.at(-1)!.body.type === 'route_endpoint_recovered', 'the recovery of the told outage');
    const before = notices.length;
    // The org turns endpoint alerts off; an outage and its recovery happen meanwhile; turned on
    // again, only what is still going on would be told: nothing.
    await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 10, url: url('/alerts') }, org.key);
    clock.advance(60_000);
    await backoff(route, 1);
    clock.advance(1_000);
    await recordRecovery(node.ctx.database.sql, route, clock.nowMs());
    await call('PUT', `/v1/orgs/${org.id}/balance-alert`, { thresholdDc: 10, url: url('/alerts'), endpointAlerts: true }, org.key);
    await checks();
    expect(notices).toHaveLength(before);
  });
});
