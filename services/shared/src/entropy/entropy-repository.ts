/**
 * DB functions for entropy values. Shared: the entropy service writes them, ingest pushes the
 * latest to hotspot sessions, the verifier looks up the value a beacon embedded.
 */
import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { entropyValues } from '../db/schema/entropy';

export type EntropyRow = typeof entropyValues.$inferSelect;

export async function insertEntropy(db: Pick<Db, 'insert'>, row: EntropyRow): Promise<void> {
  await db.insert(entropyValues).values(row).onConflictDoNothing();
}

export async function latestEntropy(db: Pick<Db, 'select'>): Promise<EntropyRow | undefined> {
  const [row] = await db.select().from(entropyValues).orderBy(desc(entropyValues.timestampSec)).limit(1);
  return row;
}

export async function findEntropy(db: Pick<Db, 'select'>, data: Uint8Array): Promise<EntropyRow | undefined> {
  const [row] = await db.select().from(entropyValues).where(eq(entropyValues.data, data)).limit(1);
  return row;
}

export async function findEntropies(db: Pick<Db, 'select'>, values: Uint8Array[]): Promise<EntropyRow[]> {
  if (values.length === 0) return [];
  return db.select().from(entropyValues).where(inArray(entropyValues.data, values));
}
