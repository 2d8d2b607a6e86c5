/**
 * An organisation's low-balance alert: PUT sets it (threshold and the URL the notice is posted to,
 * and whether route endpoint outages are told there too: route-endpoint-notifier.ts),
 * GET shows it with what happened to the last notice, DELETE removes it. Reads need a read key of
 * the org, changes a write key. The notices themselves are posted by balance-alert-notifier.ts.
 */
import type { BalanceAlertTestNotice } from '@cov/shared/alerts/notice-schemas';
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';
import { orgSigningAt } from '@cov/shared/routing/org-signing-secrets';
import { postNotice, requirePublicNoticeUrl } from '../alerts/notice-delivery';
import { AuthHeaderValue } from '../http/outbound-request';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { deleteBalanceAlert, findBalanceAlert, upsertBalanceAlert, type BalanceAlertRow } from './balance-alerts-repository';
import { requireOrg } from './create-org';
import { authorizeOrg } from './org-access';
import type { OrgsDeps } from './orgs-deps';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const security = [{ apiKey: [] }];
const OrgParams = Type.Object({ orgId: Type.String({ format: 'uuid' }) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const BalanceAlertView = Type.Object({
  thresholdDc: Type.Integer(),
  url: Type.String(),
  authHeaderSet: Type.Boolean({ description: 'An Authorization header is sent with the notice (its value is never shown).' }),
  endpointAlerts: Type.Boolean({ description: "Also told when a route's endpoint is backed off (its packets not bought meanwhile) and when it takes packets again (route_endpoint_down / route_endpoint_recovered notices)." }),
  state: Type.Union([Type.Literal('armed'), Type.Literal('notified')], {
    description: 'armed: a notice goes out when the balance falls under the threshold; notified: one went out (or is being retried) for the current dip, and the alert arms again once a top-up brings the balance back to the threshold.',
  }),
  lastSentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'What the last failed post got (status_500, timeout, ECONNREFUSED, ...); null after a success.' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

function toView(row: BalanceAlertRow) {
  return {
    thresholdDc: row.thresholdDc,
    url: row.url,
    authHeaderSet: row.authHeader !== null,
    endpointAlerts: row.endpointAlerts,
    state: row.armed ? ('armed' as const) : ('notified' as const),
    lastSentAt: iso(row.lastSentAtMs),
    lastAttemptAt: iso(row.lastAttemptAtMs),
    lastError: row.lastError,
    updatedAt: new Date(row.updatedAtMs).toISOString(),
  };
}

export async function registerBalanceAlertRoutes(app: HttpServer, deps: OrgsDeps & { allowPrivateAddresses: boolean; alertTimeoutMs: number }): Promise<void> {
  /** Organisations with a test notice in flight: one at a time each (a test can take the post timeout). */
  const testing = new Set<string>();
  app.put(
    '/v1/orgs/:orgId/balance-alert',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Be told before the DC balance runs out: set the low-balance alert (write scope)',
        description:
          'When the balance falls under thresholdDc, one notice is posted to url as JSON: { type: "dc_balance_low", orgId, orgName, balanceDc, thresholdDc, estimatedDaysLeft, averageDailyDc, at }, with authHeader as its Authorization header when given. Checked every 30 s by default; a failed post (not 2xx, timeout, unreachable) is retried at the next check. A top-up back to the threshold arms the alert again. Setting it arms it (a balance already under the threshold is notified at the next check).',
        security,
        params: OrgParams,
        body: Type.Object(
          {
            thresholdDc: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
            url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
            authHeader: Type.Optional(AuthHeaderValue),
            endpointAlerts: Type.Boolean({
              default: false,
              description:
                "Also post a route_endpoint_down notice to url when the router backs one of the org's route endpoints off after failed deliveries (the route's packets are not bought while it is), and a route_endpoint_recovered notice when it takes a packet again (webhook org-route-endpoint in the OpenAPI document).",
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: BalanceAlertView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'write');
      await requireOrg(deps.db, request.params.orgId);
      const { thresholdDc, url, authHeader, endpointAlerts } = request.body;
      requirePublicNoticeUrl(url, deps.allowPrivateAddresses);
      return toView(await upsertBalanceAlert(deps.db, { orgId: request.params.orgId, thresholdDc, url, authHeader: authHeader ?? null, endpointAlerts, nowMs: deps.clock.nowMs() }));
    },
  );

  app.get(
    '/v1/orgs/:orgId/balance-alert',
    {
      schema: {
        tags: ['device makers'],
        summary: "The organisation's low-balance alert and what happened to its last notice",
        security,
        params: OrgParams,
        response: { 200: BalanceAlertView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      await requireOrg(deps.db, request.params.orgId);
      const row = await findBalanceAlert(deps.db, request.params.orgId);
      if (!row) throw new AppError('balance_alert.not_set', 'this organisation has no low-balance alert; PUT one');
      return toView(row);
    },
  );

  app.post(
    '/v1/orgs/:orgId/balance-alert/test',
    {
      schema: {
        tags: ['device makers'],
        summary: "Post a test notice to the low-balance alert's URL, and tell whether it was taken (write scope)",
        description:
          'Posted as the real notice is (with authHeader; no redirects; the same address checks), as { type: "test", orgId, orgName, note, at }, so a receiver can check its end before a real dip. The alert itself does not change: not its state, nor lastSentAt or lastError. One test per organisation at a time (429).',
        security,
        params: OrgParams,
        response: {
          200: Type.Object({
            delivered: Type.Boolean({ description: 'The URL answered 2xx.' }),
            outcome: Type.String({ description: '`delivered`, or why not in one word, as lastError tells it: status_500, timeout, ECONNREFUSED, private_address, ...' }),
          }),
          ...errors(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'write');
      const org = await requireOrg(deps.db, request.params.orgId);
      const row = await findBalanceAlert(deps.db, org.id);
      if (!row) throw new AppError('balance_alert.not_set', 'this organisation has no low-balance alert; PUT one');
      if (testing.has(org.id)) throw new AppError('request.rate_limited', 'a test notice of this organisation is already being posted');
      testing.add(org.id);
      try {
        const nowMs = deps.clock.nowMs();
        const notice: BalanceAlertTestNotice = { type: 'test', orgId: org.id, orgName: org.name, note: 'A test of this low-balance alert: the balance has not changed.', at: new Date(nowMs).toISOString() };
        const error = await postNotice(row.url, row.authHeader, notice, deps.alertTimeoutMs, deps.allowPrivateAddresses, await orgSigningAt(deps.db, org.id, nowMs));
        return { delivered: error === undefined, outcome: error ?? 'delivered' };
      } finally {
        testing.delete(org.id);
      }
    },
  );

  app.delete(
    '/v1/orgs/:orgId/balance-alert',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Remove the low-balance alert (write scope)',
        security,
        params: OrgParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await authorizeOrg(request, deps, request.params.orgId, 'write');
      await requireOrg(deps.db, request.params.orgId);
      if (!(await deleteBalanceAlert(deps.db, request.params.orgId))) throw new AppError('balance_alert.not_set', 'this organisation has no low-balance alert');
      return reply.status(204).send(null);
    },
  );
}
