// DB functions for makers and their API keys.
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';
import { makerApiKeys, makers } from '@cov/shared/db/schema/makers';

export type MakerRow = typeof makers.$inferSelect;

export async function insertMaker(db: Db, name: string, createdAt: Date): Promise<MakerRow | undefined> {
  const [row] = await db.insert(makers).values({ name, createdAt }).onConflictDoNothing().returning();
  return row;
}

export async function insertMakerApiKey(db: Db, makerId: string, keyHash: string, keyPrefix: string, createdAt: Date): Promise<void> {
  await db.insert(makerApiKeys).values({ makerId, keyHash, keyPrefix, createdAt });
}

export async function findMaker(db: Db, id: string): Promise<MakerRow | undefined> {
  const [row] = await db.select().from(makers).where(eq(makers.id, id)).limit(1);
  return row;
}

/** The maker owning a live (not revoked) key with this hash. */
export async function findMakerByKeyHash(db: Db, keyHash: string): Promise<MakerRow | undefined> {
  const [row] = await db
    .select({ id: makers.id, name: makers.name, createdAt: makers.createdAt })
    .from(makerApiKeys)
    .innerJoin(makers, eq(makers.id, makerApiKeys.makerId))
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
