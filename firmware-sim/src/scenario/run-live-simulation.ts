/**
 * A run against a backend that shares its (accelerated) clock with the simulator: the demo, the
 * fraud scoring run and the end-to-end tests all drive an in-process backend this way. The
 * simulator follows the backend's clock exactly, so events reach the backend when its own clock
 * says they happen.
 */
import type { Clock } from '@cov/shared/clock';
import { silentProgress, type ProgressView } from '../cli/progress';
import type { SimWorld } from '../world/world';
import { LiveTarget } from './live-target';
import type { Recorder } from './recorder';
import { runSimulation } from './run-simulation';
import type { RunSummary } from './run-summary';
import { PacedClock } from './sim-clock';
import type { Simulation } from './simulation';

const MINUTE = 60_000;

export interface LiveBackend {
  baseUrl: string;
  adminApiKey: string;
  gwmpHost: string;
  gwmpPort: number;
  /** The backend's clock; the simulator follows it. */
  clock: Clock;
}

export interface LiveRunInputs {
  scenario: string;
  world: SimWorld;
  backend: LiveBackend;
  /** How much faster than real time the backend's clock runs. */
  speed: number;
  durationMs: number;
  makerName: string;
  beaconIntervalMs: number;
  entropyValidityMs: number;
  /** Share of confirmed uplinks whose application also asks for a downlink. */
  appDownlinkShare?: number;
  /** See TrafficSettings.firstJoinSpreadMs. */
  firstJoinSpreadMs?: number;
  setupConcurrency?: number;
  /**
   * File where the simulated device makers remember their organisations (id, API key, route), so a
   * run on the same backend data reuses them and points their routes at its own network server.
   * None: every run creates new organisations (tests, the demo).
   */
  deviceMakerStatePath?: string | null;
  /** Notes of the device makers about their remembered organisations. */
  note?: (message: string) => void;
  /** Ends the run early: simulated time stops, connections close and the network server stops. */
  signal?: AbortSignal;
  recorder?: Recorder;
  progress?: ProgressView;
}

/**
 * Keepalives and gateway stats about once a real second and every five real seconds: their
 * simulated 10 s and 30 s defaults would flood the router at high speeds.
 */
export const gwmpKeepaliveMsAt = (speed: number) => Math.max(10_000, Math.round(speed * 1_000));
export const gwmpStatIntervalMsAt = (speed: number) => Math.max(30_000, Math.round(speed * 5_000));

export function runLiveSimulation(inputs: LiveRunInputs): Promise<{ summary: RunSummary; simulation: Simulation }> {
  const { backend, speed } = inputs;
  const clock = PacedClock.following(backend.clock, speed);
  return runSimulation({
    scenario: inputs.scenario,
    world: inputs.world,
    target: new LiveTarget({
      baseUrl: backend.baseUrl,
      adminApiKey: backend.adminApiKey,
      gwmpHost: backend.gwmpHost,
      gwmpPort: backend.gwmpPort,
      lnsHost: '127.0.0.1',
      nowMs: () => clock.nowMs(),
      entropyRefreshMs: MINUTE,
      deviceMakerStatePath: inputs.deviceMakerStatePath ?? null,
      ...(inputs.note ? { note: inputs.note } : {}),
    }),
    clock,
    ...(inputs.recorder ? { recorder: inputs.recorder } : {}),
    ...(inputs.signal ? { signal: inputs.signal } : {}),
    progress: inputs.progress ?? silentProgress,
    options: {
      durationMs: inputs.durationMs,
      makerName: inputs.makerName,
      setupConcurrency: inputs.setupConcurrency ?? 8,
      beaconIntervalMs: inputs.beaconIntervalMs,
      entropyValidityMs: inputs.entropyValidityMs,
      gwmpKeepaliveMs: gwmpKeepaliveMsAt(speed),
      gwmpStatIntervalMs: gwmpStatIntervalMsAt(speed),
      appDownlinkShare: inputs.appDownlinkShare ?? 0,
      ...(inputs.firstJoinSpreadMs === undefined ? {} : { firstJoinSpreadMs: inputs.firstJoinSpreadMs }),
    },
  });
}
