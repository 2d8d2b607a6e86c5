/**
 * Integration-test global setup: builds one migrated template database per distinct set of
 * migrations, on the real PostgreSQL server, and hands its name to every test file. Each file then
 * clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds instead of migrating again.
 * Also checks that PostgreSQL and Redis answer, so a missing server fails fast with a clear message.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config/config';
import { connectDatabase } from '../db/client';
import { applyMigrations, migrationsFolder } from '../db/migrate';
import { dropStaleTestDatabases, withDatabaseName } from './test-database-names';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
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
  const template = `cov_tpl_${migrationsHash()}`;
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
}
