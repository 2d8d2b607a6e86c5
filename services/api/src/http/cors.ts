/**
 * Cross-origin access for browser apps (explorers, coverage maps, a device maker's console) that
 * call the API from their own origin. The API authenticates with bearer keys, never cookies, so
 * allowing any origin (the default) exposes nothing a script could not already fetch with the
 * same key; CORS_ORIGINS narrows it to a list, or turns it off (`none`).
 */
import cors from '@fastify/cors';
import type { HttpServer } from '@cov/shared/http/create-http-server';

/** `*` -> any origin; `a,b` -> exactly those origins; `none` -> no CORS headers at all. */
export function parseCorsOrigins(setting: string): '*' | string[] | false {
  const trimmed = setting.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return false;
  if (trimmed === '*') return '*';
  return trimmed
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
}

export async function registerCors(scope: HttpServer, setting: string): Promise<void> {
  const origins = parseCorsOrigins(setting);
  if (origins === false) return;
  await scope.register(cors, {
    origin: origins,
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'idempotency-key', 'if-none-match', 'x-request-id'],
    // What a browser script may read of an answer: caching, rate limits, retries, request ids, and
    // the next page's cursor of a paged CSV (which has no JSON body to carry it).
    exposedHeaders: ['etag', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after', 'x-request-id', 'idempotent-replayed', 'x-next-cursor'],
    maxAge: 600,
  });
}
