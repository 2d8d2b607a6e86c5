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

/** An open epoch's run as the per-hotspot and per-group answers show it. */
export interface ProvisionalWindow {
  epoch: number;
  startMs: number;
  endMs: number;
  asOfMs: number;
}

type WindowColumns = { startMs: string; endMs: string; asOfMs: string };
const windowOf = (r: { epoch: number } & WindowColumns): ProvisionalWindow => ({ epoch: r.epoch, startMs: Number(r.startMs), endMs: Number(r.endMs), asOfMs: Number(r.asOfMs) });

/**
 * Each open epoch's run, newest first, with one hotspot's amounts in it (null where it has no
 * input yet): one query, the epochs and the hotspot's rows through their primary keys.
 */
export async function hotspotProvisional(sql: postgres.ISql, address: string): Promise<{ window: ProvisionalWindow; amounts: HotspotProvisionalRow | null }[]> {
  const rows = await sql<(Omit<HotspotProvisionalRow, 'beacon'> & WindowColumns & { beacon: string | null })[]>`
    select p.epoch, p.start_ms::text as "startMs", p.end_ms::text as "endMs", p.as_of_ms::text as "asOfMs",
           h.beacon_amount::text as beacon, h.witness_amount::text as witness, h.data_amount::text as data,
           h.total_amount::text as total, h.data_dc::text as "dataDc", h.beacons, h.witnesses
    from provisional_reward_epochs p
    left join provisional_hotspot_rewards h on h.epoch = p.epoch and h.hotspot_address = ${address}
    where ${OPEN(sql)}
    order by p.epoch desc`;
  return rows.map((r) => ({
    window: windowOf(r),
    amounts: r.beacon === null ? null : { epoch: r.epoch, beacon: r.beacon, witness: r.witness, data: r.data, total: r.total, dataDc: r.dataDc, beacons: r.beacons, witnesses: r.witnesses },
  }));
}

/**
 * The latest open epoch's run and these hotspots' totals in it (address -> total; absent: no input
 * yet), in one query; null when no epoch is open.
 */
export async function latestProvisionalTotals(sql: postgres.ISql, addresses: string[]): Promise<{ epoch: number; asOfMs: number; totals: Map<string, string> } | null> {
  const rows = await sql<{ epoch: number; asOfMs: string; a: string | null; t: string | null }[]>`
    with latest as (
      select p.epoch, p.as_of_ms from provisional_reward_epochs p where ${OPEN(sql)} order by p.epoch desc limit 1)
    select l.epoch, l.as_of_ms::text as "asOfMs", h.hotspot_address as a, h.total_amount::text as t
    from latest l left join provisional_hotspot_rewards h on h.epoch = l.epoch and h.hotspot_address = any(${addresses})`;
  const [first] = rows;
  if (!first) return null;
  return { epoch: first.epoch, asOfMs: Number(first.asOfMs), totals: new Map(rows.flatMap((r) => (r.a === null || r.t === null ? [] : [[r.a, r.t] as const]))) };
}

export interface GroupProvisionalRow extends ProvisionalAmountsRow {
  hotspotsEarning: number;
}

/** Each open epoch's run, newest first, with a group's (an owner's fleet, a country's hotspots) sums in it, in one query. */
export async function groupProvisional(sql: postgres.ISql, group: HotspotGroup): Promise<{ window: ProvisionalWindow; amounts: GroupProvisionalRow }[]> {
  const rows = await sql<(GroupProvisionalRow & WindowColumns)[]>`
    select p.epoch, p.start_ms::text as "startMs", p.end_ms::text as "endMs", p.as_of_ms::text as "asOfMs",
           coalesce(g."hotspotsEarning", 0) as "hotspotsEarning", coalesce(g.beacon, '0') as beacon, coalesce(g.witness, '0') as witness,
           coalesce(g.data, '0') as data, coalesce(g.total, '0') as total, coalesce(g."dataDc", '0') as "dataDc"
    from provisional_reward_epochs p
    left join lateral (
      select count(*) filter (where h.total_amount > 0)::int as "hotspotsEarning",
             sum(h.beacon_amount)::text as beacon, sum(h.witness_amount)::text as witness, sum(h.data_amount)::text as data,
             sum(h.total_amount)::text as total, sum(h.data_dc)::text as "dataDc"
      from provisional_hotspot_rewards h
      join hotspots m on m.address = h.hotspot_address and ${groupCondition(sql, group)}
      where h.epoch = p.epoch
    ) g on true
    where ${OPEN(sql)}
    order by p.epoch desc`;
  return rows.map((r) => ({ window: windowOf(r), amounts: { epoch: r.epoch, hotspotsEarning: r.hotspotsEarning, beacon: r.beacon, witness: r.witness, data: r.data, total: r.total, dataDc: r.dataDc } }));
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
