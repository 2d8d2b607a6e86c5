/**
 * Use case run on every rewarder tick: activate the configured parameter set, then pay every epoch
 * that is due (ended, settle delay passed), oldest first, stopping at the first one whose inputs
 * are not complete; that one is retried on the next tick, and the reason is logged and counted.
 * Also republishes the latest epoch's files (manifest and Helium exports) if one went missing from
 * MANIFESTS_DIR.
 */
import { gunzipSync } from 'node:zlib';
import { computeEpoch, type ComputeHooks, type ComputeOutcome } from './compute-epoch';
import { firstInputTimeMs } from './epoch-inputs-repository';
import { epochOf, epochWindow, isEpochDue } from './epoch-window';
import { isPublished, writeFilesAtomically } from './manifest-files';
import { heliumExportFiles } from './helium-export';
import { activateParameterSet } from './parameter-set-activation';
import type { SignedManifest } from './reward-manifest';
import type { RewarderDeps } from './rewarder-deps';
import { findEpochDocument, findEpochFileNames, latestComputedEpoch } from './rewards-repository';

/** The next epoch to pay: the one after the latest paid, or the epoch of the first input ever received. */
export async function nextEpochToCompute(deps: Pick<RewarderDeps, 'sql' | 'epochLengthMs'>): Promise<number | undefined> {
  const latest = await latestComputedEpoch(deps.sql);
  if (latest !== undefined) return latest + 1;
  const first = await firstInputTimeMs(deps.sql);
  return first === undefined ? undefined : epochOf(first, deps.epochLengthMs);
}

export async function runDueEpochs(deps: RewarderDeps, options: { maxEpochs?: number; hooks?: ComputeHooks } = {}): Promise<ComputeOutcome[]> {
  await activateParameterSet(deps.sql, deps.configuredParameters, deps.clock.nowMs());
  await republishLatest(deps);
  const outcomes: ComputeOutcome[] = [];
  const maxEpochs = options.maxEpochs ?? 1000;
  while (outcomes.length < maxEpochs) {
    const epoch = await nextEpochToCompute(deps);
    if (epoch === undefined || !isEpochDue(epochWindow(epoch, deps.epochLengthMs), deps.clock.nowMs(), deps.settleDelayMs)) break;
    const outcome = await computeEpoch(deps, epoch, options.hooks);
    outcomes.push(outcome);
    report(deps, outcome);
    if (outcome.status !== 'computed') break;
  }
  if (!outcomes.some((o) => o.status === 'waiting')) {
    deps.metrics.waitingEpoch.set(-1);
    deps.metrics.pendingBeacons.set(0);
  }
  // From the database, not from what this process did: a restarted rewarder with nothing due yet
  // showed epoch 0 as the last paid, which an 'epoch not paid' alert took for a day's delay.
  const latest = await latestComputedEpoch(deps.sql);
  if (latest !== undefined) deps.metrics.lastComputedEpoch.set(latest);
  const next = await nextEpochToCompute(deps);
  if (next !== undefined) deps.metrics.nextEpochDueSeconds.set((epochWindow(next, deps.epochLengthMs).endMs + deps.settleDelayMs) / 1000);
  return outcomes;
}

function report(deps: RewarderDeps, outcome: ComputeOutcome): void {
  const { logger, metrics } = deps;
  switch (outcome.status) {
    case 'computed':
      metrics.epochsComputed.inc();
      metrics.computeSeconds.observe(outcome.seconds);
      metrics.lastComputedEpoch.set(outcome.epoch);
      logger.info({ epoch: outcome.epoch, manifestHash: outcome.manifestHash, file: outcome.fileName, hotspots: outcome.hotspots, seconds: outcome.seconds, timings: outcome.timings }, 'epoch rewards published');
      break;
    case 'already_computed':
      metrics.lastComputedEpoch.set(outcome.epoch);
      break;
    case 'waiting':
      metrics.epochWaits.inc({ reason: outcome.reason });
      metrics.waitingEpoch.set(outcome.epoch);
      metrics.pendingBeacons.set(outcome.pendingBeacons ?? 0);
      logger.info({ epoch: outcome.epoch, reason: outcome.reason, detail: outcome.detail }, 'epoch is due but not computed yet; will retry');
      break;
  }
}

/** Rewrites the latest epoch's published files from the database copy if any of them is missing. */
export async function republishLatest(deps: RewarderDeps): Promise<boolean> {
  const latest = await latestComputedEpoch(deps.sql);
  if (latest === undefined) return false;
  // Every tick runs this: only the names are read while the files are there, not the gzipped
  // manifest (tens of MB at network scale).
  const names = await findEpochFileNames(deps.sql, latest);
  if (!names || names.every((name) => isPublished(deps.manifestsDir, name))) return false;
  const doc = await findEpochDocument(deps.sql, latest);
  if (!doc) return false;
  const text = gunzipSync(doc.documentGz).toString('utf8');
  const signed = JSON.parse(text) as SignedManifest;
  writeFilesAtomically(deps.manifestsDir, [{ name: doc.fileName, bytes: text }, ...heliumExportFiles(signed.manifest)]);
  deps.logger.warn({ epoch: latest, file: doc.fileName }, 'manifest file was missing; republished it from the database');
  return true;
}
