// Naming and clean-up of per-test-file databases on the shared test server.
import type postgres from 'postgres';

export const TEST_DB_PREFIX = 'cov_test_';

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A unique name that records its creation time, so abandoned ones can be recognised later. */
export function newTestDatabaseName(): string {
  return `${TEST_DB_PREFIX}${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Drops test databases left behind by crashed runs (older than two hours). */
export async function dropStaleTestDatabases(admin: postgres.Sql): Promise<void> {
  const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`${TEST_DB_PREFIX}%`}`;
  const cutoffMs = Date.now() - 2 * 3600_000;
  for (const { datname } of rows) {
    const createdMs = Number(datname.slice(TEST_DB_PREFIX.length).split('_')[0]);
    if (Number.isFinite(createdMs) && createdMs < cutoffMs) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  }
}
