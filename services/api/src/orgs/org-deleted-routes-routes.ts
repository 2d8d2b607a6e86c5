/**
 * GET /v1/orgs/:orgId/deleted-routes (newest deletion first, keyset paginated) and
 * .../deleted-routes/:routeId: the records of the org's deleted routes, as they were when deleted
 * and who deleted them. What a device maker reconciling an invoice, or asking why devices went quiet
 * after a route change, needs once the route is gone; its stats and packets stay at
 * /v1/orgs/:orgId/routes/:routeId/... (read key).
 */
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { requireOrg } from './create-org';
import { findOrgDeletedRoute, listOrgDeletedRoutes } from './deleted-routes-repository';
import { authorizeOrg } from './org-access';
import { toDeletedRouteView } from './org-views';
import type { OrgsDeps } from './orgs-deps';
import { findOrgRoute } from './routes-repository';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const security = [{ apiKey: [] }];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isCursor = (v: unknown): v is { t: number; i: string } => Number.isSafeInteger((v as { t?: unknown })?.t) && UUID_RE.test(String((v as { i?: unknown })?.i));

export async function registerOrgDeletedRoutesRoutes(app: HttpServer, deps: OrgsDeps): Promise<void> {
  app.get(
    '/v1/orgs/:orgId/deleted-routes',
    {
      schema: {
        tags: ['device makers'],
        summary: "The organisation's deleted routes, newest deletion first (keyset paginated)",
        description: 'Routes deleted before deleted routes were recorded are not listed.',
        security,
        params: Type.Object({ orgId: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('DeletedRoute')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { orgId } = request.params;
      await authorizeOrg(request, deps, orgId, 'read');
      await requireOrg(deps.db, orgId);
      const { limit } = request.query;
      const before = decodeCursor(request.query.cursor, isCursor);
      const rows = await listOrgDeletedRoutes(deps.db, orgId, before, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { data: page.map(toDeletedRouteView), cursor: rows.length > limit && last ? encodeCursor({ t: last.route.deletedAt.getTime(), i: last.route.id }) : null };
    },
  );

  app.get(
    '/v1/orgs/:orgId/deleted-routes/:routeId',
    {
      schema: {
        tags: ['device makers'],
        summary: 'One deleted route, as it was when deleted',
        security,
        params: Type.Object({ orgId: Type.String({ format: 'uuid' }), routeId: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Ref('DeletedRoute'), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { orgId, routeId } = request.params;
      await authorizeOrg(request, deps, orgId, 'read');
      const deleted = await findOrgDeletedRoute(deps.db, orgId, routeId);
      if (deleted) return toDeletedRouteView(deleted);
      // Point a client that took a live route for a deleted one to where it is.
      const live = await findOrgRoute(deps.db, orgId, routeId);
      throw new AppError('routes.not_found', live ? `route ${routeId} is not deleted: GET /v1/orgs/${orgId}/routes/${routeId}` : `organisation ${orgId} has no deleted route ${routeId}`);
    },
  );
}
