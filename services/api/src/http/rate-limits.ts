/**
 * Published rate limits, per API key when a known one is presented and per client IP otherwise:
 * anonymous clients get RATE_LIMIT_PER_MINUTE requests per minute, keyed clients (makers,
 * organisations) ten times that, and the admin key is not limited. A key counts only once it is
 * known (a maker's or an org's, not revoked): counting any presented bearer text as a key gave every
 * made-up key its own tenfold budget, so a client sending a new random key per request was never
 * limited at all. Unknown keys are counted by IP, as anonymous clients are. Every answer carries the IETF draft RateLimit
 * headers (RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset); a 429 carries Retry-After and
 * the usual error body with code `request.rate_limited`. With REDIS_URL the counters live in Redis
 * so every API replica enforces the same limit.
 */
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { AdminKeys } from '../auth/admin-keys';

export const KEYED_MULTIPLIER = 10;

function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header ? header : undefined;
}

export interface RateLimitOptions {
  perMinute: number;
  adminKeys: AdminKeys;
  redisUrl: string;
  /** Namespaces the Redis counters (QUEUE_PREFIX), so deployments sharing a Redis do not share budgets. */
  redisPrefix: string;
  /** Whether a key (by its SHA-256 hex, as stored) is a maker's or an org's live key. */
  isKnownKey: (keyHash: string) => Promise<boolean>;
}

/**
 * Each presented key's counter id, or null when it is not a known key, remembered for a minute so
 * a busy client costs one lookup a minute, and a revoked key loses its budget within one. Bounded,
 * as a flood of made-up keys must not grow it.
 */
export function keyCounterIds(isKnownKey: RateLimitOptions['isKnownKey']): (key: string) => Promise<string | null> {
  const ids = new LRUCache<string, { id: string | null }>({ max: 10_000, ttl: 60_000 });
  return async (key) => {
    let entry = ids.get(key);
    if (entry === undefined) {
      const hash = createHash('sha256').update(key).digest('hex');
      // A failed lookup counts the request by IP this once, without remembering the key as unknown.
      const known = await isKnownKey(hash).catch(() => undefined);
      if (known === undefined) return null;
      entry = { id: known ? `key:${hash.slice(0, 24)}` : null };
      ids.set(key, entry);
    }
    return entry.id;
  };
}

export async function registerRateLimits(scope: HttpServer, options: RateLimitOptions): Promise<() => void> {
  const counterIdOf = keyCounterIds(options.isKnownKey);
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : undefined;
  await scope.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    enableDraftSpec: true,
    ...(redis ? { redis, nameSpace: `${options.redisPrefix}-ratelimit-` } : {}),
    // A Redis outage must not take the API down with it: fail open.
    skipOnError: true,
    keyGenerator: async (request) => {
      const key = presentedKey(request);
      return (key ? await counterIdOf(key) : null) ?? `ip:${request.ip}`;
    },
    max: async (_request, key) => (key.startsWith('key:') ? options.perMinute * KEYED_MULTIPLIER : options.perMinute),
    allowList: (request) => {
      const key = presentedKey(request);
      return key !== undefined && options.adminKeys.match(key) !== undefined;
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
    }),
  });
  return () => redis?.disconnect();
}
