/**
 * Verifier throughput: witness reports verified per second, end to end through the verifier's
 * batch use case (lock the batch's beacons, load reports, entropy, registry, earlier beacons,
 * reciprocity evidence and the denylist, run every check, select, write all verdicts and mark the
 * beacons verified in one transaction), with several batches in flight as the service runs them.
 * Data is generated straight into a fresh PostgreSQL database: a city of hotspots on H3 cells,
 * entropy rows, beacons built by the shared beacon construction, witnesses with plausible RSSI.
 *
 * Baselines, same run, same machine: the raw rate of the pure checks alone (verifyWitness on the
 * same links, one core, no IO), and a raw SELECT of the same witness rows.
 * Aim: >= 20,000 witnesses/s (a real network day, ~10M witness reports, in under 10 minutes).
 */
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { beaconRegionPlanFrom, buildBeacon } from '@cov/shared/beacon/beacon';
import { loadConfig } from '@cov/shared/config/config';
import { connectDatabase } from '@cov/shared/db/client';
import { applyMigrations } from '@cov/shared/db/migrate';
import { latLngToAssertedCell } from '@cov/shared/geo/h3-cells';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { encodeBeaconReport, encodeWitnessReport, timestampNsFromMs } from '@cov/shared/helium/reports';
import type { DataRateName } from '@cov/shared/helium/data-rate';
import type { HotspotInfo, WitnessCheckContext } from '@cov/shared/poc/context';
import { verifyWitness } from '@cov/shared/poc/witness-checks';
import { linkBudget } from '@cov/shared/poc/witness-link-checks';
import { getRegionPlan } from '@cov/shared/regions/region-plan';
import { claimBeacons, readyBeaconIds } from '@cov/verifier/batch-repository';
import { DenylistCache } from '@cov/verifier/denylist-repository';
import { verifyBeaconBatch } from '@cov/verifier/verify-beacon-batch';
import { verifierSettingsFrom } from '@cov/verifier/verifier-settings';
import { createBenchDatabase } from '../bench-database';
import type { BenchSuite } from '../bench-suite';
import { cpuSpentMs, postgresCpuMs } from '../postgres-cpu';

