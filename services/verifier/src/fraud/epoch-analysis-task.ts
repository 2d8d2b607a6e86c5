/**
 * Runs the fraud analytics once per epoch, as soon as the epoch's evidence is complete: every
 * beacon received in it verified, and every witness report of it past the stale sweep (replays
 * show up there). A cursor in verifier_cursors remembers the next epoch to analyse; the flags and
 * the cursor's move commit together. Every verifier process polls this: they take turns on an
 * advisory lock, and one that finds it taken leaves the work to the holder, so an epoch is
 * analysed once however many verifiers run. analyseEpoch may be run again by hand (same rows).
 */
import type { Sql } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import { toNumber, toNumberOrNull } from '../sql';
import type { VerifierSettings } from '../verifier-settings';
import { analyseEpochIn, type EpochAnalysis } from './analyse-epoch';
import type { FraudParams } from './fraud-params';

const CURSOR = 'fraud_analysis';
const STALE_CURSOR = 'stale_witnesses';
/** Epochs analysed per call at most, so one poll never runs long. */
const MAX_EPOCHS_PER_CALL = 2;
// pg advisory lock key ("vrf-frad"): one verifier process analyses at a time.
const ANALYSIS_LOCK = '8534996588998844772';

type Settings = Pick<VerifierSettings, 'epochLengthMs' | 'staleWitnessAfterMs'>;

/** The epoch's evidence is complete: nothing before its end is pending or unswept. */
export function epochEvidenceComplete(epochEndMs: number, nowMs: number, oldestPendingBeaconMs: number | null, staleSweptUntilMs: number | null, settings: Settings): boolean {
  return (
    nowMs >= epochEndMs + settings.staleWitnessAfterMs &&
    (oldestPendingBeaconMs === null || oldestPendingBeaconMs >= epochEndMs) &&
    staleSweptUntilMs !== null &&
    staleSweptUntilMs >= epochEndMs
  );
}

export async function analyseCompletedEpochs(sql: Sql, nowMs: number, settings: Settings, logger: Logger, params: Partial<FraudParams> = {}): Promise<number[]> {
  const analysed: number[] = [];
  for (let i = 0; i < MAX_EPOCHS_PER_CALL; i++) {
    const result = await sql.begin(async (tx): Promise<EpochAnalysis | undefined> => {
      const [lock] = await tx`select pg_try_advisory_xact_lock(${ANALYSIS_LOCK}::int8) as locked`;
      if (!lock?.locked) return undefined; // another verifier is analysing; it moves the cursor
      // Read under the lock: a verifier that analysed just before has moved the cursor already.
      const [cursor] = await tx`select value_ms from verifier_cursors where name = ${CURSOR}`;
      let nextStartMs = toNumberOrNull(cursor?.value_ms);
      if (nextStartMs === null) {
        const [first] = await tx`select min(received_at_ms) as first_ms from beacon_verdicts`;
        const firstMs = toNumberOrNull(first?.first_ms);
        if (firstMs === null) return undefined;
        nextStartMs = Math.floor(firstMs / settings.epochLengthMs) * settings.epochLengthMs;
      }
      const epoch = Math.floor(nextStartMs / settings.epochLengthMs);
      const epochEndMs = (epoch + 1) * settings.epochLengthMs;
      const [pending] = await tx`select min(received_at_ms) as oldest_ms from beacon_reports where status = 'pending'`;
      const [swept] = await tx`select value_ms from verifier_cursors where name = ${STALE_CURSOR}`;
      if (!epochEvidenceComplete(epochEndMs, nowMs, toNumberOrNull(pending?.oldest_ms), swept ? toNumber(swept.value_ms) : null, settings)) return undefined;
      const analysis = await analyseEpochIn(tx, epoch, params);
      await tx`
        insert into verifier_cursors (name, value_ms) values (${CURSOR}, ${epochEndMs})
        on conflict (name) do update set value_ms = greatest(verifier_cursors.value_ms, excluded.value_ms)`;
      return analysis;
    });
    if (!result) return analysed;
    logger.info({ epoch: result.epoch, flags: result.flags.length, edges: result.edges }, 'epoch fraud analytics written');
    analysed.push(result.epoch);
  }
  return analysed;
}
