/**
 * Loads everything one batch of beacons needs, in a handful of set-based queries inside the
 * batch's transaction, and writes the batch's verdicts back. See sql.ts for why this is raw SQL.
 */
import type { RegistryHotspot } from './hotspot-info';
import { beaconReadyAtMs, reciprocityEvidenceRange, witnessMatchWindow } from './readiness';
import { copyField, copyRows } from './copy-rows';
import { bytes, hex, jsonParam, toNumber, toNumberOrNull, type Queryable } from './sql';
import type { BeaconVerdictRow, StoredBeacon, StoredWitness, WitnessVerdictRow } from './verify-poc';
import type { VerifierSettings } from './verifier-settings';

export interface LoadedBeacon extends StoredBeacon {
  entropy: { timestampSec: number; version: number } | null;
}

/**
 * Locks and returns the batch's beacons, oldest first. Only pending ones unless `includeVerified`;
 * the lock makes a beacon that two workers picked up at once verified exactly once (the second
 * re-reads it as verified after the first commits and skips it).
 */
export async function lockBeacons(db: Queryable, ids: readonly string[], includeVerified: boolean): Promise<LoadedBeacon[]> {
  const rows = await db`
    select b.id, b.hotspot_address, b.received_at_ms, b.payload, b.local_entropy, b.remote_entropy,
           b.frequency_hz, b.data_rate, b.tx_power_dbm, e.timestamp_sec, e.version as entropy_version
    from beacon_reports b
    left join entropy_values e on e.data = b.remote_entropy
    where b.id = any(${ids as string[]}::text[]) and (${includeVerified}::boolean or b.status = 'pending')
    order by b.id
    for update of b`;
  return rows
    .map((r) => ({
      id: r.id as string,
      hotspotAddress: r.hotspot_address as string,
      receivedAtMs: toNumber(r.received_at_ms),
      payload: bytes(r.payload),
      localEntropy: bytes(r.local_entropy),
      remoteEntropy: bytes(r.remote_entropy),
      frequencyHz: toNumber(r.frequency_hz),
      dataRate: r.data_rate as string,
      txPowerDbm: toNumber(r.tx_power_dbm),
      entropy: r.timestamp_sec === null ? null : { timestampSec: toNumber(r.timestamp_sec), version: toNumber(r.entropy_version) },
    }))
    .sort((a, b) => a.receivedAtMs - b.receivedAtMs || (a.id < b.id ? -1 : 1));
}

/** For each payload, the id of the earliest beacon (receive time, then id) that carried it. */
export async function payloadOwners(db: Queryable, payloads: readonly Uint8Array[]): Promise<Map<string, string>> {
  const hexes = [...new Set(payloads.map(hex))];
  const rows = await db`
    select distinct on (payload) encode(payload, 'hex') as payload, id
    from beacon_reports
    where payload in (select decode(p, 'hex') from unnest(${hexes}::text[]) as p)
    order by payload, received_at_ms, id`;
  return new Map(rows.map((r) => [r.payload as string, r.id as string]));
}

/**
 * Witness reports matched to each beacon: same payload, inside the beacon's match window. The
 * join is on payload equality, so each report gets its beacon's payload bytes rather than a copy
 * of the same 51 bytes read back per report.
 */
export async function matchedWitnesses(db: Queryable, beacons: readonly LoadedBeacon[], settings: VerifierSettings): Promise<Map<string, StoredWitness[]>> {
  const result = new Map<string, StoredWitness[]>(beacons.map((b) => [b.id, []]));
  if (beacons.length === 0) return result;
  const payloads = new Map(beacons.map((b) => [b.id, b.payload]));
  const windows = beacons.map((b) => {
    const w = witnessMatchWindow(b.receivedAtMs, b.entropy ? b.entropy.timestampSec * 1000 : null, settings);
    return { beacon_id: b.id, payload: hex(b.payload), from_ms: w.fromMs, to_ms: w.toMs };
  });
  const rows = await db`
    select q.beacon_id, w.id, w.hotspot_address, w.received_at_ms, w.signal_dbm_x10, w.snr_db_x10, w.frequency_hz, w.data_rate
    from jsonb_to_recordset(${jsonParam(windows)}::text::jsonb) as q(beacon_id text, payload text, from_ms bigint, to_ms bigint)
    join witness_reports w on w.payload = decode(q.payload, 'hex') and w.received_at_ms between q.from_ms and q.to_ms`;
  for (const r of rows) {
    result.get(r.beacon_id as string)?.push({
      id: r.id as string,
      hotspotAddress: r.hotspot_address as string,
      receivedAtMs: toNumber(r.received_at_ms),
      payload: payloads.get(r.beacon_id as string)!,
      signalDbmX10: toNumber(r.signal_dbm_x10),
      snrDbX10: toNumber(r.snr_db_x10),
      frequencyHz: toNumber(r.frequency_hz),
      dataRate: r.data_rate as string,
    });
  }
  return result;
}

