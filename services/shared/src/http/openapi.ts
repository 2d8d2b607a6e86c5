/**
 * OpenAPI document (generated from the routes' TypeBox schemas by @fastify/swagger) and its UI at
 * /docs, served from the npm package's own assets (no CDN). Must be registered before routes.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { errorCatalog } from '../errors';
import { noticeWebhookDocument } from '../alerts/notice-schemas';
import { routeWebhookDocument } from '../routing/webhook-message-schema';
import type { HttpServer } from './create-http-server';

/**
 * Every error code with the HTTP status it is answered with, for the document's description: the
 * routes' responses name only statuses, and a client switches on codes (what a 409 or a 422 means
 * differs from route to route).
 */
export function errorCodeTable(catalog: Record<string, number> = errorCatalog): string {
  const rows = Object.entries(catalog)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, status]) => `| \`${code}\` | ${status} |`);
  return ['| code | HTTP status |', '|---|---|', ...rows].join('\n');
}

export async function registerOpenApi(app: HttpServer): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Coverage network API',
        version: '1.0.0',
        description:
          'Hotspot registry, proof-of-coverage reports, rewards, coverage maps and packet routing. Errors are `{ error: { code, message, details? }, requestId }` with stable dotted codes; `details.field` names the parameter at fault (a bad field is 400 `request.invalid`). ' +
          'Any route may answer 429 `request.rate_limited` with `Retry-After`, and 500 `internal.error`; every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`. ' +
          'Times are UTC; `min_time`/`max_time` take ISO 8601 or relative forms (`-7 day`, `now`). Token amounts are decimal strings of base units (they exceed 2^53).\n\n' +
          errorCodeTable(),
      },
      // What device makers' endpoints and alert subscribers are sent (OpenAPI 3.1 webhooks). A
      // TypeBox schema is JSON Schema, which openapi-types does not know its classes as.
      webhooks: { ...routeWebhookDocument, ...noticeWebhookDocument } as unknown as Record<string, never>,
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Maker, organisation or admin API key.' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const documented = (documentedWebsocket(route, schema as Record<string, unknown> | undefined) as typeof schema | undefined) ?? schema;
      return { schema: withBodyErrors(route.method, documented as Record<string, unknown> | undefined) as typeof schema, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

/** Methods whose requests Fastify reads a body of (by its content type) before the route runs. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every route of a method that carries a body may answer 413 `request.too_large` (over the body
 * limit) and 415 `request.unsupported_media_type` (a content type no parser takes): Fastify answers
 * them before the route runs, whether or not the route reads a body, so no route listed them.
 */
export function withBodyErrors(method: string | string[], schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!schema || schema.hide === true || !(Array.isArray(method) ? method : [method]).some((m) => BODY_METHODS.has(m.toUpperCase()))) return schema;
  const errorResponse = { $ref: 'ErrorResponse' };
  return { ...schema, response: { 413: errorResponse, 415: errorResponse, ...(schema.response as Record<string, unknown> | undefined) } };
}

/**
 * @fastify/websocket hides every WebSocket route from the document. The feeds written up for
 * clients (tagged: the live feed, an org's packet stream) are put back, marked as upgrades; the
 * hotspot ingest session stays out (untagged; services/ingest/PROTOCOL.md describes it).
 */
function documentedWebsocket(route: { websocket?: boolean }, schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!route.websocket || !schema || !Array.isArray(schema.tags) || schema.tags.length === 0) return undefined;
  const description = typeof schema.description === 'string' ? `${schema.description} ` : '';
  return { ...schema, hide: false, description: `${description}A WebSocket: open it with GET and \`Upgrade: websocket\`; messages are JSON text frames.` };
}
