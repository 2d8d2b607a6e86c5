/**
 * The all-in-one backend inside this process, on an in-memory embedded database, with every
 * service running on a ScaledClock: simulated time starts at `simStartMs` and runs `speed` times
 * faster than real time, and the simulator follows that very clock. Settings come from an explicit
 * environment (not the process's), so a DATABASE_URL in the shell cannot divert a demo.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, type RunningNode } from '@cov/app/compose';
import { ScaledClock } from '@cov/shared/clock';
import { loadConfig, type Config } from '@cov/shared/config/config';
import { pino } from 'pino';
import { serviceNames } from '@cov/shared/runtime/service';

export interface EmbeddedBackend {
  node: RunningNode;
  config: Config;
  clock: ScaledClock;
  baseUrl: string;
  gwmpHost: string;
  gwmpPort: number;
  adminApiKey: string;
  stop(): Promise<void>;
}

export interface EmbeddedBackendOptions {
  simStartMs: number;
  speed: number;
  /** Extra settings (e.g. BEACON_INTERVAL_MS, EPOCH_LENGTH_MS), as environment strings. */
  settings?: Record<string, string>;
  /** HTTP port; 0 (default) picks a free one. */
  port?: number;
  logLevel?: string;
}

/**
 * A few backend settings are periods of real-time timers (how long the router collects copies, how
 * often the verifier and rewarder poll). On an accelerated clock they would stretch by the speed, so
 * they are divided by it here, keeping their meaning in simulated time (with floors that keep the
 * process from spinning).
 */
export function acceleratedTimerSettings(speed: number): Record<string, string> {
  const scaled = (defaultMs: number, floorMs: number) => String(Math.max(floorMs, Math.round(defaultMs / speed)));
  return {
    ROUTER_DEDUP_WINDOW_MS: scaled(200, 20),
    // A quarter of the window, as the defaults (200 and 50 ms): a lead as long as the window would buy every copy apart.
    ROUTER_PURCHASE_LEAD_MS: scaled(50, 5),
    // A hotspot's uplinks per real second grow with the speed; the limit is per simulated second.
    ROUTER_GATEWAY_MAX_UPLINKS_PER_S: String(Math.ceil(25 * speed)),
    ROUTER_ENDPOINT_BACKOFF_MS: scaled(1_000, 10),
    ROUTER_ENDPOINT_BACKOFF_MAX_MS: scaled(60_000, 100),
    VERIFIER_POLL_INTERVAL_MS: scaled(5_000, 200),
    REWARDER_POLL_INTERVAL_MS: scaled(60_000, 500),
  };
}

/** A UDP port nobody uses right now (the router binds it a moment later). */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export async function startEmbeddedBackend(options: EmbeddedBackendOptions): Promise<EmbeddedBackend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cov-sim-'));
  const gwmpHost = '127.0.0.1';
  const gwmpPort = await freeUdpPort(gwmpHost);
  const config = loadConfig({
    PORT: String(options.port ?? 0),
    GWMP_HOST: gwmpHost,
    GWMP_PORT: String(gwmpPort),
    DATA_DIR: dataDir,
    LOG_LEVEL: options.logLevel ?? 'error',
    ...acceleratedTimerSettings(options.speed),
    ...options.settings,
  });
  const clock = new ScaledClock(options.simStartMs, options.speed);
  let node: RunningNode;
  try {
    // Logs go to stderr: stdout carries the run's results (summary JSON, demo tables).
    const logger = pino({ name: 'embedded-backend', level: config.LOG_LEVEL, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
    node = await startNode(config, { services: serviceNames, clock, inMemory: true, logger });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    node,
    config,
    clock,
    baseUrl: node.httpBaseUrl,
    gwmpHost,
    gwmpPort,
    adminApiKey: node.ctx.adminApiKey,
    async stop() {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
