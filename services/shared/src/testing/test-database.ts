/**
 * A freshly migrated PostgreSQL database of its own for one integration test file, cloned from the
 * template global-setup built. Dropped (forcibly, in case a test leaked a connection) by drop().
 */
import postgres from 'postgres';
import { inject } from 'vitest';
import { loadConfig } from '../config/config';
import { newTestDatabaseName, withDatabaseName } from './test-database-names';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const config = loadConfig();
  const template = inject('templateDatabase');
  const name = newTestDatabaseName();
  const admin = postgres(config.TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    // Cloning fails while another session is connected to the template (a parallel clone in
    // another worker counts), so retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${template}"`);
        break;
      } catch (e) {
        if (attempt >= 50 || !String(e).includes('being accessed by other users')) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabaseName(config.TEST_DATABASE_ADMIN_URL, name),
    async drop() {
      const a = postgres(config.TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
