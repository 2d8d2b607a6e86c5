/**
 * Lets PostgreSQL finish the background work a benchmark phase left behind before the next phase
 * is measured: a phase that routes 100,000 uplinks leaves dead journal rows and fresh log rows
 * that autovacuum would otherwise clean up in the middle of the next phase, on the same two cores,
 * and a latency phase would measure that cleanup instead of the router. Vacuums the database's
 * tables itself, then waits (up to `timeoutMs`) until no autovacuum worker is busy on it.
 * Returns what it did, for the log.
 */
import type postgres from 'postgres';

export async function quiescePostgres(db: postgres.Sql, admin: postgres.Sql, dbName: string, timeoutMs = 60_000): Promise<{ vacuumMs: number; waitedMs: number }> {
  const started = performance.now();
  await db.unsafe('vacuum (analyze)');
  const vacuumMs = performance.now() - started;
  const waitStart = performance.now();
  while (performance.now() - waitStart < timeoutMs) {
    const [row] = await admin<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = ${dbName} and backend_type = 'autovacuum worker'`;
    if (!row || row.n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { vacuumMs, waitedMs: performance.now() - waitStart };
}
