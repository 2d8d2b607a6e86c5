/**
 * The data-transfer input of an epoch: data credits burned for the packet copies each hotspot
 * carried, from the router's per-copy records (packet_copies), by the copy's receive time in
 * [start, end). Summed in PostgreSQL, one row per hotspot.
 *
 * Completeness: the router commits a copy (and burns its DC) before it forwards the packet, in
 * batches a few milliseconds apart (services/router/src/burn-batcher.ts), so nothing received in
 * the epoch is still in a router's memory once the epoch is due (EPOCH_SETTLE_DELAY_MS after its
 * end, 30 min by default): a copy not committed by then was never paid for nor forwarded.
 */
import type { EpochWindow } from './epoch-window';
import type { HotspotInputRow } from './hotspot-input-row';
import type { Queryable } from './queryable';

export async function dataTransferDc(sql: Queryable, window: EpochWindow): Promise<HotspotInputRow[]> {
  const rows = await sql<{ address: string; dc: bigint }[]>`
    select hotspot_address as address, sum(dc)::int8 as dc from packet_copies
    where received_at_ms >= ${window.startMs} and received_at_ms < ${window.endMs} and dc > 0
    group by hotspot_address`;
  return rows.map((r) => ({ address: r.address, beacons: 0, beaconSharesE8: 0n, witnesses: 0, witnessSharesE8: 0n, dataDc: BigInt(r.dc) }));
}
