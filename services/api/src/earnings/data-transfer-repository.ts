/**
 * What a hotspot carried for device makers: the copies the router bought from it (each one paid
 * in data credits, which is what its data-transfer rewards are shared by), per hour, day or ISO
 * week. Read from `packet_copies` through its (hotspot, time) index.
 */
import type postgres from 'postgres';
import type { TimeRange } from '../http/time-range';

export type DataBucket = 'hour' | 'day' | 'week';

export interface DataTransferRow {
  /** Bucket start (UTC): hour, day, or Monday 00:00 of the ISO week. */
  startMs: number;
  packets: number;
  dc: number;
}

export async function dataTransferByBucket(sql: postgres.ISql, hotspot: string, range: TimeRange, bucket: DataBucket): Promise<DataTransferRow[]> {
  const key =
    bucket === 'hour'
      ? sql`(floor(received_at_ms / 3600000) * 3600000)::bigint`
      : bucket === 'day'
        ? sql`(floor(received_at_ms / 86400000) * 86400000)::bigint`
        : // ISO weeks start on Monday; 1970-01-01 was a Thursday, hence the 3-day shift.
          sql`(floor((received_at_ms + 3 * 86400000) / 604800000) * 604800000 - 3 * 86400000)::bigint`;
  const rows = await sql<{ start: string; packets: number; dc: string }[]>`
    select ${key}::text as start, count(*)::int as packets, coalesce(sum(dc), 0)::text as dc
    from packet_copies
    where hotspot_address = ${hotspot} and received_at_ms >= ${range.minMs} and received_at_ms < ${range.maxMs}
    group by 1 order by 1`;
  return rows.map((r) => ({ startMs: Number(r.start), packets: r.packets, dc: Number(r.dc) }));
}
