/**
 * Who may act for a hotspot maker: the admin key, or a live API key of that very maker. A key of
 * another maker gets 403, so one maker never lists or revokes another's keys. Every maker key used
 * is noted (lastUsedAt in the key list).
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import type { ApiKeyUse } from '@cov/shared/routing/api-key-use';
import type { AdminKeys } from '../auth/admin-keys';
import { hashApiKey, presentedApiKey, warnPreviousAdminKey } from '../auth/api-keys';
import { findMakerKeyHolder } from './makers-repository';

export interface MakerAccessDeps {
  db: Db;
  adminKeys: AdminKeys;
  keyUse: ApiKeyUse;
}

export type MakerCaller = { kind: 'admin' } | { kind: 'maker'; makerId: string; keyId: string };

/** The maker a presented maker key belongs to (onboarding takes only a maker key), or a 401. */
export async function requireMakerKey(request: FastifyRequest, deps: MakerAccessDeps): Promise<{ makerId: string; keyId: string }> {
  const holder = await findMakerKeyHolder(deps.db, hashApiKey(presentedApiKey(request)));
  if (!holder) throw new AppError('auth.bad_key', 'not a valid maker API key');
  await deps.keyUse.record('maker', holder.keyId);
  return holder;
}

export async function authorizeMaker(request: FastifyRequest, deps: MakerAccessDeps, makerId: string): Promise<MakerCaller> {
  const admin = deps.adminKeys.match(presentedApiKey(request));
  if (admin === 'previous') warnPreviousAdminKey(request);
  if (admin !== undefined) return { kind: 'admin' };
  const holder = await requireMakerKey(request, deps);
  if (holder.makerId !== makerId) throw new AppError('auth.forbidden', 'this API key belongs to another maker');
  return { kind: 'maker', ...holder };
}
