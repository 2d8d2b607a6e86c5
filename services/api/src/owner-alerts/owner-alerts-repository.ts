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
import type { RewardDistribution } from '@cov/shared/rewards/reward-distribution';

export type OwnerAlertRow = typeof ownerAlerts.$inferSelect;

export async function findOwnerAlert(db: Db, owner: string): Promise<OwnerAlertRow | undefined> {
  const [row] = await db.select().from(ownerAlerts).where(eq(ownerAlerts.ownerAddress, owner));
  return row;
}

/**
 * Sets (active) or clears (inactive) an owner's subscription if `nonce` beats the stored one, in
 * one statement, so two concurrent requests cannot both pass. Undefined when the nonce is stale.
 * Epoch rewards start after `latestPaidEpoch` (no backlog), unless they were already on: a
 * subscription changed (a new URL, say) goes on from the epoch it last told. `newSigningSecret`
 * becomes the notices' signing secret unless the subscription was active with one already (null
 * when unsubscribing: the secret is forgotten).
 */
export async function writeOwnerAlert(
  db: Db,
  w: { owner: string; active: boolean; url: string; authHeader: string | null; newSigningSecret: string | null; epochRewards: boolean; latestPaidEpoch: number | null; nonce: number; nowMs: number },
): Promise<OwnerAlertRow | undefined> {
  const values = {
    ownerAddress: w.owner,
    active: w.active,
    url: w.url,
    authHeader: w.authHeader,
    signingSecret: w.newSigningSecret,
    epochRewards: w.epochRewards,
    rewardsEpochTold: w.epochRewards ? w.latestPaidEpoch : null,
    nonce: w.nonce,
    updatedAtMs: w.nowMs,
    lastError: null,
  };
  const [row] = await db
    .insert(ownerAlerts)
    .values(values)
    .onConflictDoUpdate({
      target: ownerAlerts.ownerAddress,
      set: {
        ...values,
        rewardsEpochTold: sql`case when ${ownerAlerts.active} and ${ownerAlerts.epochRewards} and excluded.epoch_rewards then ${ownerAlerts.rewardsEpochTold} else excluded.rewards_epoch_told end`,
        // A subscription changed while active keeps its secret (its receiver has it); a new one gets the new secret.
        signingSecret: sql`case when ${ownerAlerts.active} and excluded.active and ${ownerAlerts.signingSecret} is not null then ${ownerAlerts.signingSecret} else excluded.signing_secret end`,
      },
      setWhere: sql`${ownerAlerts.nonce} < excluded.nonce`,
    })
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
  /** Transmit scale × 10^4 last told or first seen while interactive; null until then. */
  scaleE4: number | null;
}

/** The status last told of an owner's hotspots (address -> status). */
export async function knownStatuses(sql: postgres.ISql, owner: string): Promise<Map<string, ToldStatus>> {
  return (await knownStatusesOf(sql, [owner])).get(owner) ?? new Map();
}

/** The same for several owners in one query (owner -> address -> status). */
export async function knownStatusesOf(sql: postgres.ISql, owners: string[]): Promise<Map<string, Map<string, ToldStatus>>> {
  const out = new Map<string, Map<string, ToldStatus>>();
  if (owners.length === 0) return out;
  const rows = await sql<{ o: string; a: string; online: boolean; t: string; p: boolean | null; s: number | null }[]>`
    select owner_address as o, hotspot_address as a, online, changed_at_ms::text as t, poc_failing as p, scale_e4 as s
    from owner_alert_hotspots where owner_address = any(${owners})`;
  for (const r of rows) {
    let byAddress = out.get(r.o);
    if (byAddress === undefined) out.set(r.o, (byAddress = new Map()));
    byAddress.set(r.a, { address: r.a, online: r.online, changedAtMs: Number(r.t), pocFailing: r.p, scaleE4: r.s });
  }
  return out;
}

export interface SubscribedOwner {
  owner: string;
  url: string;
  authHeader: string | null;
  /** Opted into epoch rewards notices: the latest epoch told (null: none yet); undefined when not opted in. */
  rewardsEpochTold: number | null | undefined;
  /** Signs the notices; null for a subscription from before notices were signed. */
  signingSecret: string | null;
}

/**
 * Takes up to `limit` active subscriptions no other checker holds, for `leaseMs`: those checked
 * longest ago first (a released lease keeps the time it ended; never checked comes first). Ordering
 * by the last notice sent instead put owners whose hotspots never changed at the front every time,
 * so past the first `limit` of them (by address) an owner was never checked at all.
 */
