/**
 * What each hotspot was paid in one epoch (beacon + witness + data, token base units), from the
 * rewarder's `hotspot_epoch_rewards` rows: the spread the rewarder records, the hexes of the
 * coverage map and a hotspot's status all read it. Hotspots paid nothing have no row, so no entry.
 */
import type postgres from 'postgres';

/** The latest paid epoch, or null while none is. */
export async function latestPaidEpoch(sql: postgres.ISql): Promise<number | null> {
  const [row] = await sql<{ epoch: number | null }[]>`select max(epoch) as epoch from reward_epochs`;
  return row?.epoch ?? null;
}

/** Each paid hotspot's total in `epoch`: all of them, or only those of `addresses`. */
export async function epochTotals(sql: postgres.ISql, epoch: number, addresses?: readonly string[]): Promise<Map<string, bigint>> {
  if (addresses !== undefined && addresses.length === 0) return new Map();
  const rows = await sql<{ a: string; t: string }[]>`
    select hotspot_address as a, (beacon_amount + witness_amount + data_amount)::text as t from hotspot_epoch_rewards
    where epoch = ${epoch} ${addresses === undefined ? sql`` : sql`and hotspot_address = any(${addresses as string[]})`}`;
  return new Map(rows.map((r) => [r.a, BigInt(r.t)]));
}
