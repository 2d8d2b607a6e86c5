/**
 * The router's record of a route endpoint's outages (`route_delivery`): written when it backs a
 * failing endpoint off and when the endpoint takes a packet again, so a few rows per outage and
 * none per packet. Reads are the API's.
 */
import type { Sql } from '@cov/shared/db/client';

/** A back-off started (`untilMs`: its end, UTC). A route deleted meanwhile is skipped, not an error. */
export async function recordBackoff(sql: Sql, routeId: string, backoff: { error: string; atMs: number; level: number; untilMs: number }): Promise<void> {
  await sql`
    insert into route_delivery (route_id, last_error, last_error_at_ms, backoffs, backoff_until_ms, recovered_at_ms)
    select ${routeId}::uuid, ${backoff.error}, ${backoff.atMs}, ${backoff.level}, ${backoff.untilMs}, null
    where exists (select 1 from routes where id = ${routeId}::uuid)
    on conflict (route_id) do update set
      last_error = excluded.last_error, last_error_at_ms = excluded.last_error_at_ms, backoffs = excluded.backoffs, backoff_until_ms = excluded.backoff_until_ms`;
}

/** The endpoint took a packet after a back-off. */
export async function recordRecovery(sql: Sql, routeId: string, atMs: number): Promise<void> {
  await sql`update route_delivery set backoff_until_ms = null, recovered_at_ms = ${atMs} where route_id = ${routeId}::uuid`;
}
