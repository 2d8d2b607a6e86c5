/**
 * Integration-test global setup: builds one migrated template database per distinct set of
 * migrations, on the real PostgreSQL server, and hands its name to every test file. Each file then
 * clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds instead of migrating again.
 * The embedded mode gets the same: one migrated PGlite data directory, dumped to a file each
 * embedded test node starts from: PGlite then skips initdb, which was 1-2 s of the 3.4 s an
 * embedded node took to start (migrating, 0.3 s).
 * Also checks that PostgreSQL and Redis answer, so a missing server fails fast with a clear message.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config/config';
import { connectDatabase } from '../db/client';
import { applyMigrations, migrationsFolder } from '../db/migrate';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres';
import { dropStaleTestDatabases, withDatabaseName } from './test-database-names';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    /** A gzipped PGlite data directory with every migration applied (EmbeddedPostgres.dumpDataDir). */
    embeddedTemplatePath: string;
  }
}

/** The migrated PGlite data directory for this set of migrations, built once (under a temporary name, renamed when complete). */
async function embeddedTemplate(hash: string): Promise<string> {
  const path = join(tmpdir(), `cov-pglite-template-${hash}.tgz`);
  // Those of other migration sets, a day old: earlier versions' (a run of another checkout today may still use its own).
  for (const name of readdirSync(tmpdir())) {
    const other = join(tmpdir(), name);
    if (name.startsWith('cov-pglite-template-') && other !== path && Date.now() - statSync(other).mtimeMs > 86_400_000) rmSync(other, { force: true });
  }
  if (existsSync(path)) return path;
  const embedded = await startEmbeddedPostgres({ port: 0, maxConnections: 4 });
  try {
    const db = connectDatabase(embedded.url, { maxConnections: 1 });
    try {
      await applyMigrations(db.db);
    } finally {
      await db.close();
    }
    const building = `${path}.${process.pid}`;
    writeFileSync(building, Buffer.from(await (await embedded.dumpDataDir()).arrayBuffer()));
    renameSync(building, path);
  } finally {
    await embedded.stop();
  }
  return path;
}

function migrationsHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else h.update(entry.name).update(readFileSync(p));
    }
  };
  walk(migrationsFolder);
  return h.digest('hex').slice(0, 12);
}

export default async function setup(project: TestProject): Promise<void> {
  const config = loadConfig();
  const admin = postgres(config.TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (e) {
    throw new Error(`integration tests need PostgreSQL at ${config.TEST_DATABASE_ADMIN_URL} (set TEST_DATABASE_ADMIN_URL): ${(e as Error).message}`);
  }
  const redis = new Redis(config.TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    throw new Error(`integration tests need Redis at ${config.TEST_REDIS_URL} (set TEST_REDIS_URL): ${(e as Error).message}`);
  } finally {
    redis.disconnect();
  }

  await dropStaleTestDatabases(admin);
  const hash = migrationsHash();
  const template = `cov_tpl_${hash}`;
  const [exists] = await admin`select 1 as one from pg_database where datname = ${template}`;
  if (!exists) {
    // Build under a temporary name and rename when complete, so a crash never leaves a
    // half-migrated template that later runs would trust.
    const building = `${template}_build_${process.pid}`;
    await admin.unsafe(`drop database if exists "${building}"`);
    await admin.unsafe(`create database "${building}"`);
    const db = connectDatabase(withDatabaseName(config.TEST_DATABASE_ADMIN_URL, building), { maxConnections: 1 });
    try {
      await applyMigrations(db.db);
    } finally {
      await db.close();
    }
    await admin.unsafe(`alter database "${building}" rename to "${template}"`).catch(async (e: unknown) => {
      // Another run finished the same template first; ours is redundant.
      await admin.unsafe(`drop database if exists "${building}"`);
      if (!String(e).includes('already exists')) throw e;
    });
  }
  await admin.end();
  project.provide('templateDatabase', template);
  project.provide('embeddedTemplatePath', await embeddedTemplate(hash));
}
