/**
 * Network statistics for analysts, straight from the verdict, routing and reward tables. Current
 * figures cover the last 24 hours; history is one row per epoch.
 */
import type postgres from 'postgres';

export interface NetworkCounts {
  hotspots: number;
  full: number;
  dataOnly: number;
  asserted: number;
}

export async function hotspotCounts(sql: postgres.ISql): Promise<NetworkCounts> {
  const [row] = await sql<NetworkCounts[]>`
    select count(*)::int as hotspots,
           count(*) filter (where capability = 'full')::int as full,
           count(*) filter (where capability = 'data_only')::int as "dataOnly",
           count(*) filter (where location_cell is not null)::int as asserted
    from hotspots`;
  return row ?? { hotspots: 0, full: 0, dataOnly: 0, asserted: 0 };
}

export interface PocCounts {
  beacons: number;
  validBeacons: number;
  witnesses: number;
  validWitnesses: number;
  selectedWitnesses: number;
}

export async function pocCounts(sql: postgres.ISql, fromMs: number, toMs: number): Promise<PocCounts> {
  const [b] = await sql<{ beacons: number; validBeacons: number }[]>`
    select count(*)::int as beacons, count(*) filter (where valid)::int as "validBeacons"
    from beacon_verdicts where received_at_ms >= ${fromMs} and received_at_ms < ${toMs}`;
  const [w] = await sql<{ witnesses: number; validWitnesses: number; selectedWitnesses: number }[]>`
    select count(*)::int as witnesses, count(*) filter (where valid)::int as "validWitnesses", count(*) filter (where selected)::int as "selectedWitnesses"
    from witness_verdicts where received_at_ms >= ${fromMs} and received_at_ms < ${toMs}`;
  return { beacons: b?.beacons ?? 0, validBeacons: b?.validBeacons ?? 0, witnesses: w?.witnesses ?? 0, validWitnesses: w?.validWitnesses ?? 0, selectedWitnesses: w?.selectedWitnesses ?? 0 };
}

export async function invalidReasons(sql: postgres.ISql, fromMs: number, toMs: number): Promise<{ beacon: Record<string, number>; witness: Record<string, number> }> {
  const rows = await sql<{ kind: 'beacon' | 'witness'; reason: string; n: number }[]>`
    select 'beacon' as kind, reason, count(*)::int as n from beacon_verdicts
      where not valid and received_at_ms >= ${fromMs} and received_at_ms < ${toMs} group by reason
    union all
    select 'witness' as kind, reason, count(*)::int as n from witness_verdicts
      where not valid and received_at_ms >= ${fromMs} and received_at_ms < ${toMs} group by reason`;
  const out = { beacon: {} as Record<string, number>, witness: {} as Record<string, number> };
  for (const r of rows) out[r.kind][r.reason ?? 'unknown'] = r.n;
  return out;
}

export async function dataTransfer(sql: postgres.ISql, fromMs: number, toMs: number): Promise<{ copies: number; dcBurned: number }> {
  const [row] = await sql<{ copies: number; dc: string | null }[]>`
    select count(*)::int as copies, sum(dc)::text as dc from packet_copies where received_at_ms >= ${fromMs} and received_at_ms < ${toMs}`;
  return { copies: row?.copies ?? 0, dcBurned: Number(row?.dc ?? 0) };
}

export interface EpochRewardSummary {
  epoch: number;
  startMs: number;
  endMs: number;
  emission: string;
  hotspotsRewarded: number;
  beaconAmount: string;
  witnessAmount: string;
  dataAmount: string;
  dcBurned: string;
  dcBurnedUsd: string;
  emittedUsd: string;
  manifestHash: string;
}

export async function latestRewardEpoch(sql: postgres.ISql): Promise<EpochRewardSummary | undefined> {
  const [row] = await rewardEpochRows(sql, undefined, undefined, 1);
  return row;
}

export async function rewardEpochRows(sql: postgres.ISql, fromEpoch: number | undefined, toEpoch: number | undefined, limit: number): Promise<EpochRewardSummary[]> {
  return sql<EpochRewardSummary[]>`
    select epoch, start_ms::float8 as "startMs", end_ms::float8 as "endMs", emission::text, hotspots_rewarded as "hotspotsRewarded",
           beacon_amount::text as "beaconAmount", witness_amount::text as "witnessAmount", data_amount::text as "dataAmount",
           dc_burned::text as "dcBurned", dc_burned_usd as "dcBurnedUsd", emitted_usd as "emittedUsd", manifest_hash as "manifestHash"
    from reward_epochs
    where (${fromEpoch ?? null}::int is null or epoch >= ${fromEpoch ?? null}::int) and (${toEpoch ?? null}::int is null or epoch <= ${toEpoch ?? null}::int)
    order by epoch desc limit ${limit}`;
}

/** End of the latest paid epoch (0 before any): epochs are paid in order, so every one before it is paid too. */
export async function rewardsPaidUntilMs(sql: postgres.ISql): Promise<number> {
  const [row] = await sql<{ end: string | null }[]>`select max(end_ms)::text as end from reward_epochs`;
  return Number(row?.end ?? 0);
}

export interface EpochPocRow {
  epoch: number;
  beacons: number;
  validBeacons: number;
  witnesses: number;
  validWitnesses: number;
  selectedWitnesses: number;
}

export async function pocsByEpoch(sql: postgres.ISql, fromEpoch: number, toEpoch: number): Promise<EpochPocRow[]> {
  return sql<EpochPocRow[]>`
    with b as (
      select epoch, count(*)::int as beacons, count(*) filter (where valid)::int as "validBeacons"
      from beacon_verdicts where epoch between ${fromEpoch} and ${toEpoch} group by epoch
    ), w as (
      select epoch, count(*)::int as witnesses, count(*) filter (where valid)::int as "validWitnesses", count(*) filter (where selected)::int as "selectedWitnesses"
      from witness_verdicts where epoch between ${fromEpoch} and ${toEpoch} group by epoch
    )
    select coalesce(b.epoch, w.epoch) as epoch, coalesce(b.beacons, 0) as beacons, coalesce(b."validBeacons", 0) as "validBeacons",
           coalesce(w.witnesses, 0) as witnesses, coalesce(w."validWitnesses", 0) as "validWitnesses", coalesce(w."selectedWitnesses", 0) as "selectedWitnesses"
    from b full join w on w.epoch = b.epoch order by 1`;
}
