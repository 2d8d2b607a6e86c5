/**
 * Owners' earnings reads over the rewarder's tables. Every computed epoch in the range since the
 * hotspot was onboarded counts, with zero for epochs in which it earned nothing, so sums, minimums
 * and medians are honest: a hotspot onboarded yesterday has one or two epochs, not 29 zeros before
 * it existed dragging its median to 0.
 * Amounts are token base units, summed exactly (numeric) and returned as decimal strings.
 */
import type postgres from 'postgres';
import type { TimeRange } from '../http/time-range';

export type Bucket = 'epoch' | 'day' | 'week';

export interface EarningsRow {
  /** Bucket start (UTC): epoch start, day start, or Monday 00:00 of the ISO week. */
  startMs: number;
  epochs: number;
  beacon: bigint;
  witness: bigint;
  data: bigint;
  total: bigint;
}

/** The start of an epoch's bucket, from its start `e.start_ms`: UTC days, ISO weeks from Monday. */
function bucketStart(sql: postgres.ISql, bucket: Bucket) {
  return bucket === 'epoch'
    ? sql`e.start_ms`
    : bucket === 'day'
      ? sql`(floor(e.start_ms / 86400000) * 86400000)::bigint`
      : // ISO weeks start on Monday; 1970-01-01 was a Thursday, hence the 3-day shift.
        sql`(floor((e.start_ms + 3 * 86400000) / 604800000) * 604800000 - 3 * 86400000)::bigint`;
}

const toEarningsRow = (r: { start: string; epochs: number; beacon: string; witness: string; data: string }): EarningsRow => {
  const [beacon, witness, data] = [BigInt(r.beacon), BigInt(r.witness), BigInt(r.data)];
  return { startMs: Number(r.start), epochs: r.epochs, beacon, witness, data, total: beacon + witness + data };
};

/** Earnings of one hotspot per bucket over the computed epochs that start in the range. */
export async function earningsByBucket(sql: postgres.ISql, hotspot: string, range: TimeRange, bucket: Bucket): Promise<EarningsRow[]> {
  const rows = await sql<{ start: string; epochs: number; beacon: string; witness: string; data: string }[]>`
    select ${bucketStart(sql, bucket)}::text as start, count(*)::int as epochs,
           coalesce(sum(r.beacon_amount), 0)::text as beacon, coalesce(sum(r.witness_amount), 0)::text as witness, coalesce(sum(r.data_amount), 0)::text as data
    from reward_epochs e
    left join hotspot_epoch_rewards r on r.epoch = e.epoch and r.hotspot_address = ${hotspot}
    where e.start_ms >= ${range.minMs} and e.start_ms < ${range.maxMs}
      -- An epoch that ended before the hotspot was onboarded is not one it earned nothing in.
      and (r.hotspot_address is not null or e.end_ms > (select extract(epoch from h.onboarded_at) * 1000 from hotspots h where h.address = ${hotspot}))
    group by 1 order by 1`;
  return rows.map(toEarningsRow);
}

/**
 * A set of hotspots whose earnings are summed: an owner's fleet, or a country's located hotspots,
 * as they are now (a hotspot transferred or moved brings its history with it).
 */
export type HotspotGroup = { owner: string } | { country: string };

/** The SQL condition on `hotspots` rows that selects the group's members now. */
export function groupCondition(sql: postgres.ISql, group: HotspotGroup) {
  return 'owner' in group ? sql`owner_address = ${group.owner}` : sql`country_code = ${group.country}`;
}

/** How many hotspots the group has now. */
export async function groupSize(sql: postgres.ISql, group: HotspotGroup): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from hotspots where ${groupCondition(sql, group)}`;
  return row?.n ?? 0;
}

export interface GroupEarningsRow extends EarningsRow {
  /** Hotspots of the group paid more than zero in the bucket's epochs. */
  hotspotsPaid: number;
}

/**
 * Earnings of a group of hotspots per bucket over the computed epochs that start in the range: the
 * sum of its hotspots' own series. An epoch counts once some hotspot of the group was onboarded
 * before it ended, with zero when the group earned nothing in it.
 */
export async function groupEarningsByBucket(sql: postgres.ISql, group: HotspotGroup, range: TimeRange, bucket: Bucket): Promise<GroupEarningsRow[]> {
  const rows = await sql<{ start: string; epochs: number; hotspotsPaid: number; beacon: string; witness: string; data: string }[]>`
    with members as (select address, extract(epoch from onboarded_at) * 1000 as onboarded_ms from hotspots where ${groupCondition(sql, group)}),
    epochs as (
      select epoch, start_ms, end_ms from reward_epochs
      where start_ms >= ${range.minMs} and start_ms < ${range.maxMs} and end_ms > (select min(onboarded_ms) from members)
    ),
    paid as (
      select r.epoch, r.hotspot_address, r.beacon_amount, r.witness_amount, r.data_amount, r.total_amount
      from hotspot_epoch_rewards r join members m on m.address = r.hotspot_address
      where r.epoch in (select epoch from epochs)
    )
    select ${bucketStart(sql, bucket)}::text as start, count(distinct e.epoch)::int as epochs,
           count(distinct p.hotspot_address) filter (where p.total_amount > 0)::int as "hotspotsPaid",
           coalesce(sum(p.beacon_amount), 0)::text as beacon, coalesce(sum(p.witness_amount), 0)::text as witness, coalesce(sum(p.data_amount), 0)::text as data
    from epochs e left join paid p on p.epoch = e.epoch
    group by 1 order by 1`;
  return rows.map((r) => ({ ...toEarningsRow(r), hotspotsPaid: r.hotspotsPaid }));
}

export interface FleetRow {
  address: string;
  beacon: bigint;
  witness: bigint;
  data: bigint;
  total: bigint;
}

/** Per hotspot of an owner, earnings over the epochs starting in the range (one query). */
export async function fleetEarnings(sql: postgres.ISql, owner: string, range: TimeRange): Promise<FleetRow[]> {
  const rows = await sql<{ address: string; beacon: string; witness: string; data: string }[]>`
    select h.address,
           coalesce(sum(r.beacon_amount), 0)::text as beacon, coalesce(sum(r.witness_amount), 0)::text as witness, coalesce(sum(r.data_amount), 0)::text as data
    from hotspots h
    left join hotspot_epoch_rewards r on r.hotspot_address = h.address
      and r.epoch in (select epoch from reward_epochs where start_ms >= ${range.minMs} and start_ms < ${range.maxMs})
    where h.owner_address = ${owner}
    group by h.address order by h.address collate "C"`;
  return rows.map((r) => {
    const [beacon, witness, data] = [BigInt(r.beacon), BigInt(r.witness), BigInt(r.data)];
    return { address: r.address, beacon, witness, data, total: beacon + witness + data };
  });
}
