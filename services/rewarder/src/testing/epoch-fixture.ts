/**
 * Test data for integration tests of the rewarder and the rewards API: a small network registered
 * in the hotspot registry with asserted locations, and one epoch of verifier verdicts, fraud flags
 * and router packet copies written straight into the tables the rewarder reads. The same plan also
 * yields the expected shares by a deliberately naive in-memory computation (referenceShares), which
 * the tests compare with what the SQL aggregation produced.
 *
 * Layout: three hotspots in one res-12 cell in Paris (scale 0.3333 each), two in different res-11
 * cells of one res-10 cell in Lyon (0.5 each), lone hotspots in Berlin, Madrid, Rome, Vienna (1.0),
 * a hotspot whose beacons are never validly witnessed (not interactive), a flagged one, a
 * data-only hotspot that only carries packets, and two that moved during the epoch: `mover` beaconed
 * from Lisbon before asserting Oslo (alone in both), `nudged` from another res-12 cell of the
 * res-11 cell it then asserted in Prague.
 */
import { createHash } from 'node:crypto';
import { cellToCenterChild, cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import type { Sql } from '@cov/shared/db/client';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { computeHexDensity } from '@cov/shared/rewards/hex-density';
import type { DensityCellsRule } from '../parameter-set';
import { pocRewardUnits } from '@cov/shared/rewards/reward-units';

export const DAY_MS = 86_400_000;

export interface FixtureHotspot {
  label: string;
  address: string;
  binaryKey: Uint8Array;
  cell: string;
  region: string;
}

interface PlannedWitness {
  hotspot: string;
  valid: boolean;
  selected: boolean;
  /** Received after the epoch end (still this PoC's). */
  late?: boolean;
}

interface PlannedBeacon {
  id: string;
  beaconer: string;
  epoch: number;
  offsetMs: number;
  valid: boolean;
  witnesses: PlannedWitness[];
  /** Where the beaconer stood, when not at its (latest) asserted cell: it moved since. */
  cell?: string;
}

export interface EpochFixture {
  epoch: number;
  hotspots: Record<string, FixtureHotspot>;
  beacons: PlannedBeacon[];
  flagged: string[];
  /** label → DC carried in the epoch. */
  dataDc: Record<string, number>;
  insert(sql: Sql, epochLengthMs?: number): Promise<void>;
}

const hexId = (text: string): string => createHash('sha256').update(text).digest('hex');

function cellsOfLayout(): Record<string, string> {
  const paris = latLngToCell(48.8566, 2.3522, 12);
  const lyon10 = cellToParent(latLngToCell(45.764, 4.8357, 12), 10);
  const [lyonA, lyonB] = cellToChildren(lyon10, 11);
  return {
    p0: paris,
    p1: paris,
    p2: paris,
    l0: cellToCenterChild(lyonA!, 12),
    l1: cellToCenterChild(lyonB!, 12),
    berlin: latLngToCell(52.52, 13.405, 12),
    madrid: latLngToCell(40.4168, -3.7038, 12),
    rome: latLngToCell(41.9028, 12.4964, 12),
    vienna: latLngToCell(48.2082, 16.3738, 12),
    quiet: latLngToCell(50.8503, 4.3517, 12), // Brussels
    cheat: latLngToCell(47.3769, 8.5417, 12), // Zurich
    data: latLngToCell(53.3498, -6.2603, 12), // Dublin
    mover: latLngToCell(59.9139, 10.7522, 12), // Oslo, asserted after beaconing from Lisbon
    nudged: latLngToCell(50.0755, 14.4378, 12), // Prague
  };
}

export function epochFixture(epoch: number, labelPrefix = 'rewarder-fixture'): EpochFixture {
  const cells = cellsOfLayout();
  const hotspots: Record<string, FixtureHotspot> = {};
  for (const [label, cell] of Object.entries(cells)) {
    const kp = keypairFromLabel(`${labelPrefix}/${label}`);
    hotspots[label] = { label, address: kp.address, binaryKey: kp.binaryKey, cell, region: 'EU868' };
  }
  const w = (hotspot: string, valid = true, selected = valid, late = false): PlannedWitness => ({ hotspot, valid, selected, late });
  const hour = 3_600_000;
  const beacons: PlannedBeacon[] = [];
  const beacon = (beaconer: string, e: number, offsetMs: number, witnesses: PlannedWitness[], valid = true, cell?: string) =>
    beacons.push({ id: hexId(`${labelPrefix}/beacon/${beacons.length}`), beaconer, epoch: e, offsetMs, valid, witnesses, cell });
  const lisbon = latLngToCell(38.7223, -9.1393, 12);
  const pragueNextDoor = cellToChildren(cellToParent(cells.nudged!, 11), 12).find((c) => c !== cells.nudged)!;

  // Epoch under test.
  beacon('p0', epoch, 1 * hour, [w('berlin'), w('madrid'), w('l0')]);
  beacon('p1', epoch, 2 * hour, [w('rome'), w('vienna')]);
  beacon('p2', epoch, 3 * hour, [w('berlin'), w('madrid'), w('rome'), w('vienna'), w('l1'), w('quiet')]);
  beacon('l0', epoch, 4 * hour, [w('p0'), w('p1'), w('berlin', false), w('madrid', true, false)]);
  beacon('l1', epoch, 5 * hour, [w('p2')]);
  beacon('berlin', epoch, 6 * hour, [w('p0'), w('p1'), w('p2'), w('l0'), w('l1'), w('vienna'), w('rome')]);
  beacon('madrid', epoch, 7 * hour, [w('rome'), w('cheat')]);
  beacon('rome', epoch, 8 * hour, [w('madrid'), w('berlin'), w('vienna'), w('quiet')]);
  beacon('vienna', epoch, 9 * hour, [w('berlin'), w('rome')], false); // invalid beacon: pays nobody
  beacon('vienna', epoch, 15 * hour, [w('berlin'), w('rome'), w('cheat')]);
  beacon('quiet', epoch, 10 * hour, [w('berlin', false), w('rome', false)]); // no valid witness: not interactive
  beacon('cheat', epoch, 11 * hour, [w('madrid'), w('rome'), w('vienna')]);
  beacon('berlin', epoch, 23 * hour + 59 * 60_000 + 59_000, [w('madrid', true, true, true)]); // its witness arrives after the boundary
  beacon('mover', epoch, 2 * hour + 30 * 60_000, [w('madrid'), w('rome')], true, lisbon); // before its move
  beacon('mover', epoch, 14 * hour, [w('berlin'), w('vienna'), w('p0')]);
  beacon('nudged', epoch, 3 * hour + 30 * 60_000, [w('vienna'), w('berlin')], true, pragueNextDoor);
  beacon('nudged', epoch, 16 * hour, [w('vienna')]);
  // The day before, within the 60 h interactivity window, and three days before, outside it.
  beacon('quiet', epoch - 1, 12 * hour, [w('berlin', false)]);
  beacon('data', epoch - 3, 12 * hour, [w('berlin')]);
  beacon('madrid', epoch - 1, 20 * hour, [w('berlin')]);

  return {
    epoch,
    hotspots,
    beacons,
    flagged: ['cheat'],
    dataDc: { data: 1200, berlin: 35 },
    async insert(sql, epochLengthMs = DAY_MS) {
      await insertFixture(sql, this, epochLengthMs, labelPrefix);
    },
  };
}

async function insertFixture(sql: Sql, fx: EpochFixture, epochLengthMs: number, labelPrefix: string): Promise<void> {
  const [maker] = await sql<{ id: string }[]>`
    insert into makers (name, created_at) values (${`${labelPrefix} maker`}, now()) returning id`;
  for (const h of Object.values(fx.hotspots)) {
    const eui = hexId(h.address).slice(0, 16).toUpperCase();
    await sql`
      insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, location_cell, location_cell_res8,
        gain_dbi_x10, elevation_m, region, assert_nonce, location_asserted_at, onboarded_at)
      values (${h.address}, ${Buffer.from(h.binaryKey)}, ${keypairFromLabel(`${labelPrefix}/owner`).address}, ${maker!.id},
        ${h.label === 'data' ? 'data_only' : 'full'}, ${eui}, ${h.cell}, ${cellToParent(h.cell, 8)}, 30, 10, ${h.region}, 1, now(), now())`;
  }
  const addr = (label: string) => fx.hotspots[label]!.address;
  for (const b of fx.beacons) {
    const receivedAtMs = b.epoch * epochLengthMs + Math.min(b.offsetMs, epochLengthMs - 1);
    const valid = b.witnesses.filter((x) => x.valid);
    const selected = valid.filter((x) => x.selected);
    await sql`
      insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell,
        witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms)
      values (${b.id}, ${addr(b.beaconer)}, ${receivedAtMs}, ${b.epoch}, ${b.valid}, ${b.valid ? null : 'bad_rssi'}, ${"{}"}::jsonb,
        ${b.cell ?? fx.hotspots[b.beaconer]!.cell}, ${b.witnesses.length}, ${b.valid ? valid.length : 0}, ${b.valid ? selected.length : 0}, 0, ${receivedAtMs + 200_000})`;
    for (const [i, x] of b.witnesses.entries()) {
      const at = receivedAtMs + 500 + i;
      const witnessAt = x.late ? (b.epoch + 1) * epochLengthMs + 100 : at;
      await sql`
        insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details,
          selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell)
        values (${b.id}, ${hexId(`${b.id}/${i}`)}, ${addr(x.hotspot)}, ${addr(b.beaconer)}, ${witnessAt}, ${Math.floor(witnessAt / epochLengthMs)},
          ${b.valid && x.valid}, ${b.valid && x.valid ? null : 'bad_rssi'}, ${"{}"}::jsonb, ${b.valid && x.selected && x.valid}, -1000, 55, 12000,
          ${fx.hotspots[x.hotspot]!.cell})`;
    }
  }
  for (const label of fx.flagged) {
    await sql`insert into fraud_flags (epoch, hotspot_address, kind, score, evidence)
      values (${fx.epoch}, ${addr(label)}, 'location_spoofing', 0.97, ${JSON.stringify({ note: "fixture" })}::jsonb)`;
  }
  // The verifier's fraud analytics have covered the fixture's epoch (the rewarder waits for that).
  await sql`insert into verifier_cursors (name, value_ms) values ('fraud_analysis', ${(fx.epoch + 1) * epochLengthMs})
    on conflict (name) do update set value_ms = greatest(verifier_cursors.value_ms, excluded.value_ms)`;
  const route = '00000000-0000-4000-8000-000000000001';
  const org = '00000000-0000-4000-8000-000000000002';
  for (const [label, dc] of Object.entries(fx.dataDc)) {
    // Split into copies, one of them outside the epoch (must not count).
    for (const [i, part] of [Math.floor(dc / 2), dc - Math.floor(dc / 2)].entries()) {
      await sql`insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
        values (${Buffer.from(hexId(`${label}/${i}`), 'hex')}, ${route}, ${org}, ${addr(label)}, ${part}, -100, 5.5, 868100000, 'SF7BW125',
          ${fx.epoch * epochLengthMs + 3_600_000 * (i + 1)})`;
    }
    await sql`insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
      values (${Buffer.from(hexId(`${label}/outside`), 'hex')}, ${route}, ${org}, ${addr(label)}, 999, -100, 5.5, 868100000, 'SF7BW125',
        ${(fx.epoch + 1) * epochLengthMs + 1000})`;
  }
}

export interface ReferenceShares {
  address: string;
  beaconSharesE8: bigint;
  witnessSharesE8: bigint;
  beacons: number;
  witnesses: number;
  dataDc: bigint;
}

/**
 * Expected shares computed the slow, obvious way from the plan (not from the rows), for the epoch,
 * with flagged hotspots excluded (FRAUD_POLICY=exclude). Under `latest-and-rewarded-beacons` the map
 * counts each interactive hotspot in every res-11 cell it stood in for its latest or a rewarded
 * beacon, and a beacon is scaled by its res-11 cell; under `latest-beacon` only the latest cell
 * counts and a beacon from any other res-12 cell gets the default.
 */
export function referenceShares(fx: EpochFixture, rule: DensityCellsRule = 'latest-and-rewarded-beacons', epochLengthMs = DAY_MS, windowMs = 60 * 3_600_000): Map<string, ReferenceShares> {
  const endMs = (fx.epoch + 1) * epochLengthMs;
  const at = (b: PlannedBeacon) => b.epoch * epochLengthMs + b.offsetMs;
  const flagged = new Set(fx.flagged);
  const cellOf = (b: PlannedBeacon) => b.cell ?? fx.hotspots[b.beaconer]!.cell;
  const rewarded = (b: PlannedBeacon) => b.witnesses.filter((x) => x.valid && x.selected);
  // Latest witnessed beacon's cell per interactive hotspot.
  const latest = new Map<string, string>();
  for (const b of [...fx.beacons].sort((x, y) => at(y) - at(x))) {
    if (latest.has(b.beaconer) || flagged.has(b.beaconer)) continue;
    if (b.valid && b.witnesses.some((x) => x.valid) && at(b) >= endMs - windowMs && at(b) < endMs) latest.set(b.beaconer, cellOf(b));
  }
  // Counted as res-11 cells: one per hotspot and res-11 cell it stood in.
  const counted = new Set<string>();
  for (const [label, cell] of latest) counted.add(`${label}/${cellToParent(cell, 11)}`);
  if (rule === 'latest-and-rewarded-beacons') {
    for (const b of fx.beacons) {
      if (b.epoch === fx.epoch && b.valid && rewarded(b).length > 0 && latest.has(b.beaconer)) counted.add(`${b.beaconer}/${cellToParent(cellOf(b), 11)}`);
    }
  }
  const map = computeHexDensity([...counted].map((k) => k.split('/')[1]!));
  if (!map.ok) throw map.error;
  const latestCells = new Set(latest.values());
  const scaleE4Of = (cell: string): bigint => {
    if (rule === 'latest-beacon') return BigInt(latestCells.has(cell) ? map.value.scaleOf(cellToParent(cell, 11)).scaleE4 : 2000);
    return BigInt(map.value.scaleOf(cellToParent(cell, 11)).scaleE4);
  };
  const out = new Map<string, ReferenceShares>();
  const entry = (label: string) => {
    const address = fx.hotspots[label]!.address;
    let e = out.get(address);
    if (!e) out.set(address, (e = { address, beaconSharesE8: 0n, witnessSharesE8: 0n, beacons: 0, witnesses: 0, dataDc: 0n }));
    return e;
  };
  for (const b of fx.beacons) {
    if (b.epoch !== fx.epoch || !b.valid) continue;
    const paidWitnesses = rewarded(b);
    if (paidWitnesses.length === 0) continue;
    const scaleE4 = scaleE4Of(cellOf(b));
    const units = pocRewardUnits(paidWitnesses.length);
    const beaconer = entry(b.beaconer);
    beaconer.beacons += 1;
    if (!flagged.has(b.beaconer)) beaconer.beaconSharesE8 += scaleE4 * BigInt(units.beaconUnitsE4);
    for (const x of paidWitnesses) {
      const e = entry(x.hotspot);
      e.witnesses += 1;
      if (!flagged.has(x.hotspot)) e.witnessSharesE8 += scaleE4 * BigInt(units.perWitnessUnitsE4);
    }
  }
  for (const [label, dc] of Object.entries(fx.dataDc)) entry(label).dataDc += BigInt(dc);
  return out;
}
