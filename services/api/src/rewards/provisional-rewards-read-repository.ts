/**
 * Reads of the provisional rewards the rewarder keeps for the epochs not paid yet
 * (rewarder/provisional-rewards.ts). An epoch paid since is never read from here, even before the
 * rewarder's next run removes its rows: epochs are paid in order, so only runs of epochs after the
 * latest paid one count.
 */
import type postgres from 'postgres';
import { groupCondition, type HotspotGroup } from '../earnings/earnings-repository';

export interface ProvisionalEpochRow {
  epoch: number;
  startMs: number;
  endMs: number;
  asOfMs: number;
  computedAtMs: number;
  parameterSetId: number;
  emission: string;
  hotspotsRewarded: number;
  beacon: string;
  witness: string;
  data: string;
  dataDc: string;
  summary: Record<string, unknown>;
}

export interface ProvisionalAmountsRow {
  epoch: number;
  beacon: string;
  witness: string;
  data: string;
  total: string;
  dataDc: string;
}

const OPEN = (sql: postgres.ISql) => sql`p.epoch > coalesce((select max(epoch) from reward_epochs), -1)`;

/** The open epochs' runs, newest first (at most the current epoch and the one before it). */
export async function openProvisionalEpochs(sql: postgres.ISql): Promise<ProvisionalEpochRow[]> {
  const rows = await sql<(Omit<ProvisionalEpochRow, 'startMs' | 'endMs' | 'asOfMs' | 'computedAtMs'> & { startMs: string; endMs: string; asOfMs: string; computedAtMs: string })[]>`
    select p.epoch, p.start_ms::text as "startMs", p.end_ms::text as "endMs", p.as_of_ms::text as "asOfMs",
           p.computed_at_ms::text as "computedAtMs", p.parameter_set_id as "parameterSetId", p.emission::text,
           p.hotspots as "hotspotsRewarded",
           p.beacon_amount::text as beacon, p.witness_amount::text as witness, p.data_amount::text as data,
           p.data_dc::text as "dataDc", p.summary
    from provisional_reward_epochs p
    where ${OPEN(sql)}
    order by p.epoch desc`;
  return rows.map((r) => ({ ...r, startMs: Number(r.startMs), endMs: Number(r.endMs), asOfMs: Number(r.asOfMs), computedAtMs: Number(r.computedAtMs) }));
}

export interface HotspotProvisionalRow extends ProvisionalAmountsRow {
  beacons: number;
  witnesses: number;
}

/** One hotspot's amounts in each open epoch's run (none where it has no inputs yet). */
export async function hotspotProvisional(sql: postgres.ISql, address: string): Promise<HotspotProvisionalRow[]> {
  return sql<HotspotProvisionalRow[]>`
    select h.epoch, h.beacon_amount::text as beacon, h.witness_amount::text as witness, h.data_amount::text as data,
           h.total_amount::text as total, h.data_dc::text as "dataDc", h.beacons, h.witnesses
    from provisional_hotspot_rewards h join provisional_reward_epochs p on p.epoch = h.epoch
    where h.hotspot_address = ${address} and ${OPEN(sql)}`;
}

/** These hotspots' totals in one epoch's run (address -> total; absent: no input yet). */
export async function provisionalTotals(sql: postgres.ISql, epoch: number, addresses: string[]): Promise<Map<string, string>> {
  const rows = await sql<{ a: string; t: string }[]>`
    select hotspot_address as a, total_amount::text as t from provisional_hotspot_rewards
    where epoch = ${epoch} and hotspot_address = any(${addresses})`;
  return new Map(rows.map((r) => [r.a, r.t]));
}

export interface GroupProvisionalRow extends ProvisionalAmountsRow {
  hotspotsEarning: number;
}

/** A group's (an owner's fleet, a country's hotspots) sums in each open epoch's run. */
export async function groupProvisional(sql: postgres.ISql, group: HotspotGroup): Promise<GroupProvisionalRow[]> {
  return sql<GroupProvisionalRow[]>`
    select h.epoch, count(*) filter (where h.total_amount > 0)::int as "hotspotsEarning",
           sum(h.beacon_amount)::text as beacon, sum(h.witness_amount)::text as witness, sum(h.data_amount)::text as data,
           sum(h.total_amount)::text as total, sum(h.data_dc)::text as "dataDc"
    from provisional_hotspot_rewards h
    join provisional_reward_epochs p on p.epoch = h.epoch
    join hotspots m on m.address = h.hotspot_address and ${groupCondition(sql, group)}
    where ${OPEN(sql)}
    group by h.epoch`;
}

export interface ProvisionalLeaderboardRow extends HotspotProvisionalRow {
  address: string;
}

/**
 * One open epoch's hotspots, best earning so far first (ties by address), after `after` (the last
 * row of the previous page): keyset pages walking the (epoch, total desc, address) index.
 */
export function provisionalLeaderboard(sql: postgres.ISql, epoch: number, after: { total: bigint; address: string } | undefined, limit: number): postgres.PendingQuery<ProvisionalLeaderboardRow[]> {
  // The first bound lets the index seek to the position; the second drops the tied rows already shown.
  const position = after === undefined ? sql`` : sql`and h.total_amount <= ${after.total.toString()}::int8 and (h.total_amount < ${after.total.toString()}::int8 or h.hotspot_address > ${after.address})`;
  return sql<ProvisionalLeaderboardRow[]>`
    select h.hotspot_address as address, h.epoch, h.beacon_amount::text as beacon, h.witness_amount::text as witness, h.data_amount::text as data,
           h.total_amount::text as total, h.data_dc::text as "dataDc", h.beacons, h.witnesses
    from provisional_hotspot_rewards h
    where h.epoch = ${epoch} ${position}
    order by h.total_amount desc, h.hotspot_address
    limit ${limit}`;
}
