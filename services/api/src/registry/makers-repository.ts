// DB functions for makers and their API keys.
import { and, asc, count, eq, gt, inArray, isNull, max } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';
import { hotspots } from '@cov/shared/db/schema/hotspots';
import { makerApiKeys, makers } from '@cov/shared/db/schema/makers';

export type MakerRow = typeof makers.$inferSelect;
export type MakerApiKeyRow = typeof makerApiKeys.$inferSelect;

export async function insertMaker(db: Db, name: string, createdAt: Date): Promise<MakerRow | undefined> {
  const [row] = await db.insert(makers).values({ name, createdAt }).onConflictDoNothing().returning();
  return row;
}

export async function insertMakerApiKey(db: Db, key: { makerId: string; keyHash: string; keyPrefix: string; name?: string; createdAt: Date }): Promise<MakerApiKeyRow> {
  const [row] = await db.insert(makerApiKeys).values(key).returning();
  return row!;
}

/** A maker's keys, live and revoked, oldest first (a maker has a handful). */
export async function listMakerApiKeys(db: Db, makerId: string): Promise<MakerApiKeyRow[]> {
  return db.select().from(makerApiKeys).where(eq(makerApiKeys.makerId, makerId)).orderBy(asc(makerApiKeys.createdAt), asc(makerApiKeys.id));
}

/** Revokes a live key of the maker; false when the maker has no such live key. */
export async function revokeMakerApiKey(db: Db, makerId: string, keyId: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(makerApiKeys)
    .set({ revokedAt: at })
    .where(and(eq(makerApiKeys.id, keyId), eq(makerApiKeys.makerId, makerId), isNull(makerApiKeys.revokedAt)))
    .returning({ id: makerApiKeys.id });
  return rows.length === 1;
}

/** Hotspots onboarded by each of these makers (one grouped query for a page of makers). */
export async function hotspotCountsOfMakers(db: Db, makerIds: string[]): Promise<Map<string, number>> {
  if (makerIds.length === 0) return new Map();
  const rows = await db
    .select({ makerId: hotspots.makerId, n: count() })
    .from(hotspots)
    .where(inArray(hotspots.makerId, makerIds))
    .groupBy(hotspots.makerId);
  return new Map(rows.map((r) => [r.makerId, Number(r.n)]));
}

/** How many hotspots a maker has onboarded, of each capability, and when it last did. */
export async function makerHotspotCounts(db: Db, makerId: string): Promise<{ full: number; dataOnly: number; lastOnboardedAt: Date | null }> {
  const rows = await db
    .select({ capability: hotspots.capability, n: count(), last: max(hotspots.onboardedAt) })
    .from(hotspots)
    .where(eq(hotspots.makerId, makerId))
    .groupBy(hotspots.capability);
  const of = (c: 'full' | 'data_only') => rows.find((r) => r.capability === c);
  const lasts = rows.map((r) => r.last).filter((d): d is Date => d !== null);
  return {
    full: Number(of('full')?.n ?? 0),
    dataOnly: Number(of('data_only')?.n ?? 0),
    lastOnboardedAt: lasts.length ? new Date(Math.max(...lasts.map((d) => d.getTime()))) : null,
  };
}

export async function findMaker(db: Db, id: string): Promise<MakerRow | undefined> {
  const [row] = await db.select().from(makers).where(eq(makers.id, id)).limit(1);
  return row;
}

/** The maker and key id of a live (not revoked) key with this hash. */
export async function findMakerKeyHolder(db: Db, keyHash: string): Promise<{ makerId: string; keyId: string } | undefined> {
  const [row] = await db
    .select({ makerId: makerApiKeys.makerId, keyId: makerApiKeys.id })
    .from(makerApiKeys)
    .where(and(eq(makerApiKeys.keyHash, keyHash), isNull(makerApiKeys.revokedAt)))
    .limit(1);
  return row;
}

/** Makers by name (unique, so a name is a keyset cursor); pass the last name seen to page on. */
export async function listMakers(db: Db, afterName: string | undefined, limit: number): Promise<MakerRow[]> {
  return db
    .select()
    .from(makers)
    .where(afterName === undefined ? undefined : gt(makers.name, afterName))
    .orderBy(asc(makers.name))
    .limit(limit);
}
