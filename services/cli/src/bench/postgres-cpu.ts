/**
 * CPU used by the PostgreSQL processes working on one database (backends, autovacuum workers), by
 * pid, read from /proc: benchmarks report PostgreSQL's share of the work per item beside their rates.
 * Empty where the server runs on another host.
 */
import type postgres from 'postgres';
import { processCpuMs } from '@cov/shared/runtime/proc-cpu';

/** CPU ms by pid of the processes on `dbName` (default: the connection's own database). */
export async function postgresCpuMs(sql: postgres.Sql, dbName?: string): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = coalesce(${dbName ?? null}::text, current_database())`;
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) out.set(pid, ms);
  }
  return out;
}

/** CPU ms spent between two readings (processes that appeared count from zero). */
export function cpuSpentMs(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
