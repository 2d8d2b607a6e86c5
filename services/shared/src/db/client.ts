/**
 * PostgreSQL access: one postgres.js pool per process and a drizzle instance over it. The same code
 * runs against a real PostgreSQL server and against the embedded PGlite database (served on a
 * loopback socket), so there is no second data layer to keep in step.
 */
import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import * as schema from './schema/index';

export type Sql = postgres.Sql;
export type Db = PostgresJsDatabase<typeof schema> & { $client: Sql };

export interface Database {
  sql: Sql;
  db: Db;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  maxConnections: number;
}

export function connectDatabase(url: string, options: DatabaseOptions): Database {
  const sql = postgres(url, {
    max: options.maxConnections,
    // Named prepared statements in every mode. The embedded database shares one PGlite session
    // between all connections: postgres.js names statements randomly per connection, so they never
    // collide, whereas an unnamed statement described in one round trip could be replaced by
    // another client's query before it is bound in the next.
    prepare: true,
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
