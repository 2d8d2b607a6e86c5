/**
 * A fresh PostgreSQL database for one benchmark run, on the test server (TEST_DATABASE_ADMIN_URL),
 * so a suite measures on empty tables and never touches data it did not make. Dropped (with any
 * connections a crashed run left) by `drop()`, which suites call in `finally`.
 */
import postgres from 'postgres';
import { loadConfig } from '@cov/shared/config/config';
import { withDatabaseName } from '@cov/shared/testing/test-database-names';

export interface BenchDatabase {
  name: string;
  url: string;
  /** A connection to the server's admin database (e.g. to read the new database's backends). */
  admin: postgres.Sql;
  drop(): Promise<void>;
}

/** Creates `cov_bench_<suite>_<time>`; the caller must `drop()` it. */
export async function createBenchDatabase(suite: string): Promise<BenchDatabase> {
  const adminUrl = loadConfig().TEST_DATABASE_ADMIN_URL;
  const name = `cov_bench_${suite}_${Date.now()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  return {
    name,
    url: withDatabaseName(adminUrl, name),
    admin,
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
