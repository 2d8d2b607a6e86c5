/**
 * Keeps the per-route packet log (routed_packets, the "recent packets" view) to its retention
 * period. Bought-copy records are not pruned: data-transfer rewards are computed from them.
 * Deletes in bounded chunks so a long backlog never holds one huge transaction.
 */
import type { Sql } from '@cov/shared/db/client';

const CHUNK_ROWS = 10_000;

export async function pruneRoutedPackets(sql: Sql, olderThanMs: number): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await sql`
      delete from routed_packets where id in (
        select id from routed_packets where received_at_ms < ${olderThanMs} order by received_at_ms limit ${CHUNK_ROWS})`;
    total += result.count;
    if (result.count < CHUNK_ROWS) return total;
  }
}
