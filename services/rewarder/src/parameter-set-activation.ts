/**
 * Keeps the parameter table in step with the settings: when the settings describe a set other than
 * the one in force, a new set takes effect from the current epoch (never from an epoch already
 * paid). Epochs that have ended keep the set they were in when they ended, computed or not.
 */
import { epochOf } from './epoch-window';
import { parameterSetHash, type ProtocolParameterSet } from './parameter-set';
import type { Sql } from '@cov/shared/db/client';
import { insertParameterSet, latestComputedEpoch, parameterSetForEpoch, type StoredParameterSet } from './rewards-repository';

// Serialises activation between rewarder processes (pg advisory lock key, "rwd-pset").
const ACTIVATION_LOCK = '8248171603623634292';

export async function activateParameterSet(
  sql: Sql,
  set: ProtocolParameterSet,
  nowMs: number,
): Promise<StoredParameterSet> {
  const hash = parameterSetHash(set);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${ACTIVATION_LOCK}::int8)`;
    const current = epochOf(nowMs, set.epochLengthMs);
    const inForce = await parameterSetForEpoch(tx, current);
    if (inForce?.paramsHash === hash) return inForce;
    if (inForce && inForce.params.epochLengthMs !== set.epochLengthMs) {
      // Epoch numbers are derived from the length; changing it would renumber paid epochs.
      throw new Error(`EPOCH_LENGTH_MS changed from ${inForce.params.epochLengthMs} to ${set.epochLengthMs}; epochs cannot be renumbered, keep the old length or start a new deployment`);
    }
    const latest = await latestComputedEpoch(tx);
    const from = inForce ? Math.max(current, (latest ?? -1) + 1) : 0;
    return insertParameterSet(tx, set, hash, from, nowMs);
  });
}
