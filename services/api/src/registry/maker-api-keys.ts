/**
 * Use cases: a maker's API keys. A maker (or the operator for it) issues a new key, moves its
 * onboarding tools over, checks in the list that the old key is no longer used (lastUsedAt), and
 * revokes it. A leaked key is revoked the same way, by the maker or by the operator.
 */
import { AppError } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { generateApiKey } from '../auth/api-keys';
import { findMaker, insertMakerApiKey, revokeMakerApiKey, type MakerApiKeyRow, type MakerRow } from './makers-repository';

export async function requireMaker(db: Db, makerId: string): Promise<MakerRow> {
  const maker = await findMaker(db, makerId);
  if (!maker) throw new AppError('makers.not_found', `no maker ${makerId}`);
  return maker;
}

export async function issueMakerApiKey(deps: { db: Db; clock: Clock }, makerId: string, name = ''): Promise<{ apiKey: string; row: MakerApiKeyRow }> {
  await requireMaker(deps.db, makerId);
  const { key, hash, prefix } = generateApiKey('mk');
  const row = await insertMakerApiKey(deps.db, { makerId, keyHash: hash, keyPrefix: prefix, name, createdAt: new Date(deps.clock.nowMs()) });
  return { apiKey: key, row };
}

export async function revokeMakerKey(deps: { db: Db; clock: Clock }, makerId: string, keyId: string): Promise<void> {
  await requireMaker(deps.db, makerId);
  if (!(await revokeMakerApiKey(deps.db, makerId, keyId, new Date(deps.clock.nowMs())))) {
    throw new AppError('makers.api_key_not_found', `maker ${makerId} has no live API key ${keyId}`);
  }
}
