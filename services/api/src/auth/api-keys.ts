/**
 * API keys for makers, organisations and admins. Keys are random, shown once, and stored only as a
 * SHA-256 hash (they have 192 bits of entropy, so a slow password hash adds nothing) plus a short
 * prefix that identifies a key in listings without revealing it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type postgres from 'postgres';
import { AppError } from '@cov/shared/errors';
import { keyFromProtocols } from '@cov/shared/http/websocket-key-protocol';
import type { AdminKeys } from './admin-keys';

export type ApiKeyKind = 'mk' | 'org';

export function generateApiKey(kind: ApiKeyKind): { key: string; hash: string; prefix: string } {
  const key = `${kind}_${randomBytes(24).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, kind.length + 7) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The key from `Authorization: Bearer <key>` (or `x-api-key`), or a 401. */
export function presentedApiKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header.trim();
  // A browser's WebSocket can only carry it as a subprotocol (websocket-key-protocol.ts).
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    const fromProtocol = keyFromProtocols(request.headers['sec-websocket-protocol']);
    if (fromProtocol) return fromProtocol;
  }
  throw new AppError('auth.missing_key', 'an API key is required: send Authorization: Bearer <key> (a browser WebSocket: the subprotocol cov.key.<key>)');
}

export function requireAdmin(request: FastifyRequest, adminKeys: AdminKeys): void {
  const match = adminKeys.match(presentedApiKey(request));
  if (match === undefined) throw new AppError('auth.bad_key', 'not a valid admin API key');
  if (match === 'previous') warnPreviousAdminKey(request);
}

/** Who still uses the key being rotated out, so the operator knows when to unset it. */
export function warnPreviousAdminKey(request: FastifyRequest): void {
  request.log.warn({ route: request.routeOptions.url, ip: request.ip }, 'admin request with ADMIN_API_KEY_PREVIOUS; move this client to ADMIN_API_KEY');
}

/** Whether a key hash is a maker's or an organisation's key that is not revoked (rate limits count such keys on their own). */
export async function isLiveApiKey(sql: postgres.ISql, keyHash: string): Promise<boolean> {
  const rows = await sql`
    select 1 from maker_api_keys where key_hash = ${keyHash} and revoked_at is null
    union all
    select 1 from org_api_keys where key_hash = ${keyHash} and revoked_at is null
    limit 1`;
  return rows.length > 0;
}
