/**
 * Which hotspots carry an organisation's traffic: per hotspot, the copies the router bought from
 * it for the org over a range of UTC days (optionally on one route), their DC and the last one's
 * time. Read from the daily totals settling the burn journal keeps (`org_hotspots_daily`), never
 * from `packet_copies`.
 */
import type postgres from 'postgres';

export interface CarriedByHotspot {
  address: string;
  copies: number;
  dc: number;
  lastAtMs: number;
}

export interface CarriedTotals {
  hotspots: number;
  copies: number;
  dc: number;
}

export interface CarriedQuery {
  orgId: string;
  fromDay: string;
  toDay: string;
  routeId?: string;
}

/** Most copies first, then by address; `after` continues after a row of an earlier page. */
export async function carriedByHotspot(sql: postgres.ISql, q: CarriedQuery, after: { c: number; a: string } | undefined, limit: number): Promise<CarriedByHotspot[]> {
  const rows = await sql<{ address: string; copies: string; dc: string; last: string }[]>`
    select hotspot_address as address, sum(copies)::text as copies, sum(dc)::text as dc, max(last_at_ms)::text as last
    from org_hotspots_daily
    where org_id = ${q.orgId} and day between ${q.fromDay}::date and ${q.toDay}::date ${q.routeId ? sql`and route_id = ${q.routeId}` : sql``}
    group by hotspot_address
    ${after ? sql`having sum(copies) < ${after.c} or (sum(copies) = ${after.c} and hotspot_address > ${after.a})` : sql``}
    order by sum(copies) desc, hotspot_address
    limit ${limit}`;
  return rows.map((r) => ({ address: r.address, copies: Number(r.copies), dc: Number(r.dc), lastAtMs: Number(r.last) }));
}

export async function carriedTotals(sql: postgres.ISql, q: CarriedQuery): Promise<CarriedTotals> {
  const [row] = await sql<{ hotspots: number; copies: string; dc: string }[]>`
    select count(distinct hotspot_address)::int as hotspots, coalesce(sum(copies), 0)::text as copies, coalesce(sum(dc), 0)::text as dc
    from org_hotspots_daily
    where org_id = ${q.orgId} and day between ${q.fromDay}::date and ${q.toDay}::date ${q.routeId ? sql`and route_id = ${q.routeId}` : sql``}`;
  return { hotspots: row?.hotspots ?? 0, copies: Number(row?.copies ?? 0), dc: Number(row?.dc ?? 0) };
}

/** Where the hotspots are: region and asserted location (H3 res 12), null until asserted. */
export async function hotspotPlaces(sql: postgres.ISql, addresses: string[]): Promise<Map<string, { region: string | null; locationCell: string | null }>> {
  if (addresses.length === 0) return new Map();
  const rows = await sql<{ address: string; region: string | null; location_cell: string | null }[]>`
    select address, region, location_cell from hotspots where address = any(${addresses})`;
  return new Map(rows.map((r) => [r.address, { region: r.region, locationCell: r.location_cell }]));
}
