/**
 * What the record of a deleted route keeps (pure): the route as it was when deleted, so its device
 * maker can still read what it was (invoices, "why did these devices go quiet last week"), without
 * its credentials. The record outlives the route for as long as its stats (for good), and an org
 * may give read keys to people who never needed its LNS's credentials: an HTTP endpoint keeps its
 * scheme, host and path only (user info and the query string, where webhook tokens often travel,
 * are dropped) and its Authorization header only as "there was one"; session keys are counted.
 */
import type { DeletedRouteDelivery, DeletedRouteEndpoint, deletedRoutes, RouteEndpoint } from '@cov/shared/db/schema/routing';
import type { RangeRow, RouteDeliveryRow, RouteRow } from './routes-repository';

export type DeletedRouteInsert = typeof deletedRoutes.$inferInsert;

/** The URL without user info, query string or fragment. */
export function credentialFreeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    // Stored before URLs were checked when set: cut by hand what the parser would have removed.
    return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1').split(/[?#]/)[0]!;
  }
}

export function credentialFreeEndpoint(e: RouteEndpoint): DeletedRouteEndpoint {
  if (e.protocol === 'http') return { protocol: 'http', url: credentialFreeUrl(e.url), hasAuthHeader: !!e.authHeader };
  return { protocol: 'gwmp', host: e.host, port: e.port, ...(e.regionPorts ? { regionPorts: e.regionPorts } : {}) };
}

export function deletedRouteRecord(input: {
  route: RouteRow;
  ranges: RangeRow[];
  euiPairCount: number;
  skfCount: number;
  delivery: RouteDeliveryRow | undefined;
  deletedAt: Date;
  /** The org API key that asked; null for the admin key. */
  deletedByKeyId: string | null;
}): DeletedRouteInsert {
  const { route, delivery } = input;
  const kept: DeletedRouteDelivery | null =
    delivery === undefined
      ? null
      : { lastError: delivery.lastError, lastErrorAtMs: delivery.lastErrorAtMs, backoffs: delivery.backoffs, backoffUntilMs: delivery.backoffUntilMs, recoveredAtMs: delivery.recoveredAtMs };
  return {
    id: route.id,
    orgId: route.orgId,
    name: route.name,
    endpoint: credentialFreeEndpoint(route.endpoint),
    maxCopies: route.maxCopies,
    active: route.active,
    locked: route.locked,
    devaddrRanges: input.ranges
      .filter((r) => r.routeId === route.id)
      .map((r) => ({ startAddr: r.startAddr, endAddr: r.endAddr }))
      .sort((x, y) => x.startAddr - y.startAddr || x.endAddr - y.endAddr),
    euiPairCount: input.euiPairCount,
    skfCount: input.skfCount,
    delivery: kept,
    createdAt: route.createdAt,
    updatedAt: route.updatedAt,
    deletedAt: input.deletedAt,
    deletedByKeyId: input.deletedByKeyId,
  };
}
