/** The notice of a route endpoint's outage or recovery (pure); its schema is shared/alerts/notice-schemas.ts. */
import type { RouteEndpointNotice } from '@cov/shared/alerts/notice-schemas';
import { credentialFreeEndpoint } from './deleted-route-record';
import type { DueEndpointNotice } from './route-endpoint-alerts-repository';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function routeEndpointNotice(due: DueEndpointNotice, nowMs: number): RouteEndpointNotice {
  return {
    type: due.kind === 'down' ? 'route_endpoint_down' : 'route_endpoint_recovered',
    orgId: due.orgId,
    orgName: due.orgName,
    routeId: due.routeId,
    routeName: due.routeName,
    // Alerts go to whoever reads the org's alert URL: no LNS credentials in them.
    // (regionPorts: Partial only in its TypeScript type; a port map has no undefined entries.)
    endpoint: credentialFreeEndpoint(due.endpoint) as RouteEndpointNotice['endpoint'],
    lastError: due.lastError,
    lastErrorAt: new Date(due.lastErrorAtMs).toISOString(),
    backoffs: due.backoffs,
    backoffUntil: iso(due.backoffUntilMs),
    recoveredAt: iso(due.recoveredAtMs),
    at: new Date(nowMs).toISOString(),
  };
}
