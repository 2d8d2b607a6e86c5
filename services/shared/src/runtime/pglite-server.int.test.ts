import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { endsWithSync, leavesUnnamedStatementPending } from './pglite-server';
import { withTimeout } from './with-timeout';

describe('embedded PostgreSQL server under concurrent clients', () => {
  let server: EmbeddedPostgres;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({ port: 0, maxConnections: 40 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps every client its own unnamed statements, named statements and transactions', async () => {
    // prepare:false makes postgres.js describe unnamed statements in one round trip and bind them
    // in the next: the interleaving that broke the per-message multiplexer.
    const unnamed = postgres(server.url, { max: 6, prepare: false, onnotice: () => {} });
    const named = postgres(server.url, { max: 6, prepare: true, onnotice: () => {} });
    const nodePg = new pg.Pool({ connectionString: server.url, max: 4 });
    await named`create table if not exists counters (id int primary key, n int not null)`;
    await named`insert into counters values (1, 0) on conflict do nothing`;
    try {
      const jobs: Promise<void>[] = [];
      for (let i = 0; i < 60; i++) {
        jobs.push(unnamed`select ${i}::int + ${1}::int as x, ${'t' + i}::text as s`.then(([r]) => void expect([r!.x, r!.s]).toEqual([i + 1, `t${i}`])));
        jobs.push(named`select ${i}::int * ${2}::int as x`.then(([r]) => void expect(r!.x).toBe(i * 2)));
        jobs.push(nodePg.query('select $1::int - $2::int as x', [i, 1]).then((r) => void expect(r.rows[0].x).toBe(i - 1)));
        if (i % 6 === 0)
          jobs.push(
            named.begin(async (tx) => {
              const [c] = await tx`select n from counters where id = 1 for update`;
              await tx`update counters set n = ${c!.n + 1} where id = 1`;
            }).then(() => undefined),
          );
      }
      await Promise.all(jobs);
      const [c] = await named`select n from counters where id = 1`;
      expect(c!.n).toBe(10);
    } finally {
      await unnamed.end();
      await named.end();
      await nodePg.end();
    }
  });

  it("does not let one client's failed describe swallow other clients' queries", async () => {
    // A query that fails at Parse in a describe-only round trip (ending in Flush, not Sync) leaves
    // the one backend session skipping messages until a Sync; the client sends that Sync only once
    // the error reaches it. Another client's query run in between was skipped whole: it got a bare
    // ReadyForQuery and never settled (a table renamed away by a test hung a node's shutdown).
    const failing = postgres(server.url, { max: 2, prepare: false, onnotice: () => {} });
    const others = postgres(server.url, { max: 8, prepare: false, onnotice: () => {} });
    try {
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) {
        jobs.push(expect(failing`select * from no_such_table where id = ${i}::int`).rejects.toThrow('does not exist'));
        for (let j = 0; j < 4; j++) jobs.push(others`select ${i}::int + ${j}::int as x`.then(([r]) => void expect(r!.x).toBe(i + j)));
      }
      const settled = await withTimeout(Promise.all(jobs).then(() => 'settled'), 20_000, () => 'some queries never settled');
      expect(settled).toBe('settled');
      // The failing client's connections are still usable.
      expect(await failing`select ${7}::int as x`).toEqual([{ x: 7 }]);
    } finally {
      await failing.end({ timeout: 1 });
      await others.end({ timeout: 1 });
    }
  });

  it('rolls back the transaction of a client that disconnects in the middle of it', async () => {
    const a = new pg.Client({ connectionString: server.url });
    a.on('error', () => {}); // the abrupt end below is the point of the test
    await a.connect();
    await a.query('create table if not exists notes (t text)');
    await a.query('begin');
    await a.query(`insert into notes values ('never committed')`);
    // The client vanishes without COMMIT or ROLLBACK (a crash, a dropped link).
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const b = postgres(server.url, { max: 1, onnotice: () => {} });
    expect(await b`select count(*)::int as n from notes`).toEqual([{ n: 0 }]);
    await b.end();
  });
});

describe('protocol units', () => {
  const msg = (type: string, body: number[]) => {
    const b = Buffer.alloc(5 + body.length);
    b.write(type, 0);
    b.writeInt32BE(4 + body.length, 1);
    Buffer.from(body).copy(b, 5);
    return b;
  };
  it('spots a describe-only round trip on the unnamed statement', () => {
    const parseUnnamed = msg('P', [0, 0x73, 0, 0, 0]);
    const parseNamed = msg('P', [0x61, 0, 0x73, 0, 0, 0]);
    const execute = msg('E', [0, 0, 0, 0, 0]);
    const sync = msg('S', []);
    expect(leavesUnnamedStatementPending(Buffer.concat([parseUnnamed, msg('D', [0x53, 0]), sync]))).toBe(true);
    expect(leavesUnnamedStatementPending(Buffer.concat([parseUnnamed, execute, sync]))).toBe(false);
    expect(leavesUnnamedStatementPending(Buffer.concat([parseNamed, sync]))).toBe(false);
  });
  it('tells a unit that ends the exchange (Sync, Query) from one that leaves it open (Flush)', () => {
    const parseUnnamed = msg('P', [0, 0x73, 0, 0, 0]);
    const describe = msg('D', [0x53, 0]);
    expect(endsWithSync(Buffer.concat([parseUnnamed, describe, msg('S', [])]))).toBe(true);
    expect(endsWithSync(msg('Q', [0x73, 0]))).toBe(true);
    expect(endsWithSync(Buffer.concat([parseUnnamed, describe, msg('H', [])]))).toBe(false);
  });
});
