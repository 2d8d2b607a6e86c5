/**
 * Applies the drizzle-kit migrations in migrations/ (embedded mode at every start; server mode via
 * `npm run db:migrate`, a one-shot step in docker-compose.yml). Safe to run repeatedly: drizzle
 * records applied migrations and skips them.
 */
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Db } from './client';

export const migrationsFolder = fileURLToPath(new URL('../../../../migrations', import.meta.url));

export async function applyMigrations(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
