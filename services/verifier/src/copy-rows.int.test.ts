import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '@cov/shared/db/client';
import { createTestDatabase, type TestDatabase } from '@cov/shared/testing/test-database';
import { copyLine, copyRows } from './copy-rows';

const COPY = 'copy copy_rows_test (id, note, n, flag, doc) from stdin';

describe('copyRows (PostgreSQL server)', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = connectDatabase(testDb.url, { maxConnections: 1 });
    await database.sql`create table copy_rows_test (id text primary key, note text, n real, flag boolean, doc jsonb not null)`;
  });

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('stores every row, text with tabs, newlines and backslashes, nulls and jsonb unchanged', async () => {
    const rows = [
      ['a', 'tab\there, newline\nthere, cr\r, back\\slash', -72.004, true, JSON.stringify({ s: 'quote " and \\ and \t', n: 1.5 })],
      ['b', null, null, false, '{}'],
      ['c', '\\N is text here', 0, true, JSON.stringify([1, 'x'])],
    ] as const;
    await database.sql.begin((tx) => copyRows(tx, COPY, rows.map((r) => copyLine(r)).join('')));
    const stored = await database.sql`select id, note, n, flag, doc from copy_rows_test order by id`;
    expect(stored.map((r) => [r.id, r.note, r.n, r.flag, r.doc])).toEqual(rows.map((r) => [r[0], r[1], r[2], r[3], JSON.parse(r[4])]));
  });

  it.each([
    ['a duplicate key', [['d', 'x', 1, true, '{}'], ['d', 'y', 2, true, '{}']]],
    ['a value of the wrong type', [['e', 'x', 1, true, 'not json']]],
    ['a row the server rejects before the rest arrives', [['g0', 'x', 1, true, '{}'], ['g0', 'x', 1, true, '{}'], ...Array.from({ length: 20_000 }, (_, i) => [`g${i + 1}`, 'x'.repeat(50), i, true, '{}'])]],
    ['a row the server rejects after many good ones', [...Array.from({ length: 20_000 }, (_, i) => [`f${i}`, 'x'.repeat(50), i, true, '{}']), ['f0', 'x', 1, true, '{}']]],
  ] as const)('%s: rejects, and the transaction rolls back with nothing written', async (_, rows) => {
    const before = await database.sql`select count(*)::int as n from copy_rows_test`;
    await expect(
      database.sql.begin(async (tx) => {
        await tx`insert into copy_rows_test (id, doc) values ('written-before', '{}')`;
        await copyRows(tx, COPY, rows.map((r) => copyLine(r as readonly (string | number | boolean | null)[])).join(''));
      }),
    ).rejects.toThrow(/copy copy_rows_test failed/);
    // The one pooled connection is usable again and nothing of the batch was kept.
    const after = await database.sql`select count(*)::int as n from copy_rows_test`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});
