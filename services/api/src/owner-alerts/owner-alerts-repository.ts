/**
 * Owners' hotspot status alerts: the subscription (with the nonce that refuses replays, kept after
 * an unsubscribe), the status last told per hotspot, and the checker's lease on an owner (several
 * API replicas: one posts each notice).
 */
import { eq, sql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db, Sql } from '@cov/shared/db/client';
import { ownerAlerts } from '@cov/shared/db/schema/owner-alerts';

export type OwnerAlertRow = typeof ownerAlerts.$inferSelect;

export async function findOwnerAlert(db: Db, owner: string): Promise<OwnerAlertRow | undefined> {
  const [row] = await db.select().from(ownerAlerts).where(eq(ownerAlerts.ownerAddress, owner));
  return row;
}

/**
 * Sets (active) or clears (inactive) an owner's subscription if `nonce` beats the stored one, in
 * one statement, so two concurrent requests cannot both pass. Undefined when the nonce is stale.
 */
export async function writeOwnerAlert(
  db: Db,
  w: { owner: string; active: boolean; url: string; authHeader: string | null; nonce: number; nowMs: number },
): Promise<OwnerAlertRow | undefined> {
  const values = { ownerAddress: w.owner, active: w.active, url: w.url, authHeader: w.authHeader, nonce: w.nonce, updatedAtMs: w.nowMs, lastError: null };
  const [row] = await db
    .insert(ownerAlerts)
    .values(values)
    .onConflictDoUpdate({ target: ownerAlerts.ownerAddress, set: values, setWhere: sql`${ownerAlerts.nonce} < excluded.nonce` })
    .returning();
  return row;
}

export async function forgetToldStatuses(sql: postgres.ISql, owner: string): Promise<void> {
  await sql`delete from owner_alert_hotspots where owner_address = ${owner}`;
}

/** The status last told of an owner's hotspots (address -> online, since when). */
export async function knownStatuses(sql: postgres.ISql, owner: string): Promise<Map<string, { online: boolean; changedAtMs: number }>> {
  return (await knownStatusesOf(sql, [owner])).get(owner) ?? new Map();
}

/** The same for several owners in one query (owner -> address -> status). */
export async function knownStatusesOf(sql: postgres.ISql, owners: string[]): Promise<Map<string, Map<string, { online: boolean; changedAtMs: number }>>> {
  const out = new Map<string, Map<string, { online: boolean; changedAtMs: number }>>();
  if (owners.length === 0) return out;
  const rows = await sql<{ o: string; a: string; online: boolean; t: string }[]>`
    select owner_address as o, hotspot_address as a, online, changed_at_ms::text as t from owner_alert_hotspots where owner_address = any(${owners})`;
  for (const r of rows) {
    let byAddress = out.get(r.o);
    if (byAddress === undefined) out.set(r.o, (byAddress = new Map()));
    byAddress.set(r.a, { online: r.online, changedAtMs: Number(r.t) });
  }
  return out;
}

export interface SubscribedOwner {
  owner: string;
  url: string;
  authHeader: string | null;
}

/**
 * Takes up to `limit` active subscriptions no other checker holds, for `leaseMs`: those checked
 * longest ago first (a released lease keeps the time it ended; never checked comes first). Ordering
 * by the last notice sent instead put owners whose hotspots never changed at the front every time,
 * so past the first `limit` of them (by address) an owner was never checked at all.
 */
export async function leaseOwners(sql: postgres.ISql, nowMs: number, leaseMs: number, limit: number): Promise<SubscribedOwner[]> {
  const rows = await sql<{ owner_address: string; url: string; auth_header: string | null }[]>`
    update owner_alerts set lease_until_ms = ${nowMs + leaseMs}
    where owner_address in (
      select owner_address from owner_alerts where active and coalesce(lease_until_ms, 0) <= ${nowMs}
      order by coalesce(lease_until_ms, 0), owner_address limit ${limit} for update skip locked)
    returning owner_address, url, auth_header`;
  return rows.map((r) => ({ owner: r.owner_address, url: r.url, authHeader: r.auth_header }));
}

export async function ownersHotspots(sql: postgres.ISql, owners: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (owners.length === 0) return out;
  const rows = await sql<{ address: string; owner_address: string }[]>`select address, owner_address from hotspots where owner_address = any(${owners}) order by address`;
  for (const r of rows) out.set(r.owner_address, [...(out.get(r.owner_address) ?? []), r.address]);
  return out;
}

/**
 * Records statuses as told (or first seen) and, when a notice went out, its success; releases the
 * lease. The subscription row is locked first and nothing is recorded once it is inactive: an
 * owner who unsubscribed while this check was posting would otherwise get the statuses back
 * after the unsubscribe forgot them, and a later subscription would start from them.
 */
export async function recordTold(sql: Sql, owner: string, statuses: { address: string; online: boolean; changedAtMs: number }[], sentAtMs: number | null, checkedAtMs: number): Promise<void> {
  await sql.begin(async (tx) => {
    const [subscription] = await tx<{ active: boolean }[]>`select active from owner_alerts where owner_address = ${owner} for update`;
    // All of the owner's statuses in one statement, whatever the size of its fleet (booleans as text: postgres.js sends no boolean arrays).
    if (statuses.length > 0 && subscription?.active) {
      await tx`insert into owner_alert_hotspots (hotspot_address, owner_address, online, changed_at_ms)
        select a, ${owner}, o::boolean, t from unnest(${statuses.map((x) => x.address)}::text[], ${statuses.map((x) => String(x.online))}::text[], ${statuses.map((x) => x.changedAtMs)}::bigint[]) as u(a, o, t)
        on conflict (hotspot_address) do update set owner_address = excluded.owner_address, online = excluded.online, changed_at_ms = excluded.changed_at_ms`;
    }
    // Released: the lease ends at the check, and that time puts the owner at the back of the queue.
    if (sentAtMs !== null) await tx`update owner_alerts set last_sent_at_ms = ${sentAtMs}, last_error = null, lease_until_ms = ${checkedAtMs} where owner_address = ${owner}`;
    else await tx`update owner_alerts set lease_until_ms = ${checkedAtMs} where owner_address = ${owner}`;
  });
}

/** The post failed: no change is recorded as told (the next check tells it again), only hotspots first seen; the lease is released. */
export async function recordFailed(sql: Sql, owner: string, error: string, firstSeen: { address: string; online: boolean; changedAtMs: number }[], checkedAtMs: number): Promise<void> {
  await recordTold(sql, owner, firstSeen, null, checkedAtMs);
  await sql`update owner_alerts set last_error = ${error} where owner_address = ${owner}`;
}
