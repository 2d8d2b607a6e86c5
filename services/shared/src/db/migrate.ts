/**
 * Applies the drizzle-kit migrations in migrations/ (embedded mode at every start; server mode via
 * `npm run db:migrate`, a one-shot step in docker-compose.yml). Safe to run repeatedly: drizzle
 * records applied migrations and skips them. Server-mode processes check at start that this has
 * been done (`missingMigrations`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Db, Sql } from './client';

export const migrationsFolder = fileURLToPath(new URL('../../../../migrations', import.meta.url));

/** Key of the advisory lock migrators take turns on (any constant; 'covmigr' in ASCII). */
export const MIGRATION_LOCK_KEY = '27988577126803314';

/**
 * Applies the pending migrations, one migrator at a time. Drizzle's own migrator reads the last
 * applied migration and then applies the newer ones in a transaction, with no lock: two
 * `db:migrate` started together (a deploy job retried while the first still ran, one per replica
 * as an init step) both read the same state and both apply, so the second failed on its first
 * CREATE (exit 1), or, for a migration that only changes data, could apply it twice. This does
 * what drizzle's does (the same files, statements, hashes and `drizzle.__drizzle_migrations`
 * rows, all pending migrations in one transaction), but takes a transaction advisory lock first and
 * reads the last applied migration under it: a second migrator waits for the first to commit, then
 * finds nothing left to do.
 */
export async function applyMigrations(db: Db): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  await db.$client.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    await tx.unsafe('create schema if not exists "drizzle"');
    await tx.unsafe('create table if not exists "drizzle"."__drizzle_migrations" (id serial primary key, hash text not null, created_at bigint)');
    const [last] = await tx<{ created_at: string | bigint }[]>`select created_at from "drizzle"."__drizzle_migrations" order by created_at desc limit 1`;
    const lastAppliedMs = last === undefined ? -Infinity : Number(last.created_at);
    for (const migration of migrations) {
      if (migration.folderMillis <= lastAppliedMs) continue;
      for (const statement of migration.sql) await tx.unsafe(statement);
      await tx`insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values (${migration.hash}, ${migration.folderMillis})`;
    }
  });
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
