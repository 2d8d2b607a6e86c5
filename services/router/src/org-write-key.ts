/**
 * The router's own HTTP routes (downlinks, route tests) take a write-scoped org API key, checked as
 * the API checks it (@cov/shared/routing/org-api-keys), and note its use (lastUsedAt).
 */
import type { FastifyRequest } from 'fastify';
import type { Db } from '@cov/shared/db/client';
import { AppError } from '@cov/shared/errors';
import type { ApiKeyUse } from '@cov/shared/routing/api-key-use';
import { findOrgKeyHolder, type OrgKeyHolder } from '@cov/shared/routing/org-api-keys';

function presentedKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header.trim();
  throw new AppError('auth.missing_key', 'an org API key is required: send Authorization: Bearer <key>');
}

export async function requireOrgWriteKey(request: FastifyRequest, deps: { db: Db; keyUse: ApiKeyUse }): Promise<OrgKeyHolder> {
  const holder = await findOrgKeyHolder(deps.db, presentedKey(request));
  if (!holder) throw new AppError('auth.bad_key', 'not a valid org API key');
  if (holder.scope !== 'write') throw new AppError('auth.forbidden', 'this API key is read-only');
  await deps.keyUse.record('org', holder.keyId);
  return holder;
}
