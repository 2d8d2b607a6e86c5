/**
 * Owners' hotspot status alerts: the subscription (with the nonce that refuses replays, kept after
 * an unsubscribe), the status last told per hotspot, the PoC verdicts the check judges hotspots by,
 * and the checker's lease on an owner (several API replicas: one posts each notice).
 */
import { eq, sql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db, Sql } from '@cov/shared/db/client';
import { ownerAlerts } from '@cov/shared/db/schema/owner-alerts';
import type { PocReportCounts } from './poc-health';

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

/** A hotspot's status as last told (or first seen, when that was not news). */
export interface ToldStatus {
  address: string;
  online: boolean;
  /** When `online` was first seen or last told. */
  changedAtMs: number;
  /** Every recent PoC report rejected (true), some passing (false), or not known (null). */
  pocFailing: boolean | null;
}

/** The status last told of an owner's hotspots (address -> status). */
export async function knownStatuses(sql: postgres.ISql, owner: string): Promise<Map<string, ToldStatus>> {
  return (await knownStatusesOf(sql, [owner])).get(owner) ?? new Map();
}

/** The same for several owners in one query (owner -> address -> status). */
export async function knownStatusesOf(sql: postgres.ISql, owners: string[]): Promise<Map<string, Map<string, ToldStatus>>> {
  const out = new Map<string, Map<string, ToldStatus>>();
  if (owners.length === 0) return out;
  const rows = await sql<{ o: string; a: string; online: boolean; t: string; p: boolean | null }[]>`
    select owner_address as o, hotspot_address as a, online, changed_at_ms::text as t, poc_failing as p from owner_alert_hotspots where owner_address = any(${owners})`;
  for (const r of rows) {
    let byAddress = out.get(r.o);
    if (byAddress === undefined) out.set(r.o, (byAddress = new Map()));
    byAddress.set(r.a, { address: r.a, online: r.online, changedAtMs: Number(r.t), pocFailing: r.p });
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

export interface OwnedHotspot {
  address: string;
  /** Takes part in proof-of-coverage (a data-only hotspot does not). */
  pocEligible: boolean;
}

export async function ownersHotspots(sql: postgres.ISql, owners: string[]): Promise<Map<string, OwnedHotspot[]>> {
  const out = new Map<string, OwnedHotspot[]>();
  if (owners.length === 0) return out;
  const rows = await sql<{ address: string; owner_address: string; capability: string }[]>`
    select address, owner_address, capability from hotspots where owner_address = any(${owners}) order by address`;
  for (const r of rows) {
    let owned = out.get(r.owner_address);
    if (owned === undefined) out.set(r.owner_address, (owned = []));
    owned.push({ address: r.address, pocEligible: r.capability === 'full' });
  }
  return out;
}

/** Each hotspot's beacon and witness verdicts since `sinceMs` (server receive time), valid or not by reason; witness reports aged out without a beacon count as rejected. */
export async function pocReportCounts(sql: postgres.ISql, addresses: string[], sinceMs: number): Promise<Map<string, PocReportCounts>> {
  const out = new Map<string, { valid: number; invalidByReason: Map<string, number> }>();
  if (addresses.length === 0) return out;
  const rows = await sql<{ a: string; valid: boolean; reason: string | null; n: number }[]>`
    select hotspot_address as a, valid, reason, count(*)::int as n from beacon_verdicts
      where hotspot_address = any(${addresses}) and received_at_ms >= ${sinceMs} group by 1, 2, 3
    union all
    select hotspot_address, valid, reason, count(*)::int from witness_verdicts
      where hotspot_address = any(${addresses}) and received_at_ms >= ${sinceMs} group by 1, 2, 3
    union all
    select hotspot_address, false, reason, count(*)::int from stale_witnesses
      where hotspot_address = any(${addresses}) and received_at_ms >= ${sinceMs} group by 1, 2, 3`;
  for (const r of rows) {
    let c = out.get(r.a);
    if (c === undefined) out.set(r.a, (c = { valid: 0, invalidByReason: new Map() }));
    if (r.valid) c.valid += r.n;
    else {
      const reason = r.reason ?? 'unknown';
      c.invalidByReason.set(reason, (c.invalidByReason.get(reason) ?? 0) + r.n);
    }
  }
  return out;
}

/**
 * Records statuses as told (or first seen) and, when a notice went out, its success; releases the
 * lease. The subscription row is locked first and nothing is recorded once it is inactive: an
 * owner who unsubscribed while this check was posting would otherwise get the statuses back
 * after the unsubscribe forgot them, and a later subscription would start from them.
 */
export async function recordTold(sql: Sql, owner: string, statuses: ToldStatus[], sentAtMs: number | null, checkedAtMs: number): Promise<void> {
  await sql.begin(async (tx) => {
    const [subscription] = await tx<{ active: boolean }[]>`select active from owner_alerts where owner_address = ${owner} for update`;
    // All of the owner's statuses in one statement, whatever the size of its fleet (booleans as text: postgres.js sends no boolean arrays).
    if (statuses.length > 0 && subscription?.active) {
      await tx`insert into owner_alert_hotspots (hotspot_address, owner_address, online, changed_at_ms, poc_failing)
        select a, ${owner}, o::boolean, t, nullif(p, '')::boolean
        from unnest(${statuses.map((x) => x.address)}::text[], ${statuses.map((x) => String(x.online))}::text[], ${statuses.map((x) => x.changedAtMs)}::bigint[],
          ${statuses.map((x) => (x.pocFailing === null ? '' : String(x.pocFailing)))}::text[]) as u(a, o, t, p)
        on conflict (hotspot_address) do update set owner_address = excluded.owner_address, online = excluded.online, changed_at_ms = excluded.changed_at_ms,
          poc_failing = excluded.poc_failing`;
    }
    // Released: the lease ends at the check, and that time puts the owner at the back of the queue.
    if (sentAtMs !== null) await tx`update owner_alerts set last_sent_at_ms = ${sentAtMs}, last_error = null, lease_until_ms = ${checkedAtMs} where owner_address = ${owner}`;
    else await tx`update owner_alerts set lease_until_ms = ${checkedAtMs} where owner_address = ${owner}`;
  });
}

/** The post failed: no change is recorded as told (the next check tells it again), only hotspots first seen; the lease is released. */
export async function recordFailed(sql: Sql, owner: string, error: string, firstSeen: ToldStatus[], checkedAtMs: number): Promise<void> {
  await recordTold(sql, owner, firstSeen, null, checkedAtMs);
  await sql`update owner_alerts set last_error = ${error} where owner_address = ${owner}`;
}
