/**
 * An org's route by id, live or deleted. Changes and the live-only views (the route itself, its
 * session-key filters, its packet stream) take a live route, and a deleted one answers 410
 * `routes.deleted` rather than 404, so a client can tell "deleted" from "never existed". The
 * read-only views of a route's history (stats, packets, EUI pairs, carrying hotspots) take either.
 * Another org's route, live or deleted, is not found.
 */
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import { findOrgDeletedRoute, type DeletedRouteRow } from './deleted-routes-repository';
import { findOrgRoute, type RouteRow } from './routes-repository';

export function routeDeletedError(route: Pick<DeletedRouteRow, 'id' | 'orgId' | 'deletedAt'>): AppError {
  const deletedAt = route.deletedAt.toISOString();
  return new AppError('routes.deleted', `route ${route.id} was deleted at ${deletedAt}; its record, stats and packets stay readable`, {
    deletedAt,
    deletedRoute: `/v1/orgs/${route.orgId}/deleted-routes/${route.id}`,
  });
}

function notFound(orgId: string, routeId: string): AppError {
  return new AppError('routes.not_found', `organisation ${orgId} has no route ${routeId}`);
}

/** The live route (`forUpdate` locks it for the rest of the transaction); 410 when deleted, 404 when never the org's. */
export async function liveOrgRoute(db: Db, orgId: string, routeId: string, forUpdate = false): Promise<RouteRow> {
  const route = await findOrgRoute(db, orgId, routeId, forUpdate);
  if (route) return route;
  // Also reached by a second delete that waited on the first's row lock: its record is committed by then.
  const deleted = await findOrgDeletedRoute(db, orgId, routeId);
  throw deleted ? routeDeletedError(deleted.route) : notFound(orgId, routeId);
}

/** The route whose history is asked for, live (`deletedAt` null) or deleted; 404 when never the org's. */
export async function historyOrgRoute(db: Db, orgId: string, routeId: string): Promise<{ id: string; deletedAt: Date | null }> {
  const route = await findOrgRoute(db, orgId, routeId);
  if (route) return { id: route.id, deletedAt: null };
  const deleted = await findOrgDeletedRoute(db, orgId, routeId);
  if (deleted) return { id: deleted.route.id, deletedAt: deleted.route.deletedAt };
  throw notFound(orgId, routeId);
}
