/**
 * Applies the drizzle-kit migrations in migrations/ (embedded mode at every start; server mode via
 * `npm run db:migrate`, a one-shot step in docker-compose.yml). Safe to run repeatedly: drizzle
 * records applied migrations and skips them. Server-mode processes check at start that this has
 * been done (`missingMigrations`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Db, Sql } from './client';

export const migrationsFolder = fileURLToPath(new URL('../../../../migrations', import.meta.url));

export async function applyMigrations(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}

/** The migrations this code ships, oldest first, as drizzle-kit's journal lists them. */
export function shippedMigrations(): { tag: string; when: number }[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  return journal.entries.map((e) => ({ tag: e.tag, when: e.when }));
}

/**
 * The shipped migrations the database has not applied yet (none: it is up to date). Drizzle
 * records each applied migration with its journal time and applies those newer than the last one
 * recorded, so the same rule tells what it would apply.
 */
export async function missingMigrations(sql: Sql): Promise<string[]> {
  let lastAppliedMs = -Infinity;
  try {
    const [row] = await sql<{ last: string | null }[]>`select max(created_at)::text as last from drizzle.__drizzle_migrations`;
    if (row?.last) lastAppliedMs = Number(row.last);
  } catch (e) {
    // 3F000 / 42P01: no drizzle schema or table, so nothing was ever applied.
    const code = (e as { code?: string }).code;
    if (code !== '3F000' && code !== '42P01') throw e;
  }
  return shippedMigrations()
    .filter((m) => m.when > lastAppliedMs)
    .map((m) => m.tag);
}
