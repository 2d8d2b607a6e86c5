/**
 * Scores the epoch analytics against the simulator's labels:
 *   npx tsx services/verifier/src/fraud/sim-score.ts [--scenario city-eu] [--hotspots 300] [--epochs 3]
 *     [--epoch-minutes 30] [--beacon-interval-minutes 5] [--speed 12] [--seed S] [--dump FILE]
 * Starts every service on a fresh PostgreSQL database (TEST_DATABASE_ADMIN_URL's server) on
 * accelerated time, runs the firmware-sim scenario against it over the real protocols, waits until
 * every beacon is verified, analyses each epoch and prints precision and recall of the fraud flags
 * (overall and per labelled kind) as JSON. The database is dropped afterwards. --dump writes each
 * epoch's evidence and the labels to FILE, so the detectors can be studied without re-running.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { CHEATER_KINDS, type CheaterKind } from '@cov/firmware-sim/cheaters/cheater-kinds';
import { buildLabels } from '@cov/firmware-sim/cheaters/labels';
import { freeUdpPort } from '@cov/firmware-sim/scenario/embedded-backend';
import { runLiveSimulation } from '@cov/firmware-sim/scenario/run-live-simulation';
import { SCENARIOS } from '@cov/firmware-sim/scenario/scenarios';
import { buildScenarioWorld } from '@cov/firmware-sim/scenario/scenario-world';
import { startNode } from '@cov/app/compose';
import { ScaledClock } from '@cov/shared/clock';
import { loadConfig } from '@cov/shared/config/config';
import { applyMigrations } from '@cov/shared/db/migrate';
import { connectDatabase } from '@cov/shared/db/client';
import { createLogger } from '@cov/shared/logger';
import { serviceNames } from '@cov/shared/runtime/service';
import { withDatabaseName } from '@cov/shared/testing/test-database-names';
import { analyseEpoch } from './analyse-epoch';
import { loadEpochEvidence } from './epoch-evidence-repository';
import type { FraudKind } from './epoch-evidence';

const MINUTE = 60_000;

/** The flag a labelled cheater should get from the analytics; null: a per-report reason handles it. */
const EXPECTED: Record<CheaterKind, FraudKind | null> = {
  location_spoofer: 'location_spoofer',
  gaming_ring: 'gaming_ring',
  rssi_too_strong: 'fabricated_rssi',
  rssi_on_model: 'fabricated_rssi',
  replayer: 'replayer',
  beacon_spammer: 'beacon_spammer',
  clock_skewed: 'clock_skew',
  late_reporter: null,
  self_witness: null,
  tx_power_over_reporter: null,
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'city-eu' },
      hotspots: { type: 'string', default: '300' },
      epochs: { type: 'string', default: '3' },
      'epoch-minutes': { type: 'string', default: '30' },
      'beacon-interval-minutes': { type: 'string', default: '5' },
      speed: { type: 'string', default: '12' },
      seed: { type: 'string', default: 'score' },
      dump: { type: 'string' },
    },
  });
  const scenario = SCENARIOS[values.scenario]!;
  const epochMs = Number(values['epoch-minutes']) * MINUTE;
  const beaconIntervalMs = Number(values['beacon-interval-minutes']) * MINUTE;
  const speed = Number(values.speed);
  const epochs = Number(values.epochs);
  const base = loadConfig();
  const dbName = `cov_simscore_${Date.now()}`;
  const admin = postgres(base.TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  const url = withDatabaseName(base.TEST_DATABASE_ADMIN_URL, dbName);
  try {
    const setup = connectDatabase(url, { maxConnections: 1 });
    await applyMigrations(setup.db);
    await setup.close();
    const simStartMs = Math.floor(Date.now() / epochMs) * epochMs;
    const clock = new ScaledClock(simStartMs, speed);
    const gwmpPort = await freeUdpPort();
    const config = loadConfig({
      DATABASE_URL: url,
      PORT: '0',
      GWMP_PORT: String(gwmpPort),
      LOG_LEVEL: 'warn',
      DATA_DIR: `/tmp/${dbName}`,
      DB_POOL_MAX: '10',
      BEACON_INTERVAL_MS: String(beaconIntervalMs),
      EPOCH_LENGTH_MS: String(epochMs),
      VERIFIER_POLL_INTERVAL_MS: '1000',
      VERIFIER_STALE_WITNESS_AFTER_MS: String(2 * MINUTE),
      ROUTER_DEDUP_WINDOW_MS: '20',
    });
    const node = await startNode(config, { services: serviceNames, clock, logger: createLogger(config, 'sim-score') });
    try {
      const world = buildScenarioWorld(scenario, { seed: values.seed, hotspotCount: Number(values.hotspots), deviceCount: 0 });
      process.stderr.write(`simulating ${epochs} epochs of ${epochMs / MINUTE} min (${((epochs * epochMs) / speed / MINUTE).toFixed(1)} real min)...\n`);
      await runLiveSimulation({
        scenario: scenario.name,
        world,
        backend: { baseUrl: node.httpBaseUrl, adminApiKey: node.ctx.adminApiKey, gwmpHost: '127.0.0.1', gwmpPort, clock },
        speed,
        durationMs: epochs * epochMs,
        makerName: `sim-score ${values.seed}`,
        setupConcurrency: 16,
        beaconIntervalMs,
        entropyValidityMs: config.ENTROPY_VALIDITY_MS,
      });
      const { sql } = node.ctx.database;
      for (const deadline = Date.now() + 5 * MINUTE; Date.now() < deadline; await new Promise((r) => setTimeout(r, 2000))) {
        const [row] = await sql`select count(*)::int as n from beacon_reports where status = 'pending'`;
        process.stderr.write(`pending beacons: ${row!.n}\n`);
        if (row!.n === 0) break;
      }
      const firstEpoch = Math.floor(simStartMs / epochMs);
      if (values.dump) {
        const evidence = [];
        for (let e = firstEpoch; e < firstEpoch + epochs; e++) evidence.push(await loadEpochEvidence(sql, e));
        writeFileSync(values.dump, JSON.stringify({ evidence, labels: buildLabels(world, scenario.name) }));
      }
      const flagged = new Map<string, Set<FraudKind>>();
      for (let e = firstEpoch; e < firstEpoch + epochs; e++) {
        const result = await analyseEpoch(node.ctx.database, e);
        process.stderr.write(`epoch ${e}: ${result.edges} edges, ${result.flags.length} flags, model ${JSON.stringify(result.model)}\n`);
        for (const f of result.flags) flagged.set(f.hotspotAddress, new Set([...(flagged.get(f.hotspotAddress) ?? []), f.kind]));
      }
      const labels = buildLabels(world, scenario.name).hotspots.filter((h) => h.capability === 'full');
      const targets = labels.filter((h) => h.kind !== null && EXPECTED[h.kind] !== null);
      const honest = labels.filter((h) => h.kind === null);
      const truePositive = targets.filter((h) => flagged.has(h.address)).length;
      const falseFlags = honest.filter((h) => flagged.has(h.address));
      const otherCheatersFlagged = labels.filter((h) => h.kind !== null && EXPECTED[h.kind] === null && flagged.has(h.address)).length;
      const perKind = Object.fromEntries(
        CHEATER_KINDS.map((k) => {
          const planted = labels.filter((h) => h.kind === k);
          return [k, { planted: planted.length, flagged: planted.filter((h) => flagged.has(h.address)).length, rightKind: planted.filter((h) => EXPECTED[k] && flagged.get(h.address)?.has(EXPECTED[k]!)).length }];
        }),
      );
      process.stdout.write(
        `${JSON.stringify(
          {
            scenario: scenario.name,
            seed: values.seed,
            fullHotspots: labels.length,
            honest: honest.length,
            analyticsTargets: targets.length,
            precision: truePositive + falseFlags.length + otherCheatersFlagged > 0 ? (truePositive + otherCheatersFlagged) / (truePositive + falseFlags.length + otherCheatersFlagged) : null,
            recall: targets.length ? truePositive / targets.length : null,
            honestFlagged: falseFlags.map((h) => ({ address: h.address, kinds: [...flagged.get(h.address)!] })),
            perKind,
          },
          null,
          2,
        )}\n`,
      );
    } finally {
      await node.stop();
    }
  } finally {
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`sim-score failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
