/**
 * POST /v1/router/route-tests: an org tests one of its routes' endpoints from the router
 * (endpoint-test.ts), before its devices send anything or while it works on its server. Write
 * scope, as the test makes the router send something where the org says. A few tests per org at a
 * time: each can hold a socket for the webhook timeout, and the test is for people setting up a
 * server, not for monitoring it (the route's `delivery` and stats do that).
 */
import { Type } from 'typebox';
import { orgSigningSecrets } from '@cov/shared/routing/org-signing-secrets';
import { and, eq } from 'drizzle-orm';
import { deletedRoutes, routes, type RouteEndpoint } from '@cov/shared/db/schema/routing';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { ApiKeyUse } from '@cov/shared/routing/api-key-use';
import type { Db } from '@cov/shared/db/client';
import { requireOrgWriteKey } from '../org-write-key';
import type { EndpointTester } from './endpoint-test';

/** Tests one org may run at once. */
const MAX_TESTS_IN_FLIGHT_PER_ORG = 4;

const ErrorRef = Type.Ref('ErrorResponse');

const TargetResult = Type.Object({
  target: Type.String({ description: 'The URL (without user info or query), or host:port of a GWMP LNS.' }),
  delivered: Type.Boolean({ description: 'A 2xx answer, or the LNS\'s PUSH_ACK.' }),
  outcome: Type.String({ description: '`delivered`, or why not in one word: `status_503`, `timeout`, `ECONNREFUSED`, `ENOTFOUND`, ...' }),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'The HTTP status, when one came.' }),
  latencyMs: Type.Number(),
});

/** The org's route's endpoint, or why there is none to test. */
async function orgRouteEndpoint(db: Db, orgId: string, routeId: string): Promise<RouteEndpoint> {
  const [live] = await db.select({ endpoint: routes.endpoint }).from(routes).where(and(eq(routes.id, routeId), eq(routes.orgId, orgId))).limit(1);
  if (live) return live.endpoint;
  const [deleted] = await db
    .select({ deletedAt: deletedRoutes.deletedAt })
    .from(deletedRoutes)
    .where(and(eq(deletedRoutes.id, routeId), eq(deletedRoutes.orgId, orgId)))
    .limit(1);
  if (deleted) {
    const deletedAt = deleted.deletedAt.toISOString();
    throw new AppError('routes.deleted', `route ${routeId} was deleted at ${deletedAt}`, { deletedAt });
  }
  throw new AppError('routes.not_found', `no route ${routeId} in this organisation`);
}

export async function registerRouteTestRoutes(app: HttpServer, deps: { db: Db; tester: EndpointTester; keyUse: ApiKeyUse }): Promise<void> {
  const inFlight = new Map<string, number>();
  app.post(
    '/v1/router/route-tests',
    {
      schema: {
        tags: ['device makers'],
        summary: "Test a route's endpoint from the router (org API key, write scope)",
        description:
          'The router sends the endpoint a test, as it sends packets: an HTTP endpoint a `type: "test"` message (webhook `route-test`) with the route\'s authHeader, a GWMP LNS a status-only PUSH_DATA on its port and on each region port, and tells whether each took it. Nothing is bought or recorded, and the route\'s back-off is not changed. Inactive and locked routes can be tested. Served by every router (`downlinkUrl`\'s host, or the API\'s host in the all-in-one mode); at most 4 tests per organisation at a time (429).',
        security: [{ apiKey: [] }],
        body: Type.Object({ routeId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            routeId: Type.String(),
            protocol: Type.Union([Type.Literal('http'), Type.Literal('gwmp')]),
            delivered: Type.Boolean({ description: 'Every target took the test.' }),
            targets: Type.Array(TargetResult),
          }),
          400: ErrorRef,
          401: ErrorRef,
          403: ErrorRef,
          404: ErrorRef,
          410: ErrorRef,
          429: ErrorRef,
        },
      },
    },
    async (request) => {
      const holder = await requireOrgWriteKey(request, deps);
      const { routeId } = request.body;
      const endpoint = await orgRouteEndpoint(deps.db, holder.orgId, routeId);
      const running = inFlight.get(holder.orgId) ?? 0;
      if (running >= MAX_TESTS_IN_FLIGHT_PER_ORG) throw new AppError('request.rate_limited', `at most ${MAX_TESTS_IN_FLIGHT_PER_ORG} route tests of one organisation at a time`);
      inFlight.set(holder.orgId, running + 1);
      try {
        // Read now, not from the route table: a secret made a moment ago signs the test already.
        const result = await deps.tester.test(routeId, endpoint, await orgSigningSecrets(deps.db, holder.orgId));
        return { routeId, protocol: endpoint.protocol, ...result };
      } finally {
        const left = (inFlight.get(holder.orgId) ?? 1) - 1;
        if (left <= 0) inFlight.delete(holder.orgId);
        else inFlight.set(holder.orgId, left);
      }
    },
  );
}