/** Received time of each beacon's predecessor from the same hotspot (any status), by (receive time, id). */
export async function previousBeacons(db: Queryable, beacons: readonly LoadedBeacon[]): Promise<Map<string, number | null>> {
  if (beacons.length === 0) return new Map();
  const q = beacons.map((b) => ({ id: b.id, hotspot: b.hotspotAddress, at: b.receivedAtMs }));
  const rows = await db`
    select q.id, p.received_at_ms
    from jsonb_to_recordset(${jsonParam(q)}::text::jsonb) as q(id text, hotspot text, at bigint)
    left join lateral (
      select x.received_at_ms from beacon_reports x
      where x.hotspot_address = q.hotspot and (x.received_at_ms < q.at or (x.received_at_ms = q.at and x.id < q.id))
      order by x.received_at_ms desc, x.id desc limit 1
    ) p on true`;
  return new Map(rows.map((r) => [r.id as string, toNumberOrNull(r.received_at_ms)]));
}

export async function registryHotspots(db: Queryable, addresses: Iterable<string>): Promise<Map<string, RegistryHotspot>> {
  const list = [...new Set(addresses)];
  if (list.length === 0) return new Map();
  const rows = await db`
    select address, capability, location_cell, gain_dbi_x10, elevation_m, region
    from hotspots where address = any(${list}::text[])`;
  return new Map(
    rows.map((r) => [
      r.address as string,
      {
        address: r.address as string,
        capability: r.capability as 'full' | 'data_only',
        locationCell: (r.location_cell as string | null) ?? null,
        gainDbiX10: toNumberOrNull(r.gain_dbi_x10),
        elevationM: toNumberOrNull(r.elevation_m),
        region: (r.region as string | null) ?? null,
      },
    ]),
  );
}

/**
 * HIP-106 evidence for beaconers: per beacon, the latest witness report of its hotspot that passed
 * its checks, strictly inside the reciprocity evidence range of the beacon's receive time.
 */
export async function beaconerWitnessEvidence(db: Queryable, beacons: readonly LoadedBeacon[], settings: VerifierSettings): Promise<Map<string, number | null>> {
  if (beacons.length === 0) return new Map();
  const q = beacons.map((b) => {
    const range = reciprocityEvidenceRange(b.receivedAtMs, settings);
    return { id: b.id, hotspot: b.hotspotAddress, after_ms: range.afterMs, before_ms: range.beforeMs };
  });
  const rows = await db`
    select q.id, (
      select v.received_at_ms from witness_verdicts v
      where v.hotspot_address = q.hotspot and v.passed_checks and v.received_at_ms > q.after_ms and v.received_at_ms < q.before_ms
      order by v.received_at_ms desc limit 1
    ) as last_ms
    from jsonb_to_recordset(${jsonParam(q)}::text::jsonb) as q(id text, hotspot text, after_ms bigint, before_ms bigint)`;
  return new Map(rows.map((r) => [r.id as string, toNumberOrNull(r.last_ms)]));
}

/**
 * HIP-106 evidence for witnesses: receive times of each hotspot's beacons that passed their checks
 * and were heard by someone, over the union of the evidence ranges the batch needs (one per 6 h
 * window at most, so a handful per hotspot). Ascending.
 */
export async function witnessBeaconEvidence(db: Queryable, witnesses: readonly StoredWitness[], settings: VerifierSettings): Promise<Map<string, number[]>> {
  const spans = new Map<string, { after_ms: number; before_ms: number }>();
  for (const w of witnesses) {
    const range = reciprocityEvidenceRange(w.receivedAtMs, settings);
    const span = spans.get(w.hotspotAddress);
    if (!span) spans.set(w.hotspotAddress, { after_ms: range.afterMs, before_ms: range.beforeMs });
    else {
      span.after_ms = Math.min(span.after_ms, range.afterMs);
      span.before_ms = Math.max(span.before_ms, range.beforeMs);
    }
  }
  if (spans.size === 0) return new Map();
  const q = [...spans].map(([hotspot, s]) => ({ hotspot, ...s }));
  const rows = await db`
    select q.hotspot, v.received_at_ms
    from jsonb_to_recordset(${jsonParam(q)}::text::jsonb) as q(hotspot text, after_ms bigint, before_ms bigint)
    join beacon_verdicts v on v.hotspot_address = q.hotspot and v.received_at_ms > q.after_ms and v.received_at_ms < q.before_ms
    where v.passed_checks and v.witness_count > 0
    order by v.received_at_ms`;
  const result = new Map<string, number[]>();
  for (const r of rows) {
    const list = result.get(r.hotspot as string) ?? [];
    list.push(toNumber(r.received_at_ms));
    result.set(r.hotspot as string, list);
  }
  return result;
}

