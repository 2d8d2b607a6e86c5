/**
 * The pool through an outage in which PostgreSQL refuses new connections: a query fails at once
 * rather than waiting for the database to come back, even on a connection whose backend was
 * terminated in the middle of a query (postgres.js 3.4.9 hung there; patches/postgres+3.4.9.patch, README).
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { connectDatabase, type Database } from './client';

describe('PostgreSQL client through an outage', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const admin = postgres(loadConfig().TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = connectDatabase(testDatabase.url, { maxConnections: 1 });
  });
  afterAll(async () => {
    await admin.unsafe(`alter database "${testDatabase.name}" allow_connections true`).catch(() => {});
    await database?.close();
    await testDatabase?.drop();
    await admin.end();
  });

  it('fails a query while the database refuses connections, after its connection was cut mid-query, and works again once it accepts them', async () => {
    const { sql } = database;
    const running = sql`select pg_sleep(30)`.then(
      () => 'finished',
      (e: unknown) => `failed: ${String(e)}`,
    );
    // The one connection is busy with the sleep: refuse new connections and cut it.
    const deadlineMs = Date.now() + 15_000;
    for (;;) {
      const [active] = await admin<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = ${testDatabase.name} and query like 'select pg_sleep%'`;
      if (active!.n > 0) break;
      if (Date.now() > deadlineMs) throw new Error('the sleeping query never showed in pg_stat_activity');
      await new Promise((r) => setTimeout(r, 20));
    }
    await admin.unsafe(`alter database "${testDatabase.name}" allow_connections false`);
    await admin`select pg_terminate_backend(pid, 10000) from pg_stat_activity where datname = ${testDatabase.name}`;
    expect(await running).toMatch(/^failed/);

    // Refused while the database is closed: the query settles (rejected) with the database still closed.
    const outcome = await sql`select 1 as one`.then(
      () => 'answered',
      (e: unknown) => String(e),
    );
    expect(outcome).toMatch(/not currently accepting connections/);

    await admin.unsafe(`alter database "${testDatabase.name}" allow_connections true`);
    const [row] = await sql<{ one: number }[]>`select 1 as one`;
    expect(row!.one).toBe(1);
  });
});
