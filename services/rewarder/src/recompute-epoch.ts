/**
 * Use case: recompute a past epoch from the database, writing nothing, with the parameter set it
 * was paid under and the lifetime totals as they stood before it. What `verify-manifest
 * --recompute` compares a published manifest with.
 */
import type { Sql } from '@cov/shared/db/client';
import { AppError } from '@cov/shared/errors';
import { assembleEpoch, type AssembledEpoch } from './assemble-epoch';
import { epochWindow } from './epoch-window';
import { lifetimeBeforeEpoch, parameterSetForEpoch } from './rewards-repository';

export async function recomputeEpoch(sql: Sql, epoch: number, epochLengthMs: number, secretKey: Uint8Array): Promise<AssembledEpoch> {
  return sql.begin('isolation level repeatable read', async (tx) => {
    const parameterSet = await parameterSetForEpoch(tx, epoch);
    if (!parameterSet) throw new AppError('rewards.epoch_not_found', `no protocol parameter set is in force for epoch ${epoch}`);
    const assembled = await assembleEpoch(tx, {
      window: epochWindow(epoch, epochLengthMs),
      epochLengthMs,
      parameterSet,
      lifetimeBefore: await lifetimeBeforeEpoch(tx, epoch),
      secretKey,
    });
    return assembled;
  });
}
