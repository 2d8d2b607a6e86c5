/**
 * Reads an epoch's PoC inputs from the verifier's tables. The heavy part, the per-witness shares,
 * is aggregated inside PostgreSQL: witness rows never reach the process, so its memory depends on
 * the number of hotspots, not on the number of witness reports.
 *
 * A PoC belongs to the epoch of its beacon (beacon_verdicts.epoch), and so do its witnesses, even a
 * witness received just after the boundary.
 */
import type { HotspotCell } from './density-cells';
import type { EpochWindow } from './epoch-window';
import type { HotspotInputRow } from './hotspot-input-row';
import type { Queryable } from './queryable';

/** Beacon reports received in the window and not verified yet: the epoch's PoC inputs are incomplete. */
export async function countPendingBeacons(sql: Queryable, window: EpochWindow): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from beacon_reports
    where status = 'pending' and received_at_ms >= ${window.startMs} and received_at_ms < ${window.endMs}`;
  return row?.n ?? 0;
}

/** Earliest time any reward input was received (beacon reports, verdicts, packet copies), or undefined. */
export async function firstInputTimeMs(sql: Queryable): Promise<number | undefined> {
  const [row] = await sql<{ t: string | null }[]>`
    select least(
      (select min(received_at_ms) from beacon_reports),
      (select min(received_at_ms) from beacon_verdicts),
      (select min(received_at_ms) from packet_copies)
    )::text as t`;
  return row?.t ? Number(row.t) : undefined;
}

export async function maxSelectedWitnesses(sql: Queryable, epoch: number): Promise<number> {
  const [row] = await sql<{ w: number | null }[]>`
    select max(selected_witness_count)::int as w from beacon_verdicts where epoch = ${epoch} and valid`;
  return row?.w ?? 0;
}

export interface PocShares {
  rows: HotspotInputRow[];
  rewardedBeacons: number;
  rewardedWitnesses: number;
}

export interface UnitsRow {
  witnesses: number;
  beaconUnitsE4: number;
  perWitnessUnitsE4: number;
}

/**
 * Per hotspot: Σ beaconer scale × beacon units over its rewarded beacons, and Σ beaconer scale ×
 * witness units over its valid selected witnesses. The density map (cell → scale × 10^4) and the
 * HIP-15 unit table (w → units × 10^4) are computed in the process and handed over as temporary
 * tables; a beacon whose cell is not in the map gets the default scale. Must run in a transaction
 * (the temporary tables are dropped at commit).
 */
export async function pocShares(
  sql: Queryable,
  epoch: number,
  scales: { cells: string[]; scalesE4: number[] },
  units: readonly UnitsRow[],
  defaultScaleE4: number,
): Promise<PocShares> {
  await sql`create temporary table if not exists rewarder_cell_scales (cell text primary key, scale_e4 int not null) on commit drop`;
  await sql`create temporary table if not exists rewarder_units (w int primary key, beacon_e4 int not null, witness_e4 int not null) on commit drop`;
  await sql`truncate rewarder_cell_scales, rewarder_units`;
  const chunk = 50_000;
  for (let i = 0; i < scales.cells.length; i += chunk) {
    await sql`insert into rewarder_cell_scales (cell, scale_e4)
      select * from unnest(${sql.array(scales.cells.slice(i, i + chunk))}::text[], ${sql.array(scales.scalesE4.slice(i, i + chunk))}::int[])`;
  }
  if (units.length > 0) {
    await sql`insert into rewarder_units (w, beacon_e4, witness_e4)
      select * from unnest(${sql.array(units.map((u) => u.witnesses))}::int[], ${sql.array(units.map((u) => u.beaconUnitsE4))}::int[], ${sql.array(units.map((u) => u.perWitnessUnitsE4))}::int[])`;
  }
  await sql`analyze rewarder_cell_scales`;
  await sql`analyze rewarder_units`;

  const rows = await sql<{ address: string; beacons: number; beacon_shares: bigint; witnesses: number; witness_shares: bigint }[]>`
    with pocs as materialized (
      select b.beacon_id, b.hotspot_address,
             coalesce(s.scale_e4, ${defaultScaleE4}::int)::int8 as scale_e4, u.beacon_e4, u.witness_e4
      from beacon_verdicts b
      join rewarder_units u on u.w = b.selected_witness_count
      left join rewarder_cell_scales s on s.cell = b.location_cell
      where b.epoch = ${epoch} and b.valid
    ),
    beacon_side as (
      select hotspot_address, count(*)::int as beacons, sum(scale_e4 * beacon_e4)::int8 as shares
      from pocs group by hotspot_address
    ),
    witness_side as (
      select w.hotspot_address, count(*)::int as witnesses, sum(p.scale_e4 * p.witness_e4)::int8 as shares
      from witness_verdicts w join pocs p on p.beacon_id = w.beacon_id
      where w.epoch between ${epoch} and ${epoch + 1} and w.valid and w.selected
      group by w.hotspot_address
    )
    select coalesce(b.hotspot_address, w.hotspot_address) as address,
           coalesce(b.beacons, 0) as beacons, coalesce(b.shares, 0::int8) as beacon_shares,
           coalesce(w.witnesses, 0) as witnesses, coalesce(w.shares, 0::int8) as witness_shares
    from beacon_side b full join witness_side w on w.hotspot_address = b.hotspot_address`;

  let rewardedBeacons = 0;
  let rewardedWitnesses = 0;
  const out: HotspotInputRow[] = rows.map((r) => {
    rewardedBeacons += r.beacons;
    rewardedWitnesses += r.witnesses;
    return { address: r.address, beacons: r.beacons, beaconSharesE8: BigInt(r.beacon_shares), witnesses: r.witnesses, witnessSharesE8: BigInt(r.witness_shares), dataDc: 0n };
  });
  return { rows: out, rewardedBeacons, rewardedWitnesses };
}

/**
 * Distinct (hotspot, cell) of the epoch's rewarded beacons: valid, with at least one valid selected
 * witness (the beacons `pocShares` pays), in the cell the verifier recorded for each.
 */
export async function rewardedBeaconCells(sql: Queryable, epoch: number): Promise<HotspotCell[]> {
  return sql<HotspotCell[]>`
    select distinct hotspot_address as address, location_cell as cell
    from beacon_verdicts
    where epoch = ${epoch} and valid and selected_witness_count > 0 and location_cell is not null`;
}

/** Fraud flags raised for the epoch: hotspot → flag kinds. */
export async function fraudFlagsOf(sql: Queryable, epoch: number): Promise<Map<string, string[]>> {
  const rows = await sql<{ address: string; kind: string }[]>`
    select hotspot_address as address, kind from fraud_flags where epoch = ${epoch}`;
  const flags = new Map<string, string[]>();
  for (const r of rows) flags.set(r.address, [...(flags.get(r.address) ?? []), r.kind]);
  return flags;
}

/** Name of the verifier's cursor: fraud analytics are written for every epoch ending at or before it. */
export const FRAUD_ANALYSIS_CURSOR = 'fraud_analysis';

/**
 * Why the epoch's fraud flags may still be missing, or undefined once the verifier's fraud
 * analytics have covered the epoch (its cursor is at or past the epoch end). An epoch without any
 * verdict has nothing to analyse and never waits.
 */
export async function fraudAnalysisPending(sql: Queryable, window: EpochWindow): Promise<string | undefined> {
  const [row] = await sql<{ through: string | null; verdicts: boolean }[]>`
    select (select value_ms::text from verifier_cursors where name = ${FRAUD_ANALYSIS_CURSOR}) as through,
           exists (select 1 from beacon_verdicts where epoch = ${window.epoch}) as verdicts`;
  if (!row?.verdicts) return undefined;
  const through = row.through === null ? undefined : Number(row.through);
  if (through !== undefined && through >= window.endMs) return undefined;
  return through === undefined ? 'the verifier has not analysed any epoch for fraud yet' : `the verifier's fraud analytics cover epochs ending up to ${through} only`;
}
