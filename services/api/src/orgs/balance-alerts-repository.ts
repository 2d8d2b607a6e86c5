/**
 * Organisations' low-balance alerts: the setting, and the notifier's steps. Claiming a due alert is
 * one `update ... returning` that disarms it, so with several API replicas checking at once each
 * notice is posted by one of them.
 */
import { eq } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db } from '@cov/shared/db/client';
import { orgBalanceAlerts } from '@cov/shared/db/schema/routing';

export type BalanceAlertRow = typeof orgBalanceAlerts.$inferSelect;

export async function upsertBalanceAlert(db: Db, alert: { orgId: string; thresholdDc: number; url: string; authHeader: string | null; endpointAlerts: boolean; nowMs: number }): Promise<BalanceAlertRow> {
  // A new setting is armed: a balance already under the new threshold gets a notice at the next check.
  const values = { orgId: alert.orgId, thresholdDc: alert.thresholdDc, url: alert.url, authHeader: alert.authHeader, endpointAlerts: alert.endpointAlerts, armed: true, lastError: null, updatedAtMs: alert.nowMs };
  const [row] = await db
    .insert(orgBalanceAlerts)
    .values(values)
    .onConflictDoUpdate({ target: orgBalanceAlerts.orgId, set: values })
    .returning();
  return row!;
}

export async function findBalanceAlert(db: Db, orgId: string): Promise<BalanceAlertRow | undefined> {
  const [row] = await db.select().from(orgBalanceAlerts).where(eq(orgBalanceAlerts.orgId, orgId));
  return row;
}

export async function deleteBalanceAlert(db: Db, orgId: string): Promise<boolean> {
  const rows = await db.delete(orgBalanceAlerts).where(eq(orgBalanceAlerts.orgId, orgId)).returning({ orgId: orgBalanceAlerts.orgId });
  return rows.length > 0;
}

/** Arms again the alerts whose org's balance is back at or above the threshold. */
export async function rearmRecoveredAlerts(sql: postgres.ISql): Promise<number> {
  const rows = await sql`
    update org_balance_alerts a set armed = true
    from orgs o where o.id = a.org_id and not a.armed and o.dc_balance >= a.threshold_dc
    returning a.org_id`;
  return rows.length;
}

export interface DueAlert {
  orgId: string;
  orgName: string;
  orgCreatedAtMs: number;
  balanceDc: number;
  thresholdDc: number;
  url: string;
  authHeader: string | null;
}

/** Disarms and returns the armed alerts whose org's balance is under the threshold: this caller posts them. */
export async function claimDueAlerts(sql: postgres.ISql, nowMs: number): Promise<DueAlert[]> {
  const rows = await sql<{ org_id: string; name: string; created_ms: string; balance: string; threshold: string; url: string; auth_header: string | null }[]>`
    update org_balance_alerts a set armed = false, last_attempt_at_ms = ${nowMs}
    from orgs o where o.id = a.org_id and a.armed and o.dc_balance < a.threshold_dc
    returning a.org_id, o.name, (extract(epoch from o.created_at) * 1000)::bigint::text as created_ms, o.dc_balance::text as balance, a.threshold_dc::text as threshold, a.url, a.auth_header`;
  return rows.map((r) => ({
    orgId: r.org_id,
    orgName: r.name,
    orgCreatedAtMs: Number(r.created_ms),
    balanceDc: Number(r.balance),
    thresholdDc: Number(r.threshold),
    url: r.url,
    authHeader: r.auth_header,
  }));
}

export async function recordAlertSent(sql: postgres.ISql, orgId: string, nowMs: number): Promise<void> {
  await sql`update org_balance_alerts set last_sent_at_ms = ${nowMs}, last_error = null where org_id = ${orgId}`;
}

/** The post failed: armed again, so the next check retries it (unless the balance recovered meanwhile). */
export async function recordAlertFailed(sql: postgres.ISql, orgId: string, error: string): Promise<void> {
  await sql`update org_balance_alerts set armed = true, last_error = ${error} where org_id = ${orgId}`;
}

/** A post to the alert's URL failed: recorded as its last error, nothing else changes (route endpoint notices). */
export async function recordAlertError(sql: postgres.ISql, orgId: string, error: string): Promise<void> {
  await sql`update org_balance_alerts set last_error = ${error} where org_id = ${orgId}`;
}
