/**
 * GET /v1: where to start. The start banner names `<base>/v1` as the API, and someone trying that
 * URL first got a 404 `request.not_found`; it now answers which services this process runs, where
 * the OpenAPI document, its browsable docs and the operational routes are, and (when the process
 * serves the REST API) each kind of user's first routes, so a hotspot owner, a device maker, an
 * analyst or a hotspot maker sees where their part of the API begins without reading the whole document. Paths are
 * relative, so the answer holds behind a proxy that serves the API under another host.
 */
import { Type, type Static } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { ServiceName } from '@cov/shared/runtime/service';

const StartingPoint = Type.Object({
  method: Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('WebSocket'), Type.Literal('page')]),
  path: Type.String({ description: 'OpenAPI path template ({address}, {owner}, {orgId}, {makerId} are to be filled in), with a query parameter where one selects what the user wants.' }),
  what: Type.String(),
});

const StartingPoints = Type.Object(
  {
    hotspotOwners: Type.Array(StartingPoint),
    deviceMakers: Type.Array(StartingPoint, { description: 'Routes under /v1/orgs take the organisation\'s API key (Authorization: Bearer).' }),
    analysts: Type.Array(StartingPoint),
    hotspotMakers: Type.Array(StartingPoint, { description: 'Take the maker\'s API key (Authorization: Bearer).' }),
  },
  { description: 'Each kind of user\'s first routes; present when this process serves the REST API.' },
);

export const ApiIndex = Type.Object(
  {
    services: Type.Array(Type.String(), { description: 'The services this process runs (ingest, entropy, verifier, rewarder, router, api).' }),
    docs: Type.String({ description: 'Browsable API docs.' }),
    openapi: Type.String({ description: 'The OpenAPI 3.1 document (JSON).' }),
    health: Type.String(),
    ready: Type.String(),
    metrics: Type.String({ description: 'Prometheus metrics.' }),
    start: Type.Optional(StartingPoints),
  },
);

/** The api service's routes each user starts from; every one is in the OpenAPI document (tested). */
export const STARTING_POINTS: Static<typeof StartingPoints> = {
  hotspotOwners: [
    { method: 'GET', path: '/v1/hotspots/name/{name}', what: 'find a hotspot by its three-word name ("feisty-glass-dalmatian")' },
    { method: 'GET', path: '/v1/hotspots/{address}', what: 'a hotspot: location, status, last beacon and witness, lifetime rewards' },
    { method: 'GET', path: '/v1/hotspots/{address}/rewards', what: 'its rewards by epoch, day or week (beacon, witness, data), also as CSV' },
    { method: 'GET', path: '/v1/hotspots/{address}/rewards/pending', what: 'what it has earned so far today, before the epoch is paid' },
    { method: 'GET', path: '/v1/hotspots/{address}/pocs', what: 'its beacons and witnesses, valid or not, with the reason' },
    { method: 'GET', path: '/v1/hotspots/{address}/activity', what: 'everything that happened to it, newest first: onboarding, locations, transfers, PoC, flags, payments' },
    { method: 'GET', path: '/v1/owners/{owner}/hotspots', what: 'a fleet, with location and status' },
    { method: 'GET', path: '/v1/owners/{owner}/rewards', what: 'a fleet\'s rewards' },
  ],
  deviceMakers: [
    { method: 'GET', path: '/v1/orgs/{orgId}', what: 'the organisation: data-credit balance, how long it lasts, DevAddr blocks' },
    { method: 'POST', path: '/v1/orgs/{orgId}/routes', what: 'route DevAddr ranges and EUI pairs to a network server' },
    { method: 'GET', path: '/v1/orgs/{orgId}/routes/{routeId}/stats', what: 'a route\'s packets, copies, DC and drops by reason' },
    { method: 'GET', path: '/v1/orgs/{orgId}/devices', what: 'devices as the traffic shows them' },
    { method: 'WebSocket', path: '/v1/orgs/{orgId}/stream', what: 'the organisation\'s packets, live' },
  ],
  analysts: [
    { method: 'GET', path: '/v1/coverage/hexes', what: 'coverage hexes as GeoJSON (res and bbox, or POST a polygon)' },
    { method: 'GET', path: '/v1/coverage/point', what: 'coverage at a point' },
    { method: 'GET', path: '/v1/coverage/hotspots/near', what: 'the hotspots around a point, nearest first' },
    { method: 'GET', path: '/v1/hotspots', what: 'the whole registry, in pages' },
    { method: 'GET', path: '/v1/countries', what: 'countries ranked by hotspots, interactive hotspots or rewards, also as CSV' },
    { method: 'GET', path: '/v1/stats', what: 'the network now' },
    { method: 'GET', path: '/v1/stats/history', what: 'the network per epoch' },
    { method: 'GET', path: '/v1/rewards/pending', what: 'what the epoch not paid yet would pay so far; its hotspots best earning first at /v1/rewards/pending/{epoch}/hotspots' },
    { method: 'WebSocket', path: '/v1/stream', what: 'PoC verdicts, epoch results and router totals, live, filtered by hotspot, owner or hex' },
    { method: 'GET', path: '/v1/coverage/tiles.json', what: 'the same coverage as vector tiles for map clients (TileJSON)' },
    { method: 'page', path: '/map', what: 'the coverage map' },
  ],
  hotspotMakers: [
    { method: 'POST', path: '/v1/hotspots', what: 'onboard a hotspot' },
    { method: 'GET', path: '/v1/makers/{makerId}', what: 'the maker: hotspots onboarded, live API keys' },
    { method: 'GET', path: '/v1/makers/{makerId}/api-keys', what: 'its API keys and when each was last used, to rotate one or revoke a leaked one' },
    { method: 'GET', path: '/v1/hotspots?maker={makerId}', what: 'the hotspots it has onboarded, in pages' },
  ],
};

export function apiIndex(services: readonly ServiceName[]): Static<typeof ApiIndex> {
  return {
    services: [...services],
    docs: '/docs',
    openapi: '/docs/json',
    health: '/health',
    ready: '/ready',
    metrics: '/metrics',
    ...(services.includes('api') ? { start: STARTING_POINTS } : {}),
  };
}

export function registerApiIndexRoute(app: HttpServer, services: readonly ServiceName[]): void {
  const body = apiIndex(services);
  // 400: a query parameter it does not take, as on every API route.
  app.get('/v1', { schema: { tags: ['meta'], summary: 'Where to start: the services this process runs, where its docs are and each kind of user\'s first routes', response: { 200: ApiIndex, 400: Type.Ref('ErrorResponse') } } }, async () => body);
}
