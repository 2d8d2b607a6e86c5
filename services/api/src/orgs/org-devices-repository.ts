/**
 * The organisation's devices as its traffic shows them: per DevAddr (data uplinks of a session)
 * and per DevEUI (join requests), the packets heard over a recent span, how many were forwarded,
 * the copies and DC they cost, and the last one (time, FCnt, outcome). Read from the packet log
 * (`routed_packets`, kept ROUTER_PACKET_LOG_RETENTION_MS) through its route and time index.
 */
import type postgres from 'postgres';

export interface DeviceActivity {
  kind: 'uplink' | 'join';
  devAddr: string | null;
  devEui: string | null;
  joinEui: string | null;
  /** Distinct packets (a packet routed to two of the org's routes counts once). */
  packets: number;
  forwarded: number;
  copiesBought: number;
  dc: number;
  lastSeenMs: number;
  lastFCnt: number | null;
  lastStatus: string;
}

/** Where a page ends: the last row's time and device key. */
export interface DeviceCursor {
  t: number;
  k: string;
}

/** Most recently heard first; `after` continues after a row of an earlier page. */
export async function deviceActivity(sql: postgres.ISql, routeIds: string[], fromMs: number, after: DeviceCursor | undefined, limit: number): Promise<DeviceActivity[]> {
  if (routeIds.length === 0) return [];
  const rows = await sql<
    { kind: string; dev_addr: string | null; dev_eui: string | null; join_eui: string | null; packets: number; forwarded: number; copies: number; dc: number; last: string; last_fcnt: number | null; last_status: string; k: string }[]
  >`
    select * from (
      select kind, dev_addr, dev_eui, (array_agg(join_eui order by received_at_ms desc, id desc))[1] as join_eui,
        count(distinct packet_hash)::int as packets,
        count(distinct packet_hash) filter (where status = 'forwarded')::int as forwarded,
        sum(copies_bought)::int as copies, sum(dc)::int as dc, max(received_at_ms)::text as last,
        (array_agg(f_cnt order by received_at_ms desc, id desc))[1] as last_fcnt,
        (array_agg(status order by received_at_ms desc, id desc))[1] as last_status,
        kind || ':' || coalesce(dev_addr, dev_eui, '') as k, max(received_at_ms) as last_ms
      from routed_packets
      where route_id = any(${routeIds}::uuid[]) and received_at_ms >= ${fromMs}
      group by kind, dev_addr, dev_eui) d
    ${after ? sql`where (d.last_ms, d.k) < (${after.t}, ${after.k})` : sql``}
    order by d.last_ms desc, d.k desc
    limit ${limit}`;
  return rows.map((r) => ({
    kind: r.kind === 'join' ? 'join' : 'uplink',
    devAddr: r.dev_addr,
    devEui: r.dev_eui,
    joinEui: r.join_eui,
    packets: r.packets,
    forwarded: r.forwarded,
    copiesBought: r.copies,
    dc: r.dc,
    lastSeenMs: Number(r.last),
    lastFCnt: r.last_fcnt,
    lastStatus: r.last_status,
  }));
}

/**
 * The org's routes whose packets may be in the log since `fromDay`: its routes now, those it has
 * deleted since (their records), and any older deleted route that forwarded packets since (its
 * daily stats stay, by org: routes deleted before their records were kept). Through the current
 * routes alone, replacing a route (a new LNS, say) emptied the list of every device heard through
 * the old one, as if they had gone quiet.
 */
export async function orgRouteIdsSince(sql: postgres.ISql, orgId: string, fromDay: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select id from routes where org_id = ${orgId}
    union
    select id from deleted_routes where org_id = ${orgId} and deleted_at >= ${fromDay}::date
    union
    select distinct route_id from route_stats_daily where org_id = ${orgId} and day >= ${fromDay}::date`;
  return rows.map((r) => r.id);
}

export function deviceKey(d: Pick<DeviceActivity, 'kind' | 'devAddr' | 'devEui'>): string {
  return `${d.kind}:${d.devAddr ?? d.devEui ?? ''}`;
}
