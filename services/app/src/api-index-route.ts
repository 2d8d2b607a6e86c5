/**
 * GET /v1: where to start. The start banner names `<base>/v1` as the API, and someone trying that
 * URL first got a 404 `request.not_found`; it now answers which services this process runs and
 * where the OpenAPI document, its browsable docs and the operational routes are. Paths are
 * relative, so the answer holds behind a proxy that serves the API under another host.
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { ServiceName } from '@cov/shared/runtime/service';

export const ApiIndex = Type.Object(
  {
    services: Type.Array(Type.String(), { description: 'The services this process runs (ingest, entropy, verifier, rewarder, router, api).' }),
    docs: Type.String({ description: 'Browsable API docs.' }),
    openapi: Type.String({ description: 'The OpenAPI 3.1 document (JSON).' }),
    health: Type.String(),
    ready: Type.String(),
    metrics: Type.String({ description: 'Prometheus metrics.' }),
  },
);

export function apiIndex(services: readonly ServiceName[]) {
  return { services: [...services], docs: '/docs', openapi: '/docs/json', health: '/health', ready: '/ready', metrics: '/metrics' };
}

export function registerApiIndexRoute(app: HttpServer, services: readonly ServiceName[]): void {
  const body = apiIndex(services);
  // 400: a query parameter it does not take, as on every API route.
  app.get('/v1', { schema: { tags: ['meta'], summary: 'Where to start: the services this process runs and where its docs are', response: { 200: ApiIndex, 400: Type.Ref('ErrorResponse') } } }, async () => body);
}