const T0 = Date.UTC(2026, 2, 2);
const WINDOW_MS = 6 * 3_600_000;
const CENTRE = { lat: 48.137, lng: 11.575 };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface Placed {
  address: string;
  binaryKey: Uint8Array;
  cell: string;
  gainDbiX10: number;
  x: number;
  y: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function insertJson(sql: postgres.Sql, rows: Record<string, unknown>[], statement: (json: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) await statement(JSON.stringify(rows.slice(i, i + 5000)));
  void sql;
}

export const suite: BenchSuite = {
  name: 'verifier',
  description: 'witness reports verified per second (batches of 500 beacons, 4 in flight) vs the pure checks alone and a raw SELECT',
  async run(ctx) {
    const random = rng(42);
    const hotspotCount = Math.max(400, Math.round(5000 * ctx.scale));
    const windows = 4;
    const witnessesPerBeacon = 10;
    const areaKm = Math.sqrt(hotspotCount / 4); // ~4 hotspots per km^2: a dense city
    const region = 'EU868' as const;
    const plan = beaconRegionPlanFrom(getRegionPlan(region));

    ctx.log(`placing ${hotspotCount} hotspots over ${areaKm.toFixed(0)} x ${areaKm.toFixed(0)} km...`);
    const hotspots: Placed[] = [];
    for (let i = 0; i < hotspotCount; i++) {
      const key = keypairFromLabel(`bench/verifier/${i}`);
      const x = random() * areaKm;
      const y = random() * areaKm;
      const lat = CENTRE.lat + y / 111.32;
      const lng = CENTRE.lng + x / (111.32 * Math.cos((CENTRE.lat * Math.PI) / 180));
      const cell = latLngToAssertedCell(lat, lng);
      if (!cell.ok) throw cell.error;
      hotspots.push({ address: key.address, binaryKey: key.binaryKey, cell: cell.value, gainDbiX10: 12 + Math.floor(random() * 60), x, y });
    }
    // Grid buckets of 2 km so each beacon finds nearby witnesses quickly.
    const bucket = (x: number, y: number) => `${Math.floor(x / 2)},${Math.floor(y / 2)}`;
    const buckets = new Map<string, Placed[]>();
    for (const h of hotspots) buckets.set(bucket(h.x, h.y), [...(buckets.get(bucket(h.x, h.y)) ?? []), h]);
    const near = (h: Placed): Placed[] => {
      const out: Placed[] = [];
      for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) out.push(...(buckets.get(`${Math.floor(h.x / 2) + dx},${Math.floor(h.y / 2) + dy}`) ?? []));
      return out.filter((o) => o !== h && Math.hypot(o.x - h.x, o.y - h.y) > 0.6);
    };

    ctx.log('building beacons and witnesses...');
    const entropies = new Map<number, { data: Uint8Array; timestampSec: number }>();
    const entropyAt = (minuteMs: number) => {
      let e = entropies.get(minuteMs);
      if (!e) entropies.set(minuteMs, (e = { data: Uint8Array.from({ length: 32 }, () => Math.floor(random() * 256)), timestampSec: minuteMs / 1000 }));
      return e;
    };
    const beaconRows: Record<string, unknown>[] = [];
    const witnessRows: Record<string, unknown>[] = [];
    const beaconIds: string[] = [];
    const sampleContexts: WitnessCheckContext[] = [];
    const info = (h: Placed): HotspotInfo => ({ pubKey: h.address, location: h.cell, gainDbiX10: h.gainDbiX10, elevationM: 0, region, capability: 'full', denied: false });
    for (let w = 0; w < windows; w++) {
      for (const [i, h] of hotspots.entries()) {
        const minuteMs = T0 + w * WINDOW_MS + Math.floor(random() * 60) * 60_000;
        const entropy = entropyAt(minuteMs);
        const receivedAtMs = minuteMs + 30_000 + Math.floor(random() * 60_000);
        const localEntropy = Uint8Array.from([i & 255, (i >> 8) & 255, w, 7]);
        const built = buildBeacon({ remoteEntropy: { ...entropy, version: 0 }, localEntropy: { data: localEntropy, timestampSec: 0 }, region: plan });
        if (!built.ok) throw new Error(built.error.code);
        const b = built.value;
        // Conducted power a Helium gateway uses: the region's max EIRP minus its antenna gain.
        const txPowerDbm = Math.trunc(16.1 - Math.trunc(h.gainDbiX10 / 10));
        const report = { pubKeyBinary: h.binaryKey, localEntropy, remoteEntropy: entropy.data, data: b.payload, frequencyHz: b.frequencyHz, channel: 0, datarate: b.dataRate as DataRateName, txPowerDbm, timestampNs: timestampNsFromMs(receivedAtMs), tmst: 1, signature: new Uint8Array(64) };
        const id = `b${w}-${i}`;
        beaconIds.push(id);
        beaconRows.push({ id, hotspot_address: h.address, received_at_ms: receivedAtMs, payload: hex(b.payload), local_entropy: hex(localEntropy), remote_entropy: hex(entropy.data), frequency_hz: b.frequencyHz, data_rate: b.dataRate, tx_power_dbm: txPowerDbm, encoded: hex(encodeBeaconReport(report)) });
        const candidates = near(h);
        for (let k = 0; k < witnessesPerBeacon && candidates.length > 0; k++) {
          const wh = candidates.splice(Math.floor(random() * candidates.length), 1)[0]!;
          const beaconFields = { frequencyHz: b.frequencyHz, dataRate: b.dataRate, txPowerDbm };
          const link = (p: Placed) => ({ location: p.cell, gainDbiX10: p.gainDbiX10, region });
          const budget = linkBudget({ beaconer: link(h), witnessHotspot: link(wh), beacon: beaconFields, witness: { signalDbmX10: 0, snrDbX10: 0, frequencyHz: b.frequencyHz, dataRate: b.dataRate } })!;
          const signalDbmX10 = Math.round((budget.expectedMaxRssiDbm - 10 - random() * 20) * 10);
          const witnessAt = receivedAtMs + 200 + Math.floor(random() * 2000);
          const witness = { pubKeyBinary: wh.binaryKey, data: b.payload, timestampNs: timestampNsFromMs(witnessAt), tmst: 2, signalDbmX10, snrDbX10: 20, frequencyHz: b.frequencyHz, datarate: b.dataRate as DataRateName, signature: new Uint8Array(64) };
          witnessRows.push({ id: `${id}-w${k}`, hotspot_address: wh.address, received_at_ms: witnessAt, payload: hex(b.payload), signal_dbm_x10: signalDbmX10, snr_db_x10: 20, frequency_hz: b.frequencyHz, data_rate: b.dataRate, encoded: hex(encodeWitnessReport(witness)) });
          if (sampleContexts.length < 20_000) {
            sampleContexts.push({
              beaconer: info(h),
              witnessHotspot: info(wh),
              beacon: { payload: b.payload, ...beaconFields, receivedAtMs },
              witness: { payload: b.payload, signalDbmX10, snrDbX10: 20, frequencyHz: b.frequencyHz, dataRate: b.dataRate, receivedAtMs: witnessAt },
              isDuplicate: false,
              edgeDenied: false,
              entropyStartMs: minuteMs,
              firstWitnessReceivedAtMs: receivedAtMs + 200,
            });
          }
        }
      }
    }
    ctx.log(`${beaconRows.length} beacons, ${witnessRows.length} witness reports`);

    // Baseline 1: the pure checks alone on the same links, one core.
    let checked = 0;
    let validInSample = 0;
    const checkStart = performance.now();
    while (performance.now() - checkStart < 2000) {
      for (const c of sampleContexts) if (verifyWitness(c).valid) validInSample++;
      checked += sampleContexts.length;
    }
    const pureRate = checked / ((performance.now() - checkStart) / 1000);
    ctx.log(`pure checks: ${Math.round(pureRate)} witnesses/s (${((validInSample / checked) * 100).toFixed(0)} % valid)`);

    const benchDb = await createBenchDatabase('verifier');
    const url = benchDb.url;
    try {
      const database = connectDatabase(url, { maxConnections: 8 });
      const { sql } = database;
      try {
        await applyMigrations(database.db);
        ctx.log('inserting registry, entropy, reports and reciprocity history...');
        await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000002', 'bench', now())`;
        await insertJson(sql, hotspots.map((h, i) => ({ address: h.address, public_key: hex(h.binaryKey), cell: h.cell, gain: h.gainDbiX10, eui: i.toString(16).padStart(16, '0') })), (json) => sql`
          insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, location_cell, gain_dbi_x10, elevation_m, region, onboarded_at)
          select address, decode(public_key, 'hex'), address, '00000000-0000-0000-0000-000000000002', 'full', eui, cell, gain, 10, 'EU868', now()
          from jsonb_to_recordset(${json}::text::jsonb) as r(address text, public_key text, cell text, gain integer, eui text)`);
        await insertJson(sql, [...entropies.values()].map((e) => ({ data: hex(e.data), ts: e.timestampSec })), (json) => sql`
          insert into entropy_values (data, timestamp_sec, version, signature)
          select decode(data, 'hex'), ts, 0, '\\x00'::bytea from jsonb_to_recordset(${json}::text::jsonb) as r(data text, ts bigint)`);
        await insertJson(sql, beaconRows, (json) => sql`
          insert into beacon_reports (id, hotspot_address, received_at_ms, payload, local_entropy, remote_entropy, frequency_hz, channel, data_rate, tx_power_dbm, reported_timestamp_ns, tmst, encoded)
          select id, hotspot_address, received_at_ms, decode(payload, 'hex'), decode(local_entropy, 'hex'), decode(remote_entropy, 'hex'), frequency_hz, 0, data_rate, tx_power_dbm, received_at_ms * 1000000, 1, decode(encoded, 'hex')
          from jsonb_to_recordset(${json}::text::jsonb) as r(id text, hotspot_address text, received_at_ms bigint, payload text, local_entropy text, remote_entropy text, frequency_hz bigint, data_rate text, tx_power_dbm integer, encoded text)`);
        await insertJson(sql, witnessRows, (json) => sql`
          insert into witness_reports (id, hotspot_address, received_at_ms, payload, reported_timestamp_ns, tmst, signal_dbm_x10, snr_db_x10, frequency_hz, data_rate, encoded)
          select id, hotspot_address, received_at_ms, decode(payload, 'hex'), received_at_ms * 1000000, 2, signal_dbm_x10, snr_db_x10, frequency_hz, data_rate, decode(encoded, 'hex')
          from jsonb_to_recordset(${json}::text::jsonb) as r(id text, hotspot_address text, received_at_ms bigint, payload text, signal_dbm_x10 integer, snr_db_x10 integer, frequency_hz bigint, data_rate text, encoded text)`);
        // Every hotspot witnessed and beaconed (heard) two hours before: HIP-106 evidence.
        const historyMs = T0 - 2 * 3_600_000;
        await insertJson(sql, hotspots.map((h, i) => ({ a: h.address, id: `hist-${i}` })), async (json) => {
          await sql`insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell, witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms, passed_checks)
            select id, a, ${historyMs}, 0, true, null, '{}'::jsonb, null, 1, 1, 1, 0, ${historyMs}, true from jsonb_to_recordset(${json}::text::jsonb) as r(a text, id text)`;
          await sql`insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details, selected, signal_dbm_x10, snr_db_x10, passed_checks)
            select id, id || '-w', a, a, ${historyMs}, 0, true, null, '{}'::jsonb, true, -1000, 10, true from jsonb_to_recordset(${json}::text::jsonb) as r(a text, id text)`;
        });
        await sql`vacuum analyze`;

        // Baseline 2: a raw SELECT of the same witness rows.
        const selectStart = performance.now();
        let selected = 0;
        await sql`select * from witness_reports`.cursor(5000, (rows) => {
          selected += rows.length;
        });
        const selectRate = selected / ((performance.now() - selectStart) / 1000);
        ctx.log(`raw select: ${Math.round(selectRate)} rows/s`);

        // VERIFIER_BATCH_BEACONS and VERIFIER_CONCURRENCY from the environment apply, as in the service.
        const settings = verifierSettingsFrom(loadConfig({ ...process.env, DATABASE_URL: url }));
        const nowMs = T0 + 4 * WINDOW_MS;
        const deps = { sql, settings, denylist: new DenylistCache(), nowMs: () => nowMs };

        // Hand every beacon out as the poller does (ready ids, then a claim on each), so batches
        // verify claimed rows as in the service. The poller's readiness frontier is left out: here
        // the whole backlog is verified at once.
        const handOutStart = performance.now();
        let handedOut = 0;
        for (;;) {
          const ready = await readyBeaconIds(sql, nowMs, settings, 5 * WINDOW_MS, settings.batchBeacons * settings.concurrency * 2);
          if (ready.length === 0) break;
          handedOut += (await claimBeacons(sql, ready, nowMs, nowMs + settings.claimTtlMs)).length;
        }
        const handOutRate = handedOut / ((performance.now() - handOutStart) / 1000);
        if (handedOut !== beaconIds.length) throw new Error(`handed out ${handedOut} of ${beaconIds.length} beacons`);
        ctx.log(`handed out (ready query and claim): ${Math.round(handOutRate)} beacons/s`);
        const batches: string[][] = [];
        for (let i = 0; i < beaconIds.length; i += settings.batchBeacons) batches.push(beaconIds.slice(i, i + settings.batchBeacons));
        let next = 0;
        let witnesses = 0;
        let valid = 0;
        const reasons = new Map<string, number>();
        // CPU of this process and of the database's backends over the run: figures that, unlike
        // wall time, hold up when other work shares the machine.
        const backendsBefore = await postgresCpuMs(sql);
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const worker = async () => {
          while (next < batches.length) {
            const result = await verifyBeaconBatch(deps, batches[next++]!);
            witnesses += result.witnesses.length;
            valid += result.witnesses.filter((w) => w.valid).length;
            for (const w of result.witnesses) reasons.set(w.reason ?? 'valid', (reasons.get(w.reason ?? 'valid') ?? 0) + 1);
          }
        };
        await Promise.all(Array.from({ length: settings.concurrency }, worker));
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        const backendMs = cpuSpentMs(backendsBefore, await postgresCpuMs(sql));
        const nodeUsPerWitness = (cpu.user + cpu.system) / witnesses;
        const backendUsPerWitness = (backendMs * 1000) / witnesses;
        ctx.log(`CPU per witness: verifier process ${nodeUsPerWitness.toFixed(1)} us, PostgreSQL backends ${backendUsPerWitness.toFixed(1)} us (load average ${loadavg()[0]!.toFixed(2)})`);
        ctx.log(`witness verdicts: ${[...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ')}`);
        ctx.log(`verified ${witnesses} witnesses (${((valid / witnesses) * 100).toFixed(0)} % valid) of ${beaconIds.length} beacons in ${seconds.toFixed(2)} s`);
        return [
          {
            name: `witness reports verified (batches of ${settings.batchBeacons} beacons, ${settings.concurrency} in flight, PostgreSQL)`,
            value: witnesses / seconds,
            unit: 'witnesses/s',
            baselineName: 'pure checks alone, one core, no IO',
            baselineValue: pureRate,
            aim: '>= 20,000 witnesses/s',
            notes: `${beaconIds.length} beacons, ${witnesses} witnesses; CPU per witness: verifier ${nodeUsPerWitness.toFixed(1)} us, PostgreSQL ${backendUsPerWitness.toFixed(1)} us`,
          },
          {
            name: 'beacons handed out by the poller (ready query and claim, batches as queued)',
            value: handOutRate,
            unit: 'beacons/s',
            notes: `${handedOut} beacons`,
          },
          {
            name: 'witness reports verified, against a raw SELECT of the same rows',
            value: witnesses / seconds,
            unit: 'witnesses/s',
            baselineName: 'raw SELECT * of witness_reports',
            baselineValue: selectRate,
          },
        ];
      } finally {
        await database.close();
      }
    } finally {
      await benchDb.drop();
    }
  },
};
