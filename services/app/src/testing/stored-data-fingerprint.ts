/**
 * A fingerprint of what a database stores: per table, its row count and a hash of its rows (order
 * independent), so a test can show that a series of requests wrote nothing. Tables a running node
 * writes on its own (queues, entropy, ...) are left out by the caller, each with its reason, by
 * their `schema.table` name or by their schema's; columns it writes on its own in rows it otherwise
 * keeps (when a key was last presented, say) are left out of their table's hash the same way.
 */
import type { Sql } from '@cov/shared/db/client';

export type StoredDataFingerprint = Record<string, { rows: number; hash: string }>;

/** Every base table outside PostgreSQL's own schemas, as `schema.table`. */
async function listTables(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select table_schema || '.' || table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
    order by 1`;
  return rows.map((r) => r.name);
}

export async function storedDataFingerprint(
  sql: Sql,
  exclude: ReadonlySet<string> = new Set(),
  excludeColumns: ReadonlyMap<string, readonly string[]> = new Map(),
): Promise<StoredDataFingerprint> {
  const out: StoredDataFingerprint = {};
  for (const name of await listTables(sql)) {
    const [schema, table] = name.split('.') as [string, string];
    if (exclude.has(name) || exclude.has(schema)) continue;
    const leftOut = excludeColumns.get(name) ?? [];
    // md5 of each row's text (as JSON without the left-out columns), then of the sorted list: equal
    // contents, equal hash, whatever the physical order.
    const rowText = leftOut.length === 0 ? sql`t::text` : sql`(to_jsonb(t) - ${sql.array(leftOut as string[])}::text[])::text`;
    const [row] = await sql<{ rows: number; hash: string }[]>`
      select count(*)::int as rows, md5(coalesce(string_agg(h, '' order by h), '')) as hash
      from (select md5(${rowText}) as h from ${sql(schema)}.${sql(table)} t) rows`;
    out[name] = { rows: row!.rows, hash: row!.hash };
  }
  return out;
}
