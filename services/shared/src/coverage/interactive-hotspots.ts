/**
 * HIP-17 "interactive" hotspots at a moment: a valid beacon with at least one valid witness
 * received in [atMs - windowMs, atMs). One definition for the rewarder's density scaling, the
 * coverage map and the hex list, so their counts never disagree. Each hotspot contributes the cell
 * it had asserted at its latest such beacon (what the verifier recorded), so a recomputation of a
 * past epoch uses the same cells even after a hotspot moved.
 */
import type postgres from 'postgres';

/** HIP-17's interactivity window. */
export const INTERACTIVITY_WINDOW_MS = 60 * 3_600_000;

export interface InteractiveHotspot {
  address: string;
  cell: string;
}

export async function interactiveHotspotsAt(sql: postgres.ISql, atMs: number, windowMs: number, epochLengthMs: number): Promise<InteractiveHotspot[]> {
  const fromMs = atMs - windowMs;
  // The epoch bounds only let the planner use the (epoch) index; received_at_ms decides.
  const fromEpoch = Math.max(0, Math.floor(fromMs / epochLengthMs));
  const toEpoch = Math.floor(atMs / epochLengthMs);
  return sql<InteractiveHotspot[]>`
    select distinct on (hotspot_address) hotspot_address as address, location_cell as cell
    from beacon_verdicts
    where epoch between ${fromEpoch} and ${toEpoch}
      and received_at_ms >= ${fromMs} and received_at_ms < ${atMs}
      and valid and valid_witness_count > 0 and location_cell is not null
    order by hotspot_address, received_at_ms desc, beacon_id desc`;
}