const WITNESS_VERDICT_COPY = `copy witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch,
  valid, reason, details, selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell, passed_checks, expected_max_rssi_dbm) from stdin`;

/** A witness verdict as a COPY line, in WITNESS_VERDICT_COPY's column order. */
export function witnessVerdictLine(w: WitnessVerdictRow): string {
  // One template instead of copyLine's array: this runs 5,000 times a batch. Booleans and
  // numbers need no escaping; copyField handles text, nulls and the details JSON.
  return `${copyField(w.beaconId)}\t${copyField(w.witnessId)}\t${copyField(w.hotspotAddress)}\t${copyField(w.beaconerAddress)}\t${copyField(w.receivedAtMs)}\t${copyField(w.epoch)}\t${copyField(w.valid)}\t${copyField(w.reason)}\t${copyField(JSON.stringify(w.details))}\t${copyField(w.selected)}\t${copyField(w.signalDbmX10)}\t${copyField(w.snrDbX10)}\t${copyField(w.distanceM)}\t${copyField(w.locationCell)}\t${copyField(w.passedChecks)}\t${copyField(w.expectedMaxRssiDbm)}\n`;
}

/** The same rows as one jsonb document, for databases without COPY FROM STDIN (embedded mode). */
async function insertWitnessVerdicts(db: Queryable, witnesses: readonly WitnessVerdictRow[]): Promise<void> {
  const rows = witnesses.map((w) => ({
    beacon_id: w.beaconId,
    witness_id: w.witnessId,
    hotspot_address: w.hotspotAddress,
    beaconer_address: w.beaconerAddress,
    received_at_ms: w.receivedAtMs,
    epoch: w.epoch,
    valid: w.valid,
    reason: w.reason,
    details: w.details,
    selected: w.selected,
    signal_dbm_x10: w.signalDbmX10,
    snr_db_x10: w.snrDbX10,
    distance_m: w.distanceM,
    location_cell: w.locationCell,
    passed_checks: w.passedChecks,
    expected_max_rssi_dbm: w.expectedMaxRssiDbm,
  }));
  await db`
    insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason,
      details, selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell, passed_checks, expected_max_rssi_dbm)
    select * from jsonb_to_recordset(${jsonParam(rows)}::text::jsonb) as r(beacon_id text, witness_id text, hotspot_address text,
      beaconer_address text, received_at_ms bigint, epoch integer, valid boolean, reason text, details jsonb, selected boolean,
      signal_dbm_x10 integer, snr_db_x10 integer, distance_m integer, location_cell text, passed_checks boolean, expected_max_rssi_dbm real)`;
}

/**
 * Writes a batch's verdicts. Beacon verdicts are upserted, rewriting every column but
 * verified_at_ms; the witness verdicts of the batch's beacons are deleted and written again. The
 * content is freshly computed and deterministic, so verifying the same beacons again leaves
 * identical rows. Claimed witnesses lose any stale record they had. The beacons are marked
 * verified.
 */
export async function writeVerdicts(
  db: Queryable,
  beacons: readonly BeaconVerdictRow[],
  witnesses: readonly WitnessVerdictRow[],
  verifiedAtMs: number,
  options: { copy: boolean },
): Promise<void> {
  if (beacons.length > 0) {
    const rows = beacons.map((b) => ({
      beacon_id: b.beaconId,
      hotspot_address: b.hotspotAddress,
      received_at_ms: b.receivedAtMs,
      epoch: b.epoch,
      valid: b.valid,
      reason: b.reason,
      details: b.details,
      location_cell: b.locationCell,
      witness_count: b.witnessCount,
      valid_witness_count: b.validWitnessCount,
      selected_witness_count: b.selectedWitnessCount,
      denylist_version: b.denylistVersion,
      passed_checks: b.passedChecks,
    }));
    await db`
      insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell,
        witness_count, valid_witness_count, selected_witness_count, denylist_version, passed_checks, verified_at_ms)
      select beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell,
        witness_count, valid_witness_count, selected_witness_count, denylist_version, passed_checks, ${verifiedAtMs}::bigint
      from jsonb_to_recordset(${jsonParam(rows)}::text::jsonb) as r(beacon_id text, hotspot_address text, received_at_ms bigint,
        epoch integer, valid boolean, reason text, details jsonb, location_cell text, witness_count integer,
        valid_witness_count integer, selected_witness_count integer, denylist_version integer, passed_checks boolean)
      on conflict (beacon_id) do update set
        hotspot_address = excluded.hotspot_address, received_at_ms = excluded.received_at_ms, epoch = excluded.epoch,
        valid = excluded.valid, reason = excluded.reason, details = excluded.details, location_cell = excluded.location_cell,
        witness_count = excluded.witness_count, valid_witness_count = excluded.valid_witness_count,
        selected_witness_count = excluded.selected_witness_count, denylist_version = excluded.denylist_version,
        passed_checks = excluded.passed_checks`;
  }
  // Witness verdicts are replaced rather than upserted: every verdict of these beacons is
  // recomputed in this batch, and a plain COPY costs PostgreSQL about half of an upsert from jsonb.
  const ids = beacons.map((b) => b.beaconId);
  await db`delete from witness_verdicts where beacon_id = any(${ids}::text[])`;
  if (witnesses.length > 0) {
    if (options.copy) await copyRows(db, WITNESS_VERDICT_COPY, witnesses.map(witnessVerdictLine).join(''));
    else await insertWitnessVerdicts(db, witnesses);
    const claimed = witnesses.map((w) => w.witnessId);
    // A join, not `= any(array)`: PostgreSQL plans a 5,000-element constant array element by
    // element (tens of ms per batch), a joined unnest in well under one.
    await db`delete from stale_witnesses s using unnest(${claimed}::text[]) as c(id) where s.witness_id = c.id`;
  }
  await db`
    update beacon_reports set status = 'verified', verified_at_ms = coalesce(verified_at_ms, ${verifiedAtMs}::bigint)
    where id = any(${ids}::text[])`;
}

