/**
 * DB functions for the versioned denylist. Every change (add or remove) creates a new version;
 * an entry is active at version v when it was added at or before v and not removed at or before v.
 * Edges are stored with their two addresses in sorted order, so (a, b) and (b, a) are one row.
 */
import { and, asc, desc, eq, isNull, lte, or, gt, sql } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';
import { denylistEntries, denylistVersions } from '@cov/shared/db/schema/verdicts';

export type DenylistEntryRow = typeof denylistEntries.$inferSelect;
export type DenylistVersionRow = typeof denylistVersions.$inferSelect;

type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'execute'>;

/** Serialises changes so two admins never both add the same entry or interleave versions. */
export async function lockDenylist(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('denylist_versions'))`);
}

export async function currentDenylistVersion(db: Tx): Promise<number> {
  const [row] = await db.select({ version: sql<number>`coalesce(max(${denylistVersions.version}), 0)::int` }).from(denylistVersions);
  return row?.version ?? 0;
}

export async function insertDenylistVersion(tx: Tx, createdAtMs: number, note: string): Promise<DenylistVersionRow> {
  const [row] = await tx.insert(denylistVersions).values({ createdAtMs, note }).returning();
  return row!;
}

const activeAt = (version: number) =>
  and(lte(denylistEntries.addedInVersion, version), or(isNull(denylistEntries.removedInVersion), gt(denylistEntries.removedInVersion, version)));

export async function listActiveEntries(db: Tx, version: number): Promise<DenylistEntryRow[]> {
  return db.select().from(denylistEntries).where(activeAt(version)).orderBy(asc(denylistEntries.id));
}

export async function findActiveEntry(db: Tx, kind: 'key' | 'edge', address: string, otherAddress: string | null): Promise<DenylistEntryRow | undefined> {
  const [row] = await db
    .select()
    .from(denylistEntries)
    .where(
      and(
        eq(denylistEntries.kind, kind),
        eq(denylistEntries.address, address),
        otherAddress === null ? isNull(denylistEntries.otherAddress) : eq(denylistEntries.otherAddress, otherAddress),
        isNull(denylistEntries.removedInVersion),
      ),
    )
    .limit(1);
  return row;
}

export async function findEntry(db: Tx, id: number): Promise<DenylistEntryRow | undefined> {
  const [row] = await db.select().from(denylistEntries).where(eq(denylistEntries.id, id)).limit(1);
  return row;
}

export async function insertDenylistEntry(tx: Tx, entry: typeof denylistEntries.$inferInsert): Promise<DenylistEntryRow> {
  const [row] = await tx.insert(denylistEntries).values(entry).returning();
  return row!;
}

export async function markEntryRemoved(tx: Tx, id: number, version: number): Promise<DenylistEntryRow> {
  const [row] = await tx.update(denylistEntries).set({ removedInVersion: version }).where(eq(denylistEntries.id, id)).returning();
  return row!;
}

export async function listVersions(db: Tx, limit: number): Promise<DenylistVersionRow[]> {
  return db.select().from(denylistVersions).orderBy(desc(denylistVersions.version)).limit(limit);
}
