/**
 * PostgreSQL access: one postgres.js pool per process and a drizzle instance over it. The same code
 * runs against a real PostgreSQL server and against the embedded PGlite database (served on a
 * loopback socket), so there is no second data layer to keep in step.
 */
import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema/index';

export type Sql = postgres.Sql;
export type Db = PostgresJsDatabase<typeof schema>;

export interface Database {
  sql: Sql;
  db: Db;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  maxConnections: number;
  /**
   * The embedded server multiplexes client connections onto one PGlite session, so named
   * prepared statements from different connections could collide; it is told to use unnamed ones.
   */
  embedded?: boolean;
}

export function connectDatabase(url: string, options: DatabaseOptions): Database {
  const sql = postgres(url, {
    max: options.maxConnections,
    prepare: !options.embedded,
    onnotice: () => {},
    // bigint columns come back as JS bigint so token amounts never lose precision.
    types: { bigint: postgres.BigInt },
    connection: { application_name: 'coverage-network' },
  });
  const db = drizzle(sql, { schema });
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}

/** True when the database answers a trivial query; used by /ready. */
export async function databaseIsReachable(sql: Sql): Promise<boolean> {
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  }
}
