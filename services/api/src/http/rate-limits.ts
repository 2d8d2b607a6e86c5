/**
 * Published rate limits, per API key when one is presented and per client IP otherwise: anonymous
 * clients get RATE_LIMIT_PER_MINUTE requests per minute, keyed clients (makers, organisations) ten
 * times that, and the admin key is not limited. Every answer carries the IETF draft RateLimit
 * headers (RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset); a 429 carries Retry-After and
 * the usual error body with code `request.rate_limited`. With REDIS_URL the counters live in Redis
 * so every API replica enforces the same limit.
 */
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { HttpServer } from '@cov/shared/http/create-http-server';

export const KEYED_MULTIPLIER = 10;

function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header ? header : undefined;
}

// Counter ids of presented keys, so a busy client's key is not re-hashed on every request. Bounded:
// cleared when full, as a flood of made-up keys must not grow it.
const KEY_IDS_MAX = 10_000;
const keyIds = new Map<string, string>();
function keyId(key: string): string {
  let id = keyIds.get(key);
  if (id === undefined) {
    id = `key:${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    if (keyIds.size >= KEY_IDS_MAX) keyIds.clear();
    keyIds.set(key, id);
  }
  return id;
}

export interface RateLimitOptions {
  perMinute: number;
  adminApiKey: string;
  redisUrl: string;
  /** Namespaces the Redis counters (QUEUE_PREFIX), so deployments sharing a Redis do not share budgets. */
  redisPrefix: string;
}

export async function registerRateLimits(scope: HttpServer, options: RateLimitOptions): Promise<() => void> {
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : undefined;
  await scope.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    enableDraftSpec: true,
    ...(redis ? { redis, nameSpace: `${options.redisPrefix}-ratelimit-` } : {}),
    // A Redis outage must not take the API down with it: fail open.
    skipOnError: true,
    keyGenerator: (request) => {
      const key = presentedKey(request);
      return key ? keyId(key) : `ip:${request.ip}`;
    },
    max: async (_request, key) => (key.startsWith('key:') ? options.perMinute * KEYED_MULTIPLIER : options.perMinute),
    allowList: (request) => presentedKey(request) === options.adminApiKey,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
    }),
  });
  return () => redis?.disconnect();
}
