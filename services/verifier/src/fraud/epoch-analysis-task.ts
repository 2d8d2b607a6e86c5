/**
 * Runs the fraud analytics once per epoch, as soon as the epoch's evidence is complete: every
 * beacon received in it verified, and every witness report of it past the stale sweep (replays
 * show up there). A cursor in verifier_cursors remembers the next epoch to analyse. The rewarder
 * may call analyseEpoch itself as well (for example right before computing rewards); both write
 * the same rows.
 */
import type { Sql } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import { toNumber, toNumberOrNull } from '../sql';
import type { VerifierSettings } from '../verifier-settings';
import { analyseEpoch } from './analyse-epoch';
import type { FraudParams } from './fraud-params';

const CURSOR = 'fraud_analysis';
const STALE_CURSOR = 'stale_witnesses';
/** Epochs analysed per call at most, so one poll never runs long. */
const MAX_EPOCHS_PER_CALL = 2;

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
    const [cursor] = await sql`select value_ms from verifier_cursors where name = ${CURSOR}`;
    let nextStartMs = toNumberOrNull(cursor?.value_ms);
    if (nextStartMs === null) {
      const [first] = await sql`select min(received_at_ms) as first_ms from beacon_verdicts`;
      const firstMs = toNumberOrNull(first?.first_ms);
      if (firstMs === null) return analysed;
      nextStartMs = Math.floor(firstMs / settings.epochLengthMs) * settings.epochLengthMs;
    }
    const epoch = Math.floor(nextStartMs / settings.epochLengthMs);
    const epochEndMs = (epoch + 1) * settings.epochLengthMs;
    const [pending] = await sql`select min(received_at_ms) as oldest_ms from beacon_reports where status = 'pending'`;
    const [swept] = await sql`select value_ms from verifier_cursors where name = ${STALE_CURSOR}`;
    if (!epochEvidenceComplete(epochEndMs, nowMs, toNumberOrNull(pending?.oldest_ms), swept ? toNumber(swept.value_ms) : null, settings)) return analysed;
    const result = await analyseEpoch({ sql }, epoch, params);
    await sql`
      insert into verifier_cursors (name, value_ms) values (${CURSOR}, ${epochEndMs})
      on conflict (name) do update set value_ms = greatest(verifier_cursors.value_ms, excluded.value_ms)`;
    logger.info({ epoch, flags: result.flags.length, edges: result.edges }, 'epoch fraud analytics written');
    analysed.push(epoch);
  }
  return analysed;
}
