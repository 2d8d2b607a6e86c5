import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { DenylistCache } from './denylist-repository';
import {
  beaconRow,
  cellNear,
  insertEntropy,
  insertReports,
  insertTestHotspot,
  insertTestMaker,
  plausibleSignalDbmX10,
  testEntropy,
  witnessRow,
  type BeaconRow,
  type TestHotspot,
  type WitnessRow,
} from './testing/poc-builders';
import { verifyBeaconBatch } from './verify-beacon-batch';
import { verifierSettingsFrom } from './verifier-settings';

const HOUR = 3_600_000;
/** Round 1 and 2 fall in consecutive 6 h beacon windows. */
const T0 = Date.UTC(2026, 5, 1, 0, 0, 0);
const T1 = T0 + 6 * HOUR;
const T2 = T1 + 6 * HOUR;
const MALTA = { lat: 35.9, lng: 14.45 };
const at = (north: number, east: number) => cellNear(MALTA.lat, MALTA.lng, north, east);

type Row = Record<string, unknown>;

describe.each(allTestModes)('verifier (%s)', (mode) => {
  const clock = new ManualClock(T0 - HOUR);
  let node: TestNode;
  let db: Db;
  const h: Record<string, TestHotspot> = {};
  const beacons: Record<string, BeaconRow> = {};
  const witnesses: Record<string, WitnessRow> = {};
  const orphan = { row: undefined as WitnessRow | undefined };

  const query = (text: string, ...params: unknown[]) => node.ctx.database.sql.unsafe(text, params as never[]) as Promise<Row[]>;
  const beaconVerdict = async (id: string) => (await query('select * from beacon_verdicts where beacon_id = $1', id))[0];
  const witnessVerdict = async (id: string) => (await query('select * from witness_verdicts where witness_id = $1', id))[0];

  async function waitUntilVerified(timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await query(`select count(*)::int as n from beacon_reports where status = 'pending' and received_at_ms < $1`, clock.nowMs() - 190_000);
      if (row!.n === 0) return;
      if (Date.now() > deadline) throw new Error(`still ${row!.n} pending beacons`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    node = await startTestNode(mode, {
      services: ['api', 'verifier'],
      clock,
      overrides: { ...(mode === 'embedded' ? { DB_POOL_MAX: '1' } : {}), VERIFIER_POLL_INTERVAL_MS: '100', MAX_WITNESSES_PER_POC: '2', VERIFIER_STALE_WITNESS_AFTER_MS: '3600000', VERIFIER_BATCH_BEACONS: '4' },
    });
    db = node.ctx.database.db;
    const maker = await insertTestMaker(db);
    const specs: [string, string | null, Partial<Parameters<typeof insertTestHotspot>[2]>?][] = [
      ['A', at(0, 0)],
      ['B', at(2, 1)],
      ['C', at(-5, 8)],
      ['K', at(10, -3)],
      ['J', at(4, -6)],
      ['D', at(0.2, 0)],
      ['FAR', at(150, 0)],
      ['E', at(3, 3), { capability: 'data_only' }],
      ['F', null],
      ['G', at(6, 6), { region: 'US915' }],
      ['H', at(-3, 4)],
      ['I', at(-6, -2)],
      ['L', at(7, 2)],
      ['M', at(-7, 3)],
      ['N', at(8, 8)],
      ['P', at(-8, -8)],
      ['Q', at(9, -9)],
      ['X1', at(5, -1)],
      ['X2', at(-4, -4)],
      ['X3', at(3, -8)],
      ['X4', at(-9, 1)],
      ['X5', at(1, 9)],
      ['X6', at(-2, -9)],
      ['X7', at(6, -5)],
    ];
    for (const [name, cell, extra] of specs) h[name] = await insertTestHotspot(db, maker, { label: `verifier-int/${mode}/${name}`, cell, ...extra });
    h.U = { key: keypairFromLabel(`verifier-int/${mode}/unregistered`), address: keypairFromLabel(`verifier-int/${mode}/unregistered`).address, cell: at(1, 1), region: 'EU868', gainDbiX10: 12 };

    // Through the admin API: version 1 denies H, version 2 the A-I edge (given in reverse order).
    const admin = (body: unknown) =>
      fetch(`${node.httpBaseUrl}/v1/admin/denylist/entries`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${node.adminKey}` }, body: JSON.stringify(body) });
    expect((await admin({ kind: 'key', address: h.H!.address, reason: 'test' })).status).toBe(201);
    expect((await admin({ kind: 'edge', address: h.I!.address, otherAddress: h.A!.address, reason: 'test' })).status).toBe(201);

    const e0 = testEntropy(`${mode}/e0`, T0 / 1000);
    const e1 = testEntropy(`${mode}/e1`, T1 / 1000);
    const eOld = testEntropy(`${mode}/old`, (T1 - 400_000) / 1000);
    const e2 = testEntropy(`${mode}/e2`, T2 / 1000);
    await insertEntropy(db, [e0, e1, eOld, e2]);

    const link = (b: TestHotspot, w: TestHotspot, beacon: BeaconRow, dt: number, extra: Partial<Parameters<typeof witnessRow>[0]> = {}) =>
      witnessRow({ hotspot: w, beacon, receivedAtMs: beacon.receivedAtMs + dt, signalDbmX10: plausibleSignalDbmX10(b, w, { frequencyHz: beacon.frequencyHz, dataRate: beacon.dataRate, txPowerDbm: beacon.txPowerDbm! }), ...extra });

    // Round 1: A, B, C, K beacon and hear each other. No reciprocity evidence exists yet.
    const r1: BeaconRow[] = [];
    const r1w: WitnessRow[] = [];
    for (const [i, name] of ['A', 'B', 'C', 'K'].entries()) {
      const b = beaconRow({ hotspot: h[name]!, entropy: e0, receivedAtMs: T0 + 60_000 + i * 1000 });
      beacons[`r1${name}`] = b;
      r1.push(b);
    }
    r1w.push(link(h.B!, h.A!, beacons.r1B!, 700), link(h.C!, h.A!, beacons.r1C!, 700), link(h.K!, h.A!, beacons.r1K!, 700), link(h.A!, h.B!, beacons.r1A!, 700));

    // Round 2.
    const a = beaconRow({ hotspot: h.A!, entropy: e1, receivedAtMs: T1 + 60_000 });
    beacons.A = a;
    const w = (name: string, key: string, dt: number, extra: Partial<Parameters<typeof witnessRow>[0]> = {}) => {
      witnesses[key] = link(h.A!, h[name]!, a, dt, extra);
    };
    w('B', 'B', 400);
    w('C', 'C', 500);
    w('K', 'K', 600);
    w('B', 'dup', 650);
    w('A', 'self', 700, { signalDbmX10: -800 });
    w('J', 'noBeacons', 800);
    witnesses.unknown = witnessRow({ hotspot: h.U!, beacon: a, receivedAtMs: a.receivedAtMs + 900, signalDbmX10: -1100 });
    witnesses.unasserted = witnessRow({ hotspot: h.F!, beacon: a, receivedAtMs: a.receivedAtMs + 900, signalDbmX10: -1100 });
    w('H', 'denied', 900);
    w('I', 'deniedEdge', 900);
    w('X1', 'entropyExpired', 125_000); // after the entropy window, before the beacon's ready time
    w('X2', 'tooLate', 5_000);
    w('E', 'dataOnly', 1000);
    w('X3', 'frequency', 1000, { frequencyHz: a.frequencyHz + 200_000 });
    witnesses.region = witnessRow({ hotspot: h.G!, beacon: a, receivedAtMs: a.receivedAtMs + 1000, signalDbmX10: -1100 });
    witnesses.tooClose = witnessRow({ hotspot: h.D!, beacon: a, receivedAtMs: a.receivedAtMs + 1000, signalDbmX10: -900 });
    witnesses.tooFar = witnessRow({ hotspot: h.FAR!, beacon: a, receivedAtMs: a.receivedAtMs + 1000, signalDbmX10: -1300 });
    w('X4', 'badRssi', 1000, { signalDbmX10: -200 });
    w('X5', 'belowSensitivity', 1000, { signalDbmX10: -1500 });
    w('X6', 'snr', 1000, { snrDbX10: -300 });
    w('X7', 'dataRate', 1000, { datarate: 'SF7BW125' });

    // Beacons failing their own checks, one reason each.
    beacons.unasserted = beaconRow({ hotspot: h.F!, entropy: e1, receivedAtMs: T1 + 61_000 });
    witnesses.ofUnasserted = witnessRow({ hotspot: h.B!, beacon: beacons.unasserted, receivedAtMs: T1 + 61_500, signalDbmX10: -1100 });
    beacons.unknown = beaconRow({ hotspot: h.U!, entropy: e1, receivedAtMs: T1 + 62_000 });
    beacons.denied = beaconRow({ hotspot: h.H!, entropy: e1, receivedAtMs: T1 + 63_000 });
    beacons.expired = beaconRow({ hotspot: h.L!, entropy: eOld, receivedAtMs: T1 + 64_000 });
    beacons.noEntropy = beaconRow({ hotspot: h.M!, entropy: testEntropy(`${mode}/never-published`, T1 / 1000), receivedAtMs: T1 + 65_000 });
    beacons.dataOnly = beaconRow({ hotspot: h.E!, entropy: e1, receivedAtMs: T1 + 66_000 });
    beacons.first = beaconRow({ hotspot: h.N!, entropy: e1, receivedAtMs: T1 + 67_000 });
    beacons.second = beaconRow({ hotspot: h.N!, entropy: e1, receivedAtMs: T1 + 90_000 });
    beacons.packet = beaconRow({ hotspot: h.P!, entropy: e1, receivedAtMs: T1 + 68_000, tamper: { frequencyHz: 869_525_000 } });
    beacons.txPower = beaconRow({ hotspot: h.Q!, entropy: e1, receivedAtMs: T1 + 69_000, txPowerDbm: 27 });

    orphan.row = witnessRow({ hotspot: h.C!, beacon: { payload: new Uint8Array(51).fill(7), frequencyHz: a.frequencyHz, dataRate: a.dataRate }, receivedAtMs: T1 + 70_000, signalDbmX10: -1000 });

    const round2 = Object.entries(beacons).filter(([k]) => !k.startsWith('r1')).map(([, b]) => b);
    await insertReports(db, [...r1, ...round2], [...r1w, ...Object.values(witnesses), orphan.row]);
    clock.set(T1 + 2 * HOUR);
    await waitUntilVerified();
  });

  afterAll(async () => {
    await node?.destroy();
  });

  it('fails every round-1 PoC on beaconer reciprocity but records that its checks passed', async () => {
    for (const name of ['A', 'B', 'C', 'K']) {
      const v = (await beaconVerdict(beacons[`r1${name}`]!.id!))!;
      expect([v.valid, v.reason, v.passed_checks]).toEqual([false, 'gateway_no_valid_witnesses', true]);
      expect(v.details).toMatchObject({ side: 'beaconer', lastWitnessAtMs: null });
    }
    const heardByA = (await query('select * from witness_verdicts where beacon_id = $1', beacons.r1B!.id))[0]!;
    expect([heardByA.valid, heardByA.reason, heardByA.passed_checks]).toEqual([false, 'gateway_no_valid_witnesses', true]);
  });

  it('verifies the valid PoC, selects the first witnesses by receive time and records the numbers', async () => {
    const v = (await beaconVerdict(beacons.A!.id!))!;
    expect([v.valid, v.reason, v.passed_checks]).toEqual([true, null, true]);
    expect(v).toMatchObject({ hotspot_address: h.A!.address, location_cell: h.A!.cell, valid_witness_count: 3, selected_witness_count: 2, denylist_version: 2 });
    expect(Number(v.epoch)).toBe(Math.floor((T1 + 60_000) / 86_400_000));
    expect(v.witness_count).toBe(Object.keys(witnesses).length - 2); // not the self-witness, nor the one of another beacon

    const b = (await witnessVerdict(witnesses.B!.id!))!;
    expect([b.valid, b.selected, b.passed_checks]).toEqual([true, true, true]);
    expect((await witnessVerdict(witnesses.C!.id!))!.selected).toBe(true);
    const k = (await witnessVerdict(witnesses.K!.id!))!;
    expect([k.valid, k.selected]).toEqual([true, false]);
    expect(b.details).toMatchObject({ lagMs: 400, lagMeasuredFrom: 'beacon', denylistVersion: 2, dataRate: 'SF12BW125' });
    const details = b.details as Record<string, number>;
    expect(details.distanceM).toBe(b.distance_m);
    expect(details.cellDistance).toBeGreaterThanOrEqual(8);
    expect(details.observedRssiDbm).toBeCloseTo(details.expectedMaxRssiDbm! - 12, 0);
    expect(b.expected_max_rssi_dbm).toBeCloseTo(details.expectedMaxRssiDbm!, 2);
    expect(b.location_cell).toBe(h.B!.cell);
  });

  it('gives every faulty witness its reason code with the numbers behind it', async () => {
    const expected: Record<string, string> = {
      dup: 'duplicate',
      unknown: 'gateway_not_found',
      unasserted: 'not_asserted',
      denied: 'denied',
      deniedEdge: 'denied_edge',
      self: 'self_witness',
      entropyExpired: 'entropy_expired',
      tooLate: 'too_late',
      dataOnly: 'invalid_capability',
      frequency: 'invalid_frequency',
      region: 'invalid_region',
      tooClose: 'below_min_distance',
      tooFar: 'max_distance_exceeded',
      badRssi: 'bad_rssi',
      belowSensitivity: 'rssi_below_sensitivity',
      snr: 'snr_below_floor',
      dataRate: 'invalid_data_rate',
      noBeacons: 'gateway_no_valid_beacons',
    };
    for (const [key, reason] of Object.entries(expected)) {
      const v = (await witnessVerdict(witnesses[key]!.id!))!;
      expect([key, v.valid, v.reason, v.selected]).toEqual([key, false, reason, false]);
      expect((v.details as Row).denylistVersion).toBe(2);
    }
    expect((await witnessVerdict(witnesses.tooLate!.id!))!.details).toMatchObject({ lagMs: 5000, maxLagMs: 4000 });
    expect((await witnessVerdict(witnesses.badRssi!.id!))!.details).toMatchObject({ observedRssiDbm: -20 });
    expect((await witnessVerdict(witnesses.tooClose!.id!))!.details).toMatchObject({ cellDistance: expect.any(Number) });
    expect(((await witnessVerdict(witnesses.tooFar!.id!))!.details as Row).distanceM).toBeGreaterThan(100_000);
    const noBeacons = (await witnessVerdict(witnesses.noBeacons!.id!))!;
    expect([noBeacons.passed_checks, (noBeacons.details as Row).lastBeaconAtMs]).toEqual([true, null]);
    expect((await witnessVerdict(witnesses.denied!.id!))!.details).toMatchObject({ side: 'witness', denylistTag: '2' });
  });

  it('gives every faulty beacon its reason code, and its witnesses the beacon reason', async () => {
    const expected: Record<string, string> = {
      unasserted: 'not_asserted',
      unknown: 'gateway_not_found',
      denied: 'denied',
      expired: 'entropy_expired',
      noEntropy: 'entropy_expired',
      dataOnly: 'invalid_capability',
      second: 'irregular_interval',
      packet: 'invalid_packet',
      txPower: 'tx_power_too_high',
    };
    for (const [key, reason] of Object.entries(expected)) {
      const v = (await beaconVerdict(beacons[key]!.id!))!;
      expect([key, v.valid, v.reason, v.passed_checks]).toEqual([key, false, reason, false]);
    }
    expect((await beaconVerdict(beacons.noEntropy!.id!))!.details).toMatchObject({ entropyKnown: false, entropyStartMs: null });
    expect((await beaconVerdict(beacons.second!.id!))!.details).toMatchObject({ lastBeaconAtMs: T1 + 67_000 });
    expect((await beaconVerdict(beacons.txPower!.id!))!.details).toMatchObject({ txPowerDbm: 27, maxTxPowerDbm: 15.1, maxEirpDbm: 16.1 });
    expect((await beaconVerdict(beacons.packet!.id!))!.details).toMatchObject({ regenerated: true, mismatches: { frequencyHz: { observed: 869_525_000 } } });
    const heard = (await witnessVerdict(witnesses.ofUnasserted!.id!))!;
    expect([heard.valid, heard.reason, heard.passed_checks, (heard.details as Row).side]).toEqual([false, 'not_asserted', false, 'beaconer']);
    // The first beacon of the window used it, though it failed reciprocity.
    expect((await beaconVerdict(beacons.first!.id!))!.reason).toBe('gateway_no_valid_witnesses');
  });

  it('ages out a witness no beacon claimed, and only that one', async () => {
    // The poller sweeps every 5 min of clock time, and only behind the oldest unverified beacon.
    clock.advance(6 * 60_000);
    let stale: Row[] = [];
    for (const deadline = Date.now() + 20_000; stale.length === 0 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      stale = await query('select * from stale_witnesses');
    }
    expect(stale.map((s) => s.witness_id)).toEqual([orphan.row!.id]);
    expect(stale[0]).toMatchObject({ reason: 'stale', hotspot_address: h.C!.address, details: expect.objectContaining({ cause: 'no_beacon', beaconId: null }) });
  });

  it('re-verifying gives identical rows, and a second run of the same ids is a no-op', async () => {
    const snapshot = async () => ({
      beacons: await query('select * from beacon_verdicts order by beacon_id'),
      witnesses: await query('select * from witness_verdicts order by beacon_id, witness_id'),
    });
    const before = await snapshot();
    const ids = before.beacons.map((b) => b.beacon_id as string);
    const deps = { sql: node.ctx.database.sql, settings: verifierSettingsFrom(node.config), denylist: new DenylistCache(), nowMs: () => clock.nowMs() + 1 };
    const again = await verifyBeaconBatch(deps, ids);
    expect(again.beacons).toHaveLength(0);
    expect(again.skipped).toHaveLength(ids.length);
    const recomputed = await verifyBeaconBatch(deps, ids, { reverify: true });
    expect(recomputed.beacons).toHaveLength(ids.length);
    expect(await snapshot()).toEqual(before);
  });

  it('leaves nothing half-written when a batch fails before its commit', async () => {
    const e2 = testEntropy(`${mode}/e2`, T2 / 1000);
    const b = beaconRow({ hotspot: h.B!, entropy: e2, receivedAtMs: T2 + 60_000 });
    const wr = witnessRow({ hotspot: h.C!, beacon: b, receivedAtMs: T2 + 60_600, signalDbmX10: plausibleSignalDbmX10(h.B!, h.C!, { frequencyHz: b.frequencyHz, dataRate: b.dataRate, txPowerDbm: b.txPowerDbm! }) });
    await insertReports(db, [b], [wr]); // the node's clock is hours before these are ready: only this test verifies them
    const deps = { sql: node.ctx.database.sql, settings: verifierSettingsFrom(node.config), denylist: new DenylistCache(), nowMs: () => clock.nowMs() };
    await expect(
      verifyBeaconBatch(deps, [b.id!], {
        beforeCommit: () => {
          throw new Error('crash after writing');
        },
      }),
    ).rejects.toThrow('crash after writing');
    expect(await beaconVerdict(b.id!)).toBeUndefined();
    expect(await witnessVerdict(wr.id!)).toBeUndefined();
    expect((await query('select status from beacon_reports where id = $1', b.id))[0]!.status).toBe('pending');

    const result = await verifyBeaconBatch(deps, [b.id!]);
    expect(result.beacons.map((v) => [v.valid, v.reason])).toEqual([[true, null]]);
    expect((await witnessVerdict(wr.id!))!).toMatchObject({ valid: true, selected: true });
    expect((await query('select status from beacon_reports where id = $1', b.id))[0]!.status).toBe('verified');
  });

  it('analyses an epoch for fraud once its evidence is complete', async () => {
    const epoch = Math.floor(T1 / 86_400_000);
    const epochEndMs = (epoch + 1) * 86_400_000;
    clock.set(epochEndMs + 2 * HOUR);
    let cursor: Row | undefined;
    for (const deadline = Date.now() + 20_000; !cursor && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      [cursor] = await query(`select value_ms from verifier_cursors where name = 'fraud_analysis' and value_ms >= $1`, epochEndMs);
    }
    expect(Number(cursor?.value_ms)).toBe(epochEndMs);
    // N sent two fresh beacons in one window; one extra beacon is not yet a pattern.
    expect(await query('select kind from fraud_flags where epoch = $1 and hotspot_address = $2', epoch, h.N!.address)).toEqual([]);
  });
});
