// DB functions for organisations: the org row and balance, its API keys, DevAddr blocks and DC ledger.
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';
import { dcLedger, devaddrBlocks, orgApiKeys, orgs } from '@cov/shared/db/schema/routing';

export type OrgRow = typeof orgs.$inferSelect;
export type OrgApiKeyRow = typeof orgApiKeys.$inferSelect;
export type DevaddrBlockRow = typeof devaddrBlocks.$inferSelect;
export type DcLedgerRow = typeof dcLedger.$inferSelect;
export type DcCreditKind = 'purchase' | 'top_up' | 'correction';

export async function insertOrg(db: Db, name: string, netId: string, createdAt: Date): Promise<OrgRow | undefined> {
  const [row] = await db.insert(orgs).values({ name, netId, createdAt }).onConflictDoNothing().returning();
  return row;
}

export async function findOrg(db: Db, id: string): Promise<OrgRow | undefined> {
  const [row] = await db.select().from(orgs).where(eq(orgs.id, id)).limit(1);
  return row;
}

export async function insertOrgApiKey(db: Db, key: { orgId: string; keyHash: string; keyPrefix: string; name?: string; scope: 'read' | 'write'; createdAt: Date }): Promise<OrgApiKeyRow> {
  const [row] = await db.insert(orgApiKeys).values(key).returning();
  return row!;
}

export async function listOrgApiKeys(db: Db, orgId: string): Promise<OrgApiKeyRow[]> {
  return db.select().from(orgApiKeys).where(eq(orgApiKeys.orgId, orgId)).orderBy(asc(orgApiKeys.createdAt));
}

/** Revokes a live key of the org; false when the org has no such live key. */
export async function revokeOrgApiKey(db: Db, orgId: string, keyId: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(orgApiKeys)
    .set({ revokedAt: at })
    .where(and(eq(orgApiKeys.id, keyId), eq(orgApiKeys.orgId, orgId), isNull(orgApiKeys.revokedAt)))
    .returning({ id: orgApiKeys.id });
  return rows.length === 1;
}

export async function listDevaddrBlocks(db: Db, orgId: string): Promise<DevaddrBlockRow[]> {
  return db.select().from(devaddrBlocks).where(eq(devaddrBlocks.orgId, orgId)).orderBy(asc(devaddrBlocks.startAddr));
}

/** Narrows the operator's list of organisations; each when given. */
export interface OrgListFilter {
  /** Case-insensitive part of the name. */
  nameContains?: string | undefined;
  /** Organisations whose balance is at most this: who is about to stop, or has stopped, being forwarded. */
  maxBalanceDc?: number | undefined;
}

/** Organisations by name (unique, so a name is a keyset cursor); pass the last name seen to page on. */
export async function listOrgs(db: Db, afterName: string | undefined, limit: number, filter: OrgListFilter = {}): Promise<OrgRow[]> {
  return db
    .select()
    .from(orgs)
    .where(
      and(
        afterName === undefined ? undefined : gt(orgs.name, afterName),
        filter.nameContains === undefined ? undefined : sql`strpos(lower(${orgs.name}), lower(${filter.nameContains})) > 0`,
        filter.maxBalanceDc === undefined ? undefined : lte(orgs.dcBalance, filter.maxBalanceDc),
      ),
    )
    .orderBy(asc(orgs.name))
    .limit(limit);
}

/** The DevAddr blocks of several organisations (a page of them), in address order. */
export async function listDevaddrBlocksOfOrgs(db: Db, orgIds: readonly string[]): Promise<DevaddrBlockRow[]> {
  if (orgIds.length === 0) return [];
  return db.select().from(devaddrBlocks).where(inArray(devaddrBlocks.orgId, [...orgIds])).orderBy(asc(devaddrBlocks.startAddr));
}

/**
 * Every block of the NetID, with the table locked against concurrent allocation for the rest of
 * the transaction (two admins allocating at once must not get overlapping blocks).
 */
export async function lockAndListNetIdBlocks(db: Db, netId: string): Promise<DevaddrBlockRow[]> {
  await db.execute(sql`lock table ${devaddrBlocks} in share row exclusive mode`);
  return db.select().from(devaddrBlocks).where(eq(devaddrBlocks.netId, netId)).orderBy(asc(devaddrBlocks.startAddr));
}

export async function insertDevaddrBlock(db: Db, block: { orgId: string; netId: string; startAddr: number; endAddr: number; allocatedAt: Date }): Promise<DevaddrBlockRow> {
  const [row] = await db.insert(devaddrBlocks).values(block).returning();
  return row!;
}

export interface DcCredit {
  orgId: string;
  kind: DcCreditKind;
  amountDc: number;
  memo: string;
  createdAtMs: number;
  idempotencyKey?: string | undefined;
}

/**
 * Locks the org row until the caller's transaction ends (false: no such org). Credits with the same
 * idempotency key then run one after the other, so the second sees the first's ledger row.
 */
export async function lockOrg(db: Db, orgId: string): Promise<boolean> {
  const rows = await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, orgId)).for('update');
  return rows.length > 0;
}

export async function findCreditByIdempotencyKey(db: Db, orgId: string, idempotencyKey: string): Promise<DcLedgerRow | undefined> {
  const [row] = await db
    .select()
    .from(dcLedger)
    .where(and(eq(dcLedger.orgId, orgId), eq(dcLedger.idempotencyKey, idempotencyKey)));
  return row;
}

/**
 * Adds to the balance (a negative correction takes from it, never below zero) and appends the
 * matching ledger row, in the caller's transaction. Undefined when the org is missing or a negative
 * amount exceeds its balance.
 */
export async function creditDc(db: Db, entry: DcCredit): Promise<DcLedgerRow | undefined> {
  const [org] = await db
    .update(orgs)
    .set({ dcBalance: sql`${orgs.dcBalance} + ${entry.amountDc}` })
    .where(and(eq(orgs.id, entry.orgId), sql`${orgs.dcBalance} + ${entry.amountDc} >= 0`))
    .returning({ balance: orgs.dcBalance });
  if (!org) return undefined;
  const [row] = await db
    .insert(dcLedger)
    .values({
      orgId: entry.orgId,
      kind: entry.kind,
      amountDc: entry.amountDc,
      balanceAfterDc: org.balance,
      memo: entry.memo,
      createdAtMs: entry.createdAtMs,
      idempotencyKey: entry.idempotencyKey ?? null,
    })
    .returning();
  return row;
}

/** Narrows the ledger to entries written in [minMs, maxMs) and of one kind, each when given. */
export interface LedgerFilter {
  minMs?: number | undefined;
  maxMs?: number | undefined;
  kind?: DcLedgerRow['kind'] | undefined;
}

/** Newest first; pass the last id seen to page on. */
export async function listLedger(db: Db, orgId: string, beforeId: number | undefined, limit: number, filter: LedgerFilter = {}): Promise<DcLedgerRow[]> {
  return db
    .select()
    .from(dcLedger)
    .where(
      and(
        eq(dcLedger.orgId, orgId),
        beforeId === undefined ? undefined : lt(dcLedger.id, beforeId),
        filter.minMs === undefined ? undefined : gte(dcLedger.createdAtMs, filter.minMs),
        filter.maxMs === undefined ? undefined : lt(dcLedger.createdAtMs, filter.maxMs),
        filter.kind === undefined ? undefined : eq(dcLedger.kind, filter.kind),
      ),
    )
    .orderBy(desc(dcLedger.id))
    .limit(limit);
}
