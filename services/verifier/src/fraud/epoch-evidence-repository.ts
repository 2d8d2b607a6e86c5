/**
 * Loads one epoch's evidence for the analytics, aggregated in PostgreSQL so memory grows with the
 * number of radio edges, not with the number of witness reports.
 *
 * Edges use the witness reports whose radio numbers mean something: those that passed their
 * checks, or failed only on an RF rule (bad_rssi, sensitivity, SNR, data rate, frequency). Reports
 * that failed on identity, timing or a beacon-level reason say nothing about the link.
 */
import type { Queryable } from '../sql';
import { toNumber, toNumberOrNull } from '../sql';
import type { EdgeEvidence, EpochEvidence, HotspotReportCounts } from './epoch-evidence';

const RF_REASONS = ['bad_rssi', 'rssi_below_sensitivity', 'snr_below_floor', 'invalid_data_rate', 'invalid_frequency'];

export async function loadEpochEvidence(db: Queryable, epoch: number): Promise<EpochEvidence> {
  const edgeRows = await db`
    select v.beaconer_address as beaconer, v.hotspot_address as witness, count(*)::int as n,
      avg(v.p) as mean_p, coalesce(var_samp(v.p), 0) * (count(*) - 1) as ssd,
      avg(v.distance_m)::float8 as distance_m,
      (count(*) filter (where v.reason = 'bad_rssi'))::int as bad_rssi,
      max(b.location_cell) as beaconer_cell, max(v.location_cell) as witness_cell
    from (
      select w.beacon_id, w.beaconer_address, w.hotspot_address, w.distance_m, w.reason, w.location_cell,
        w.expected_max_rssi_dbm::float8 - w.signal_dbm_x10 / 10.0 + 20 * log(greatest(w.distance_m, 1)::float8) as p
      from witness_verdicts w
      where w.epoch = ${epoch} and w.expected_max_rssi_dbm is not null and w.distance_m is not null
        and (w.passed_checks or w.reason = any(${RF_REASONS}::text[]))
    ) v
    join beacon_verdicts b on b.beacon_id = v.beacon_id
    group by v.beaconer_address, v.hotspot_address
    order by v.beaconer_address, v.hotspot_address`;
  const edges: EdgeEvidence[] = edgeRows.map((r) => ({
    beaconer: r.beaconer as string,
    witness: r.witness as string,
    count: toNumber(r.n),
    meanPathLossDb: toNumber(r.mean_p),
    sumSquaredDeviationDb2: toNumber(r.ssd),
    distanceM: toNumber(r.distance_m),
    badRssiCount: toNumber(r.bad_rssi),
    beaconerCell: (r.beaconer_cell as string | null) ?? null,
    witnessCell: (r.witness_cell as string | null) ?? null,
  }));

  const countRows = await db`
    with beacons as (
      select v.hotspot_address,
        count(*)::int as beacons,
        (count(*) filter (where v.reason = 'irregular_interval' and not (v.details ? 'payloadOwnerBeaconId')))::int as extra,
        (count(*) filter (where v.details ? 'payloadOwnerBeaconId'))::int as repeated,
        percentile_cont(0.5) within group (order by (r.reported_timestamp_ns / 1000000) - r.received_at_ms) as clock_offset_ms,
        count(r.id)::int as clock_samples
      from beacon_verdicts v
      left join beacon_reports r on r.id = v.beacon_id
      where v.epoch = ${epoch}
      group by v.hotspot_address
    ),
    duplicates as (
      select hotspot_address, count(*)::int as n from witness_verdicts
      where epoch = ${epoch} and reason = 'duplicate' group by hotspot_address
    ),
    repeats as (
      select hotspot_address, count(*)::int as n from stale_witnesses
      where epoch = ${epoch} and details->>'repeatOfWitnessId' is not null group by hotspot_address
    ),
    hotspots as (
      select hotspot_address from beacons union select hotspot_address from duplicates union select hotspot_address from repeats
    )
    select h.hotspot_address, coalesce(b.beacons, 0) as beacons, coalesce(b.extra, 0) as extra, coalesce(b.repeated, 0) as repeated,
      b.clock_offset_ms, coalesce(b.clock_samples, 0) as clock_samples, coalesce(d.n, 0) as duplicates, coalesce(s.n, 0) as repeats
    from hotspots h
    left join beacons b on b.hotspot_address = h.hotspot_address
    left join duplicates d on d.hotspot_address = h.hotspot_address
    left join repeats s on s.hotspot_address = h.hotspot_address
    order by h.hotspot_address`;
  const counts: HotspotReportCounts[] = countRows.map((r) => ({
    address: r.hotspot_address as string,
    beacons: toNumber(r.beacons),
    extraBeacons: toNumber(r.extra),
    repeatedBeacons: toNumber(r.repeated),
    duplicateWitnesses: toNumber(r.duplicates),
    repeatedWitnesses: toNumber(r.repeats),
    medianClockOffsetMs: toNumberOrNull(r.clock_offset_ms),
    clockSamples: toNumber(r.clock_samples),
  }));
  return { epoch, edges, counts };
}
