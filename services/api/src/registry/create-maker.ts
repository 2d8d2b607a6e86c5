// Use case: an admin registers a hotspot maker and receives its first API key (shown once).
import { AppError } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { generateApiKey } from '../auth/api-keys';
import { insertMaker, insertMakerApiKey, type MakerRow } from './makers-repository';

export async function createMaker(deps: { db: Db; clock: Clock }, name: string): Promise<{ maker: MakerRow; apiKey: string }> {
  const now = new Date(deps.clock.nowMs());
  return deps.db.transaction(async (tx) => {
    const maker = await insertMaker(tx as unknown as Db, name, now);
    if (!maker) throw new AppError('makers.already_exists', `a maker named "${name}" already exists`);
    const { key, hash, prefix } = generateApiKey('mk');
    await insertMakerApiKey(tx as unknown as Db, { makerId: maker.id, keyHash: hash, keyPrefix: prefix, createdAt: now });
    return { maker, apiKey: key };
  });
}