/**
 * Pending beacons whose window has closed and that no poller holds a live claim on, oldest first,
 * at most `frontierAheadMs` past the oldest pending beacon (see readiness.ts). Claimed beacons
 * still count for the frontier: they are pending until their batch commits.
 */
export async function readyBeaconIds(db: Queryable, nowMs: number, settings: VerifierSettings, frontierAheadMs: number, limit: number): Promise<string[]> {
  // Cheapest readiness bound first (a beacon is never ready before receipt + allowance); the exact
  // one (entropy window) is checked per row.
  const latestReceivedMs = nowMs - settings.witnessLagAllowanceMs;
  const rows = await db`
    with frontier as (
      select coalesce(min(received_at_ms), ${nowMs}::bigint) as oldest_ms from beacon_reports where status = 'pending'
    )
    select b.id, b.received_at_ms, e.timestamp_sec
    from beacon_reports b
    cross join frontier f
    left join entropy_values e on e.data = b.remote_entropy
    where b.status = 'pending'
      and b.received_at_ms <= ${latestReceivedMs}::bigint
      and b.received_at_ms < f.oldest_ms + ${frontierAheadMs}::bigint
      and (b.claimed_until_ms is null or b.claimed_until_ms <= ${nowMs}::bigint)
    order by b.received_at_ms, b.id
    limit ${limit * 4}`;
  const ready: string[] = [];
  for (const r of rows) {
    const entropyStartMs = r.timestamp_sec === null ? null : toNumber(r.timestamp_sec) * 1000;
    if (beaconReadyAtMs(toNumber(r.received_at_ms), entropyStartMs, settings) <= nowMs) ready.push(r.id as string);
    if (ready.length >= limit) break;
  }
  return ready;
}

/**
 * Claims those of `ids` that are still pending and unclaimed (or whose claim has expired) until
 * `claimUntilMs`, and returns them in the order given. One statement: of two pollers racing for the
 * same beacons each row goes to one, as a row another transaction holds (a racing claim, or a batch
 * verifying it) is skipped rather than waited for, and a row claimed meanwhile fails the re-checked
 * condition under its lock.
 */
export async function claimBeacons(db: Queryable, ids: readonly string[], nowMs: number, claimUntilMs: number): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db`
    update beacon_reports b set claimed_until_ms = ${claimUntilMs}::bigint
    where b.id in (
      select id from beacon_reports
      where id = any(${ids as string[]}::text[]) and status = 'pending' and (claimed_until_ms is null or claimed_until_ms <= ${nowMs}::bigint)
      for update skip locked
    )
    returning b.id`;
  const claimed = new Set(rows.map((r) => r.id as string));
  return ids.filter((id) => claimed.has(id));
}

/**
 * Of the claims a poller holds (id -> the claimedUntilMs it set), those still pending under that
 * very claim and not expired: what it still has out on the queue.
 */
export async function liveClaims(db: Queryable, claims: ReadonlyMap<string, number>, nowMs: number): Promise<Set<string>> {
  if (claims.size === 0) return new Set();
  const rows = await db`
    select id, claimed_until_ms from beacon_reports
    where id = any(${[...claims.keys()]}::text[]) and status = 'pending' and claimed_until_ms > ${nowMs}::bigint`;
  return new Set(rows.filter((r) => toNumber(r.claimed_until_ms) === claims.get(r.id as string)).map((r) => r.id as string));
}
