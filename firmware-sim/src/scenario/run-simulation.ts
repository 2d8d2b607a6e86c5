/**
 * One complete run, shared by `npm run sim` and `npm run demo`: labels first (they exist even if
 * the run fails), then setup and simulated time with progress, then the summary and the files.
 */
import { writeFileSync } from 'node:fs';
import { buildLabels, writeLabels } from '../cheaters/labels';
import type { ProgressView } from '../cli/progress';
import type { SimWorld } from '../world/world';
import { MemoryRecorder, NdjsonRecorder, nullRecorder, type Recorder } from './recorder';
import { buildRunSummary, type RunSummary } from './run-summary';
import type { SimClock } from './sim-clock';
import { Simulation, type SimulationOptions } from './simulation';
import type { SimTarget } from './target';

export interface RunInputs {
  scenario: string;
  world: SimWorld;
  target: SimTarget;
  clock: SimClock;
  options: SimulationOptions;
  recordPath?: string | null;
  /** Keep the record in memory instead (tests). */
  recorder?: Recorder;
  labelsPath?: string | null;
  summaryPath?: string | null;
  progress: ProgressView;
  /** Ends simulated time early (the setup, once begun, completes). */
  signal?: AbortSignal;
}

export async function runSimulation(inputs: RunInputs): Promise<{ summary: RunSummary; simulation: Simulation }> {
  if (inputs.labelsPath) writeLabels(inputs.labelsPath, buildLabels(inputs.world, inputs.scenario));
  const recorder = inputs.recorder ?? (inputs.recordPath ? new NdjsonRecorder(inputs.recordPath) : nullRecorder);
  const simulation = new Simulation(inputs.world, inputs.target, inputs.clock, recorder, inputs.options, (p) => inputs.progress.update(p));
  try {
    await simulation.setup();
    inputs.progress.stop();
    await simulation.run(inputs.signal);
  } finally {
    inputs.progress.stop();
    await simulation.shutdown();
  }
  const summary = buildRunSummary({
    scenario: inputs.scenario,
    world: inputs.world,
    target: inputs.target.description,
    startMs: simulation.startMs,
    endMs: simulation.endMs,
    speed: inputs.clock.virtual ? null : inputs.clock.speed,
    beaconIntervalMs: inputs.options.beaconIntervalMs,
    realElapsedMs: simulation.realElapsedMs,
    setup: simulation.setupReport,
    stats: simulation.stats,
    recordedMessages: recorder.count,
  });
  if (inputs.summaryPath) writeFileSync(inputs.summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  return { summary, simulation };
}

export { MemoryRecorder };
