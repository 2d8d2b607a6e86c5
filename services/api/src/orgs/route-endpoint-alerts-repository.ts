/**
 * Route endpoint alerts: which outages of route endpoints (the router's `route_delivery` record) an
 * organisation with `endpointAlerts` on its alert has not been told of yet. Claiming is one
 * `update ... returning` per kind that marks the rows told, so with several API replicas each
 * notice is posted by one; a failed post puts the mark back (`unclaim`), so the next check retries.
 *
 * An outage is due as down while the endpoint is backed off and nothing was told since its last
 * recovery; a recovery is due once the endpoint took a packet after an outage told as down and
 * not told as recovered since (an outage that began and ended unseen, alerts off, is not told).
 */
import type postgres from 'postgres';
import type { RouteEndpoint } from '@cov/shared/db/schema/routing';

export interface DueEndpointNotice {
  kind: 'down' | 'recovered';
  orgId: string;
  orgName: string;
  routeId: string;
  routeName: string | null;
  endpoint: RouteEndpoint;
  lastError: string;
  lastErrorAtMs: number;
  backoffs: number;
  backoffUntilMs: number | null;
  recoveredAtMs: number | null;
  url: string;
  authHeader: string | null;
  /** The mark before the claim, put back if the post fails. */
  toldBeforeMs: number | null;
}

type Row = {
  org_id: string;
  org_name: string;
  route_id: string;
  route_name: string | null;
  endpoint: RouteEndpoint;
  last_error: string;
  last_error_at_ms: string;
  backoffs: number;
  backoff_until_ms: string | null;
  recovered_at_ms: string | null;
  url: string;
  auth_header: string | null;
  told_before: string | null;
};

const num = (v: string | null) => (v === null ? null : Number(v));
const toDue = (kind: DueEndpointNotice['kind']) => (r: Row): DueEndpointNotice => ({
  kind,
  orgId: r.org_id,
  orgName: r.org_name,
  routeId: r.route_id,
  routeName: r.route_name,
  endpoint: r.endpoint,
  lastError: r.last_error,
  lastErrorAtMs: Number(r.last_error_at_ms),
  backoffs: r.backoffs,
  backoffUntilMs: num(r.backoff_until_ms),
  recoveredAtMs: num(r.recovered_at_ms),
  url: r.url,
  authHeader: r.auth_header,
  toldBeforeMs: num(r.told_before),
});

/** Marks and returns the outages and recoveries due: this caller posts them. */
export async function claimDueEndpointNotices(sql: postgres.ISql, nowMs: number): Promise<DueEndpointNotice[]> {
  const down = await claim(
    sql,
    'down_told_at_ms',
    sql`${nowMs}::bigint`,
    sql`d.backoff_until_ms is not null and (d.down_told_at_ms is null or d.down_told_at_ms < coalesce(d.recovered_at_ms, 0))`,
  );
  const recovered = await claim(
    sql,
    'recovered_told_at_ms',
    sql`d.recovered_at_ms`,
    sql`d.backoff_until_ms is null and d.recovered_at_ms is not null
      and d.down_told_at_ms is not null and d.down_told_at_ms < d.recovered_at_ms
      and (d.recovered_told_at_ms is null or d.recovered_told_at_ms < d.down_told_at_ms)`,
  );
  return [...down.map(toDue('down')), ...recovered.map(toDue('recovered'))];
}

/** Sets `mark` to `value` on the rows of orgs with endpoint alerts that meet `due`, returning each with the mark it had. */
function claim(sql: postgres.ISql, mark: 'down_told_at_ms' | 'recovered_told_at_ms', value: postgres.PendingQuery<postgres.Row[]>, due: postgres.PendingQuery<postgres.Row[]>) {
  return sql<Row[]>`
    update route_delivery d set ${sql(mark)} = ${value}
    from (
      select d.route_id, d.${sql(mark)} as told_before, r.name as route_name, r.endpoint, o.id as org_id, o.name as org_name, a.url, a.auth_header
      from route_delivery d
      join routes r on r.id = d.route_id
      join orgs o on o.id = r.org_id
      join org_balance_alerts a on a.org_id = o.id and a.endpoint_alerts
      where ${due}
      for update of d skip locked
    ) c
    where d.route_id = c.route_id
    returning c.org_id, c.org_name, d.route_id, c.route_name, c.endpoint, d.last_error, d.last_error_at_ms::text, d.backoffs,
      d.backoff_until_ms::text, d.recovered_at_ms::text, c.url, c.auth_header, c.told_before::text`;
}

/** The post failed: the mark goes back to what it was, so the next check tells it again. */
export async function unclaimEndpointNotice(sql: postgres.ISql, notice: DueEndpointNotice): Promise<void> {
  const mark = notice.kind === 'down' ? 'down_told_at_ms' : 'recovered_told_at_ms';
  await sql`update route_delivery set ${sql(mark)} = ${notice.toldBeforeMs} where route_id = ${notice.routeId}`;
}
