/**
 * `npm run sim -- --scenario NAME --seed S --hotspots N --devices M --days D --target URL ...`:
 * builds the world from the seed, runs it against the chosen target (the embedded all-in-one
 * backend by default, a running backend's URL, or `dry`), and prints the run summary as JSON.
 * Flags: firmware-sim/README.md or `--help`.
 */
import { existsSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { HELP, parseSimArgs, UsageError, type SimCliOptions } from './cli/options';
import { progressBars, silentProgress } from './cli/progress';
import { simulationOptions, worldFor } from './cli/world-from-options';
import { DryTarget } from './scenario/dry-target';
import { startEmbeddedBackend, type EmbeddedBackend } from './scenario/embedded-backend';
import { LiveTarget } from './scenario/live-target';
import { runSimulation } from './scenario/run-simulation';
import { PacedClock, VirtualClock, type SimClock } from './scenario/sim-clock';
import type { SimTarget } from './scenario/target';

const DRY_START_MS = Date.UTC(2025, 0, 1);

/** Server time from the ingest challenge (ms precision), else from the Date header. */
async function serverTimeMs(baseUrl: string): Promise<number> {
  const fromChallenge = await new Promise<number | null>((resolve) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ingest/session`);
    const timer = setTimeout(() => (socket.terminate(), resolve(null)), 5_000);
    socket.once('message', (data) => {
      clearTimeout(timer);
      const t = Number((JSON.parse(String(data)) as { serverTimeMs?: unknown }).serverTimeMs);
      socket.close();
      resolve(Number.isFinite(t) ? t : null);
    });
    socket.once('error', () => (clearTimeout(timer), resolve(null)));
  });
  if (fromChallenge !== null) return fromChallenge;
  const res = await fetch(`${baseUrl}/health`);
  const date = Date.parse(res.headers.get('date') ?? '');
  if (!Number.isFinite(date)) throw new Error(`cannot read the server time of ${baseUrl}`);
  return date;
}

interface Prepared {
  target: SimTarget;
  clock: SimClock;
  embedded: EmbeddedBackend | null;
}

async function prepareTarget(o: SimCliOptions): Promise<Prepared> {
  if (o.target.kind === 'dry') {
    const clock = new VirtualClock(o.startMs ?? DRY_START_MS);
    return { target: new DryTarget(o.seed, o.entropyIntervalMs), clock, embedded: null };
  }
  if (o.target.kind === 'embedded') {
    const embedded = await startEmbeddedBackend({
      simStartMs: o.startMs ?? Date.now(),
      speed: o.speed,
      port: o.port,
      settings: {
        BEACON_INTERVAL_MS: String(o.beaconIntervalMs),
        ENTROPY_INTERVAL_MS: String(o.entropyIntervalMs),
        ENTROPY_VALIDITY_MS: String(o.entropyValidityMs),
        ...(o.epochMs === null ? {} : { EPOCH_LENGTH_MS: String(o.epochMs) }),
      },
    });
    const clock = PacedClock.following(embedded.clock, o.speed);
    const target = new LiveTarget({
      baseUrl: embedded.baseUrl,
      adminApiKey: embedded.adminApiKey,
      gwmpHost: embedded.gwmpHost,
      gwmpPort: embedded.gwmpPort,
      lnsHost: o.lnsHost,
      nowMs: () => clock.nowMs(),
      entropyRefreshMs: o.entropyIntervalMs,
    });
    return { target, clock, embedded };
  }
  const { baseUrl } = o.target;
  const adminApiKey = o.adminKey ?? (existsSync('.data/admin.key') ? readFileSync('.data/admin.key', 'utf8').trim() : null);
  if (!adminApiKey) throw new UsageError('--target URL needs --admin-key (or ./.data/admin.key) to register the hotspot maker');
  const clock = new PacedClock(await serverTimeMs(baseUrl), o.speed);
  const gwmp = o.gwmp ?? { host: new URL(baseUrl).hostname, port: 1700 };
  const target = new LiveTarget({
    baseUrl,
    adminApiKey,
    gwmpHost: gwmp.host,
    gwmpPort: gwmp.port,
    lnsHost: o.lnsHost,
    nowMs: () => clock.nowMs(),
    entropyRefreshMs: o.entropyIntervalMs,
    deviceMakerStatePath: o.deviceMakerStatePath,
    note: (message) => process.stderr.write(`simulator: ${message}\n`),
  });
  return { target, clock, embedded: null };
}

async function main(argv: string[]): Promise<number> {
  let options: SimCliOptions;
  try {
    options = parseSimArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${HELP}`);
      return 2;
    }
    throw e;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const world = worldFor(options);
  const prepared = await prepareTarget(options);
  if (prepared.embedded) {
    const realMinutes = options.durationMs / options.speed / 60_000;
    process.stderr.write(`embedded backend at ${prepared.embedded.baseUrl} (docs ${prepared.embedded.baseUrl}/docs); ${(options.durationMs / 3_600_000).toFixed(1)} simulated hours at ${options.speed}x take about ${realMinutes.toFixed(1)} real minutes\n`);
  }
  try {
    const { summary } = await runSimulation({
      scenario: options.scenario.name,
      world,
      target: prepared.target,
      clock: prepared.clock,
      options: simulationOptions(options),
      recordPath: options.recordPath,
      labelsPath: options.labelsPath,
      summaryPath: options.summaryPath,
      progress: options.progress ? progressBars() : silentProgress,
    });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (prepared.embedded && options.keepRunning) {
      process.stderr.write(`backend still running at ${prepared.embedded.baseUrl}; Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await prepared.embedded?.stop();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`simulator failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
