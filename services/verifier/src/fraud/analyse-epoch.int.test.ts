import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { connectDatabase } from '@cov/shared/db/client';
import { createLogger } from '@cov/shared/logger';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { timestampNsFromMs } from '@cov/shared/helium/reports';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { beaconRow, cellNear, insertReports, testEntropy } from '../testing/poc-builders';
import { analyseEpoch } from './analyse-epoch';
import { analyseCompletedEpochs } from './epoch-analysis-task';

const DAY = 86_400_000;
const EPOCH = 20_600;
const T = EPOCH * DAY + 3_600_000;
const at = (north: number, east: number) => cellNear(48.14, 11.58, north, east);

describe.each(allTestModes)('analyseEpoch (%s)', (mode) => {
  let node: TestNode;
  const names = ['spammer', 'replayer', 'skewed', 'fabricator', 'honest', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5'];
  const addr = Object.fromEntries(names.map((n) => [n, keypairFromLabel(`analyse/${mode}/${n}`).address])) as Record<string, string>;
  const sql = () => node.ctx.database.sql;

  async function beaconVerdict(id: string, hotspot: string, atMs: number, reason: string | null, details: Record<string, unknown> = {}, cell = at(0, 0)) {
    await sql()`insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell, witness_count,
      valid_witness_count, selected_witness_count, denylist_version, verified_at_ms, passed_checks)
      values (${id}, ${hotspot}, ${atMs}, ${EPOCH}, ${reason === null}, ${reason}, ${JSON.stringify(details)}::text::jsonb, ${cell}, 1, 1, 1, 0, ${atMs + 200_000}, ${reason === null})`;
  }

  async function witnessVerdict(beaconId: string, witnessId: string, beaconer: string, witness: string, signalDbmX10: number, distanceM: number, expectedMaxRssiDbm: number, reason: string | null = null) {
    await sql()`insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details,
      selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell, passed_checks, expected_max_rssi_dbm)
      values (${beaconId}, ${witnessId}, ${witness}, ${beaconer}, ${T}, ${EPOCH}, ${reason === null}, ${reason}, '{}'::jsonb, false,
        ${signalDbmX10}, 50, ${distanceM}, ${at(1, 1)}, ${reason === null}, ${expectedMaxRssiDbm})`;
  }

  beforeAll(async () => {
    node = await startTestNode(mode, { services: [], clock: new ManualClock(T) });
    // A beacon spammer: one window, three fresh beacons.
    await beaconVerdict('s1', addr.spammer!, T, null);
    await beaconVerdict('s2', addr.spammer!, T + 60_000, 'irregular_interval');
    await beaconVerdict('s3', addr.spammer!, T + 120_000, 'irregular_interval');
    // A replayer: an old beacon sent again, and an old witness report sent again.
    await beaconVerdict('r1', addr.replayer!, T, null);
    await beaconVerdict('r2', addr.replayer!, T + 3_600_000, 'entropy_expired', { payloadOwnerBeaconId: 'r1' });
    await sql()`insert into stale_witnesses (witness_id, hotspot_address, received_at_ms, epoch, reason, details, aged_out_at_ms)
      values ('rw', ${addr.replayer!}, ${T + 7_200_000}, ${EPOCH}, 'stale', ${JSON.stringify({ cause: 'outside_beacon_window', repeatOfWitnessId: 'w0' })}::text::jsonb, ${T + 9_000_000})`;
    // A hotspot whose clock runs 10 minutes fast: its reports carry its own timestamps.
    const entropy = testEntropy(`analyse/${mode}`, T / 1000);
    const skewed = [0, 1].map((i) => {
      const row = beaconRow({ hotspot: { key: keypairFromLabel(`analyse/${mode}/skewed`) }, entropy, receivedAtMs: T + i * 21_600_000 });
      return { ...row, reportedTimestampNs: timestampNsFromMs(row.receivedAtMs + 600_000) };
    });
    await insertReports(node.ctx.database.db, skewed, []);
    for (const b of skewed) await beaconVerdict(b.id!, addr.skewed!, b.receivedAtMs, null);
    // A witness whose numbers never fade, and an honest one whose do (and scatter by shadowing),
    // hearing the same six beaconers.
    const shadowingDbX10 = [70, -90, 40, -30, 110, -60];
    for (let i = 0; i < 6; i++) {
      const beaconer = addr[`b${i}`]!;
      for (let k = 0; k < 3; k++) {
        const beaconId = `bb${i}${k}`;
        await beaconVerdict(beaconId, beaconer, T + k * 21_600_000, null, {}, at(i, -i));
        await witnessVerdict(beaconId, `f${i}${k}`, beaconer, addr.fabricator!, -1100 - i * 20, 1000 + i * 500, -80);
        await witnessVerdict(beaconId, `h${i}${k}`, beaconer, addr.honest!, -1100 - i * 20 + shadowingDbX10[i]! + [17, -13, 4][k]!, 1200 + i * 400, -81);
      }
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  const stored = () => sql()`select hotspot_address, kind, score, evidence from fraud_flags where epoch = ${EPOCH} order by hotspot_address, kind`;

  it('flags each pattern with its evidence, and nobody else', async () => {
    const result = await analyseEpoch(node.ctx.database, EPOCH);
    const byKind = Object.fromEntries(result.flags.map((f) => [f.kind, f]));
    expect(Object.keys(byKind).sort()).toEqual(['beacon_spammer', 'clock_skew', 'fabricated_rssi', 'replayer']);
    expect(byKind.beacon_spammer).toMatchObject({ hotspotAddress: addr.spammer, evidence: { beacons: 3, extraBeacons: 2 } });
    expect(byKind.replayer).toMatchObject({ hotspotAddress: addr.replayer, evidence: { repeatedBeacons: 1, repeatedWitnesses: 1 } });
    expect(byKind.clock_skew).toMatchObject({ hotspotAddress: addr.skewed, evidence: { medianClockOffsetMs: 600_000, beacons: 2 } });
    expect(byKind.fabricated_rssi).toMatchObject({ hotspotAddress: addr.fabricator, evidence: { pattern: 'on_model', reportToReportSpreadDb: 0, spreadDegreesOfFreedom: 12 } });
    expect(result.edges).toBe(12);
    const rows = await stored();
    expect(rows.map((r) => [r.hotspot_address, r.kind])).toEqual(result.flags.map((f) => [f.hotspotAddress, f.kind]));
  });

  it('writes identical rows when run again, and replaces them when the verdicts change', async () => {
    const before = await stored();
    await analyseEpoch(node.ctx.database.db, EPOCH);
    expect(await stored()).toEqual(before);
    await sql()`delete from beacon_verdicts where beacon_id = 's3'`;
    await analyseEpoch(node.ctx.database, EPOCH);
    expect((await stored()).map((r) => r.kind)).not.toContain('beacon_spammer');
    expect((await stored()).length).toBe(before.length - 1);
  });

  it('writes nothing for an epoch without verdicts', async () => {
    expect((await analyseEpoch(node.ctx.database, EPOCH + 1)).flags).toEqual([]);
  });

  it('analyses a completed epoch once when two verifiers find it complete at the same moment', async () => {
    const settings = { epochLengthMs: DAY, staleWitnessAfterMs: 2_700_000 };
    const nowMs = (EPOCH + 1) * DAY + 3_600_000; // the next epoch is not complete yet
    await sql()`update beacon_reports set status = 'verified'`;
    await sql()`insert into verifier_cursors (name, value_ms) values ('stale_witnesses', ${(EPOCH + 1) * DAY}), ('fraud_analysis', ${EPOCH * DAY})
      on conflict (name) do update set value_ms = excluded.value_ms`;
    const expected = await stored();
    await sql()`delete from fraud_flags`;
    // A second verifier process has its own pool (embedded mode runs one process: the same pool).
    const other = mode === 'embedded' ? undefined : connectDatabase(node.config.DATABASE_URL, { maxConnections: 2 });
    try {
      const logger = createLogger({ LOG_LEVEL: 'silent' });
      const runs = await Promise.all([sql(), other?.sql ?? sql()].map((s) => analyseCompletedEpochs(s, nowMs, settings, logger)));
      expect(runs.flat()).toEqual([EPOCH]);
    } finally {
      await other?.close();
    }
    expect(await stored()).toEqual(expected);
    expect((await sql()`select value_ms from verifier_cursors where name = 'fraud_analysis'`).map((r) => Number(r.value_ms))).toEqual([(EPOCH + 1) * DAY]);
  });
});