export async function leaseOwners(sql: postgres.ISql, nowMs: number, leaseMs: number, limit: number): Promise<SubscribedOwner[]> {
  const rows = await sql<{ owner_address: string; url: string; auth_header: string | null; signing_secret: string | null; epoch_rewards: boolean; rewards_epoch_told: number | null }[]>`
    update owner_alerts set lease_until_ms = ${nowMs + leaseMs}
    where owner_address in (
      select owner_address from owner_alerts where active and coalesce(lease_until_ms, 0) <= ${nowMs}
      order by coalesce(lease_until_ms, 0), owner_address limit ${limit} for update skip locked)
    returning owner_address, url, auth_header, signing_secret, epoch_rewards, rewards_epoch_told`;
  return rows.map((r) => ({ owner: r.owner_address, url: r.url, authHeader: r.auth_header, signingSecret: r.signing_secret, rewardsEpochTold: r.epoch_rewards ? r.rewards_epoch_told : undefined }));
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
      await tx`insert into owner_alert_hotspots (hotspot_address, owner_address, online, changed_at_ms, poc_failing, scale_e4)
        select a, ${owner}, o::boolean, t, nullif(p, '')::boolean, nullif(s, -1)
        from unnest(${statuses.map((x) => x.address)}::text[], ${statuses.map((x) => String(x.online))}::text[], ${statuses.map((x) => x.changedAtMs)}::bigint[],
          ${statuses.map((x) => (x.pocFailing === null ? '' : String(x.pocFailing)))}::text[], ${statuses.map((x) => x.scaleE4 ?? -1)}::int[]) as u(a, o, t, p, s)
        on conflict (hotspot_address) do update set owner_address = excluded.owner_address, online = excluded.online, changed_at_ms = excluded.changed_at_ms,
          poc_failing = excluded.poc_failing, scale_e4 = excluded.scale_e4`;
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

/** The paid epoch after `afterEpoch` (the first paid one when null), with its spread over the hotspots it paid; undefined when none is paid yet. */
export async function nextPaidEpoch(sql: postgres.ISql, afterEpoch: number | null): Promise<PaidEpoch | undefined> {
  const [row] = await sql<{ epoch: number; startMs: string; endMs: string; spread: RewardDistribution | null }[]>`
    select epoch, start_ms::text as "startMs", end_ms::text as "endMs", summary->'perHotspot' as spread from reward_epochs
    where epoch > ${afterEpoch ?? -1} order by epoch limit 1`;
  return row && { epoch: row.epoch, startMs: Number(row.startMs), endMs: Number(row.endMs), spread: row.spread };
}

export interface PaidEpoch {
  epoch: number;
  startMs: number;
  endMs: number;
  spread: RewardDistribution | null;
}

/** What `epoch` paid each of these hotspots, by part (hotspots paid nothing have no entry). */
export async function epochAmounts(sql: postgres.ISql, epoch: number, addresses: string[]): Promise<Map<string, EpochAmounts>> {
  if (addresses.length === 0) return new Map();
  const rows = await sql<{ a: string; beacon: string; witness: string; data: string }[]>`
    select hotspot_address as a, beacon_amount::text as beacon, witness_amount::text as witness, data_amount::text as data
    from hotspot_epoch_rewards where epoch = ${epoch} and hotspot_address = any(${addresses})`;
  return new Map(rows.map((r) => [r.a, { beacon: BigInt(r.beacon), witness: BigInt(r.witness), data: BigInt(r.data) }]));
}

export interface EpochAmounts {
  beacon: bigint;
  witness: bigint;
  data: bigint;
}

/**
 * Records `epoch` as told, if the subscription is still opted in and still at `previous` (an
 * unsubscribe, or another replica's notice, in between leaves it alone): the next check tells the
 * epoch after it.
 */
export async function recordRewardsTold(sql: postgres.ISql, owner: string, previous: number | null, epoch: number, sentAtMs: number): Promise<void> {
  await sql`update owner_alerts set rewards_epoch_told = ${epoch}, last_sent_at_ms = ${sentAtMs}, last_error = null
    where owner_address = ${owner} and active and epoch_rewards and rewards_epoch_told is not distinct from ${previous}`;
}

/** An epoch rewards notice was not taken: said in the subscription's lastError; the epoch stays untold, so the next check posts it again. */
export async function recordRewardsFailed(sql: postgres.ISql, owner: string, error: string): Promise<void> {
  await sql`update owner_alerts set last_error = ${error} where owner_address = ${owner} and active`;
}
