/**
 * Server-mode processes do not migrate: they check at start that `npm run db:migrate` has brought
 * the database up to date, and stop with `database.not_migrated` (what is missing, what to run)
 * rather than fail later on a missing table. Against real PostgreSQL, on a database of its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { AppError } from '../errors';
import { createLogger } from '../logger';
import { createAppContext } from '../runtime/app-context';
import { newTestDatabaseName, withDatabaseName } from '../testing/test-database-names';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { connectDatabase, type Sql } from './client';
import { applyMigrations, migrationsFolder, missingMigrations, shippedMigrations } from './migrate';

describe('schema check at start (server mode)', () => {
  const adminUrl = loadConfig().TEST_DATABASE_ADMIN_URL;
  const name = newTestDatabaseName();
  const url = withDatabaseName(adminUrl, name);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const database = connectDatabase(url, { maxConnections: 2 });
  const logger = createLogger({ LOG_LEVEL: 'silent' });
  const start = () => createAppContext(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), { processName: 'router', logger });

  beforeAll(async () => {
    await admin.unsafe(`create database "${name}"`);
  });
  afterAll(async () => {
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('stops a process on a database never migrated, naming what is missing and what to run', async () => {
    const shipped = shippedMigrations().map((m) => m.tag);
    expect(shipped.length).toBeGreaterThan(5);
    expect(await missingMigrations(database.sql)).toEqual(shipped);
    const failure = await start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('database.not_migrated');
    expect((failure as AppError).message).toContain('npm run db:migrate');
    expect((failure as AppError).message).toContain(shipped[0]);
  });

  it('stops it on a database one migration behind, and starts once it is up to date', async () => {
    await applyMigrations(database.db);
    expect(await missingMigrations(database.sql)).toEqual([]);
    const shipped = shippedMigrations();
    const last = shipped[shipped.length - 1]!;
    // As if the database were migrated by the previous release.
    await database.sql`delete from drizzle.__drizzle_migrations where created_at = ${last.when}`;
    expect(await missingMigrations(database.sql)).toEqual([last.tag]);
    await expect(start()).rejects.toMatchObject({ code: 'database.not_migrated', message: expect.stringContaining(last.tag) });
    await database.sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('restored', ${last.when})`;
    const ctx = await start();
    await ctx.close();
  });

  it('backfills the per-org hotspot totals from the copies bought before they existed (0013), exactly', async () => {
    const shipped = shippedMigrations();
    const backfill = shipped.find((m) => m.tag.endsWith('org_hotspots_daily_backfill'))!;
    const org = '00000000-0000-4000-8000-00000000aa01';
    const route = '00000000-0000-4000-8000-00000000bb01';
    const day = Date.UTC(2026, 10, 20);
    const copy = (hotspot: string, atMs: number, dc: number) =>
      database.sql`insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
        values (${Buffer.alloc(32, atMs % 251)}, ${route}, ${org}, ${hotspot}, ${dc}, -70, 5, 868100000, 'SF7BW125', ${atMs})`;
    await copy('h1', day + 1000, 2);
    await copy('h1', day + 5000, 3);
    await copy('h2', day + 86_400_000 - 1, 1);
    await copy('h2', day + 86_400_000, 1); // the next UTC day
    // As if the database had been migrated by the release before the totals existed: the backfill's
    // own SQL, run on its own (later migrations may follow it in the folder).
    await database.sql`delete from org_hotspots_daily`;
    await database.sql.unsafe(readFileSync(join(migrationsFolder, `${backfill.tag}.sql`), 'utf8'));
    const rows = await database.sql`select day::text, hotspot_address, copies::int, dc::int, last_at_ms::float8 as last from org_hotspots_daily order by 1, 2`;
    expect(rows.map((r) => [r.day, r.hotspot_address, r.copies, r.dc, r.last])).toEqual([
      ['2026-11-20', 'h1', 2, 5, day + 5000],
      ['2026-11-20', 'h2', 1, 1, day + 86_400_000 - 1],
      ['2026-11-21', 'h2', 1, 1, day + 86_400_000],
    ]);
  });

  it('migrates a deployment with routes to deleted-route records (0021) leaving every route live', async () => {
    const archive = shippedMigrations().find((m) => m.tag.endsWith('deleted_routes'))!;
    expect(archive).toBeDefined();
    // As the release before it left a database: a database of its own with only the migrations
    // before 0021 applied (undoing 0021 on this one would leave the later ones applied), and a
    // live route with its ranges and pairs.
    const beforeName = newTestDatabaseName();
    await admin.unsafe(`create database "${beforeName}"`);
    const before = connectDatabase(withDatabaseName(adminUrl, beforeName), { maxConnections: 1 });
    try {
      await applyMigrationsBefore(before.sql, archive.when);
      expect(await missingMigrations(before.sql)).toEqual(shippedMigrations().filter((m) => m.when >= archive.when).map((m) => m.tag));
      const [org] = await before.sql`insert into orgs (name, net_id, created_at) values ('Before 0021', 'C00053', now()) returning id`;
      const [route] = await before.sql`insert into routes (org_id, endpoint, max_copies, created_at, updated_at) values (${org!.id}, ${JSON.stringify({ protocol: 'http', url: 'http://lns.example/up' })}::jsonb, 2, now(), now()) returning id`;
      await before.sql`insert into route_devaddr_ranges (route_id, start_addr, end_addr) values (${route!.id}, 4227943424, 4227943431)`;
      await before.sql`insert into route_eui_pairs (route_id, join_eui, dev_eui) values (${route!.id}, '70b3d57ed0000001', '0000000000000000')`;
      await applyMigrations(before.db);
      expect(await missingMigrations(before.sql)).toEqual([]);
      const [after] = await before.sql`select
        (select count(*)::int from routes where id = ${route!.id}) as live,
        (select count(*)::int from route_devaddr_ranges where route_id = ${route!.id}) as ranges,
        (select count(*)::int from route_eui_pairs where route_id = ${route!.id}) as pairs,
        (select count(*)::int from deleted_routes) as deleted`;
      expect(after).toEqual({ live: 1, ranges: 1, pairs: 1, deleted: 0 });
    } finally {
      await before.close();
      await admin.unsafe(`drop database if exists "${beforeName}" with (force)`);
    }
  });
});

/** Applies the shipped migrations older than `whenMs` as applyMigrations would have: a database of an earlier release. */
async function applyMigrationsBefore(sql: Sql, whenMs: number): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe('create schema if not exists "drizzle"');
    await tx.unsafe('create table if not exists "drizzle"."__drizzle_migrations" (id serial primary key, hash text not null, created_at bigint)');
    for (const migration of readMigrationFiles({ migrationsFolder })) {
      if (migration.folderMillis >= whenMs) break;
      for (const statement of migration.sql) await tx.unsafe(statement);
      await tx`insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values (${migration.hash}, ${migration.folderMillis})`;
    }
  });
}

describe('two migrators at once', () => {
  const adminUrl = loadConfig().TEST_DATABASE_ADMIN_URL;
  const name = newTestDatabaseName();
  const url = withDatabaseName(adminUrl, name);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });

  beforeAll(async () => {
    await admin.unsafe(`create database "${name}"`);
  });
  afterAll(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('apply each migration once: the later waits for the earlier and finds nothing left (as two `npm run db:migrate` processes)', async () => {
    // Each as `main.ts migrate` connects: its own pool of one connection.
    const migrators = [0, 1, 2].map(() => connectDatabase(url, { maxConnections: 1 }));
    try {
      const outcomes = await Promise.allSettled(migrators.map((m) => applyMigrations(m.db)));
      expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
      const shipped = shippedMigrations();
      const rows = await migrators[0]!.sql<{ created_at: bigint }[]>`select created_at from drizzle.__drizzle_migrations order by id`;
      expect(rows.map((r) => Number(r.created_at))).toEqual(shipped.map((m) => m.when));
      expect(await missingMigrations(migrators[0]!.sql)).toEqual([]);
    } finally {
      await Promise.all(migrators.map((m) => m.close()));
    }
  });
});
