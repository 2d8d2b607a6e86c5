/**
 * Ages out witness reports that no beacon claimed: the beacon report never arrived, or the witness
 * came outside the window of the beacon it names (a late or replayed report). Each gets one
 * `stale` record saying which, with the numbers; no report silently disappears. Superseded if a
 * beacon claims the witness later (verdict writes delete the record), so a witness report has at
 * most one disposition. Progress is a cursor on receive time, so every report is looked at once.
 */
import type { Sql } from '@cov/shared/db/client';
import { STALE_REASON } from '@cov/shared/poc/reasons';
import { toNumber } from './sql';
import type { VerifierSettings } from './verifier-settings';

type StaleSettings = Pick<VerifierSettings, 'staleWitnessAfterMs' | 'epochLengthMs' | 'entropyValidityMs' | 'witnessLagAllowanceMs'>;

const CURSOR = 'stale_witnesses';
/** Receive-time span aged out per transaction, so a long backlog is worked off in modest steps. */
const STEP_MS = 3_600_000;

export interface AgeOutResult {
  agedOut: number;
  cursorMs: number;
}

/**
 * A witness received at t can only be claimed by a beacon received no later than
 * t + validity + 1 s + allowance (readiness.ts witnessMatchWindow). So witnesses older than that
 * distance before the oldest unverified beacon can no longer be claimed by anyone.
 */
export function unclaimableBeforeMs(oldestPendingBeaconMs: number | null, settings: StaleSettings): number {
  return oldestPendingBeaconMs === null ? Number.MAX_SAFE_INTEGER : oldestPendingBeaconMs - settings.entropyValidityMs - 1000 - settings.witnessLagAllowanceMs;
}

export async function ageOutWitnesses(sql: Sql, nowMs: number, settings: StaleSettings): Promise<AgeOutResult> {
  let agedOut = 0;
  for (;;) {
    const step = await sql.begin(async (tx) => {
      // Read in this transaction before the insert, so every verdict of a beacon older than the
      // oldest pending one is visible to the insert's "not claimed" test.
      const [oldest] = await tx`select min(received_at_ms) as oldest_ms from beacon_reports where status = 'pending'`;
      const upperMs = Math.min(nowMs - settings.staleWitnessAfterMs, unclaimableBeforeMs(oldest?.oldest_ms == null ? null : toNumber(oldest.oldest_ms), settings));
      await tx`
        insert into verifier_cursors (name, value_ms)
        select ${CURSOR}, coalesce(min(received_at_ms), ${nowMs - settings.staleWitnessAfterMs}::bigint) from witness_reports
        on conflict (name) do nothing`;
      const [cursor] = await tx`select value_ms from verifier_cursors where name = ${CURSOR} for update`;
      const fromMs = toNumber(cursor!.value_ms);
      if (fromMs >= upperMs) return { count: 0, toMs: fromMs, done: true };
      // A witness in [fromMs, toMs) that no beacon claimed by now never will be.
      const toMs = Math.min(upperMs, fromMs + STEP_MS);
      const inserted = await tx`
        insert into stale_witnesses (witness_id, hotspot_address, received_at_ms, epoch, reason, details, aged_out_at_ms)
        select w.id, w.hotspot_address, w.received_at_ms, floor(w.received_at_ms / ${settings.epochLengthMs}::bigint)::integer, ${STALE_REASON},
          jsonb_build_object(
            'cause', case when b.id is null then 'no_beacon' else 'outside_beacon_window' end,
            'beaconId', b.id,
            'beaconReceivedAtMs', b.received_at_ms,
            'sinceBeaconMs', w.received_at_ms - b.received_at_ms,
            'repeatOfWitnessId', r.id,
            'staleAfterMs', ${settings.staleWitnessAfterMs}::bigint,
            'observedRssiDbm', w.signal_dbm_x10 / 10.0,
            'observedSnrDb', w.snr_db_x10 / 10.0),
          ${nowMs}::bigint
        from witness_reports w
        left join lateral (
          select x.id, x.received_at_ms from beacon_reports x where x.payload = w.payload order by x.received_at_ms, x.id limit 1
        ) b on true
        left join lateral (
          select y.id from witness_reports y
          where y.payload = w.payload and y.hotspot_address = w.hotspot_address
            and (y.received_at_ms < w.received_at_ms or (y.received_at_ms = w.received_at_ms and y.id < w.id))
          order by y.received_at_ms, y.id limit 1
        ) r on true
        where w.received_at_ms >= ${fromMs}::bigint and w.received_at_ms < ${toMs}::bigint
          and not exists (select 1 from witness_verdicts v where v.witness_id = w.id)
        on conflict (witness_id) do nothing`;
      await tx`update verifier_cursors set value_ms = ${toMs}::bigint where name = ${CURSOR}`;
      return { count: inserted.count, toMs, done: toMs >= upperMs };
    });
    agedOut += step.count;
    if (step.done) return { agedOut, cursorMs: step.toMs };
  }
}
