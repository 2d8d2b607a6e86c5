/**
 * Use case: pay one epoch. Everything happens in one REPEATABLE READ transaction, so all inputs
 * come from one snapshot and the epoch is paid entirely or not at all: the per-hotspot rows, the
 * lifetime index, the epoch row with its manifest, and (just before commit) the published files.
 * If the process dies anywhere before the commit, nothing is recorded and the next attempt
 * computes the same manifest again from the same rows and rewrites the same file bytes; once
 * committed, the epoch row (primary key) makes a second payment impossible.
 *
 * Epochs are paid in order (each manifest carries lifetime totals that build on the previous one)
 * and only when their inputs are complete: every beacon report received in the epoch verified, and
 * (unless the fraud policy ignores flags) the verifier's fraud analytics written for the epoch.
 */
import { gzipSync } from 'node:zlib';
import { rewardDistribution } from '@cov/shared/rewards/reward-distribution';
import { burnJournalStore, unsettledBurnsBefore } from '@cov/shared/routing/burn-journal';
import { BurnSettler } from '@cov/shared/routing/burn-settler';
import { countPendingBeacons, fraudAnalysisPending } from './epoch-inputs-repository';
import { epochWindow } from './epoch-window';
import { assembleEpoch } from './assemble-epoch';
import { writeFilesAtomically } from './manifest-files';
import { deleteProvisionalEpochsThrough } from './provisional-rewards-repository';
import type { RewarderDeps } from './rewarder-deps';
import {
  findRewardEpoch,
  insertHotspotAmounts,
  insertRewardEpoch,
  latestComputedEpoch,
  lifetimeFromIndex,
  parameterSetForEpoch,
} from './rewards-repository';

/** Points where a test can make the computation fail, to show that a crash there leaves no trace. */
export interface ComputeHooks {
  afterHotspotRows?(): void | Promise<void>;
  afterFilesWritten?(): void | Promise<void>;
}

export type WaitReason = 'beacons_pending' | 'burns_unsettled' | 'fraud_analysis_pending' | 'previous_epoch_not_computed' | 'no_parameter_set' | 'locked';

export type ComputeOutcome =
  | { status: 'computed'; epoch: number; manifestHash: string; fileName: string; hotspots: number; seconds: number; timings: Record<string, number>; rssMb: Record<string, number> }
  | { status: 'already_computed'; epoch: number; manifestHash: string; fileName: string }
  | { status: 'waiting'; epoch: number; reason: WaitReason; detail: string; pendingBeacons?: number };

// pg advisory lock key ("rwd-epch"): one process computes at a time.
const COMPUTE_LOCK = '8248171388690522984';

export async function computeEpoch(deps: RewarderDeps, epoch: number, hooks: ComputeHooks = {}): Promise<ComputeOutcome> {
  const window = epochWindow(epoch, deps.epochLengthMs);
  const started = performance.now();

  await settleBurns(deps);
  const outcome = await deps.sql.begin('isolation level repeatable read', async (tx): Promise<ComputeOutcome> => {
    const [lock] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${COMPUTE_LOCK}::int8) as locked`;
    if (!lock?.locked) return { status: 'waiting', epoch, reason: 'locked', detail: 'another rewarder process is computing an epoch' };
    // Sorts and hashes over millions of verdicts stay in memory instead of spilling to disk.
    await tx`set local work_mem = '256MB'`;

    const existing = await findRewardEpoch(tx, epoch);
    if (existing) return { status: 'already_computed', epoch, manifestHash: existing.manifestHash, fileName: existing.fileName };
    const latest = await latestComputedEpoch(tx);
    if (latest !== undefined && epoch !== latest + 1) {
      return { status: 'waiting', epoch, reason: 'previous_epoch_not_computed', detail: `epochs are paid in order; latest paid is ${latest}` };
    }
    const pendingBeacons = await countPendingBeacons(tx, window);
    if (pendingBeacons > 0) {
      return { status: 'waiting', epoch, reason: 'beacons_pending', detail: `${pendingBeacons} beacon reports received in the epoch are not verified yet`, pendingBeacons };
    }
    const unsettled = await unsettledBurnsBefore(tx, window.endMs);
    if (unsettled > 0) {
      return { status: 'waiting', epoch, reason: 'burns_unsettled', detail: `${unsettled} burn journal rows with packets of the epoch are not recorded as bought copies yet` };
    }
    const parameterSet = await parameterSetForEpoch(tx, epoch);
    if (!parameterSet) return { status: 'waiting', epoch, reason: 'no_parameter_set', detail: 'no protocol parameter set is in force for the epoch' };
    // Flags written after payment would be too late to exclude anyone.
    if (parameterSet.params.fraudPolicy !== 'ignore') {
      const fraudPending = await fraudAnalysisPending(tx, window);
      if (fraudPending) return { status: 'waiting', epoch, reason: 'fraud_analysis_pending', detail: fraudPending };
    }

    const assembled = await assembleEpoch(tx, {
      window,
      epochLengthMs: deps.epochLengthMs,
      parameterSet,
      lifetimeBefore: await lifetimeFromIndex(tx),
      secretKey: deps.oracleKey.secretKey,
    });
    const { built, signed } = assembled;
    const m = built.manifest;
    const timings = { ...assembled.timings };
    let mark = performance.now();

    await insertHotspotAmounts(
      tx,
      epoch,
      built.paid.map((p) => ({
        address: p.row.address,
        beaconAmount: p.beaconAmount,
        witnessAmount: p.witnessAmount,
        dataAmount: p.dataAmount,
        beaconSharesE8: p.row.beaconSharesE8,
        witnessSharesE8: p.row.witnessSharesE8,
        dataDc: p.row.dataDc,
        lifetimeAmount: p.lifetimeAmount,
      })),
    );
    // From the commit on, owners read the paid amounts instead of the provisional ones.
    await deleteProvisionalEpochsThrough(tx, epoch);
    await hooks.afterHotspotRows?.();
    timings.hotspotRowsSeconds = (performance.now() - mark) / 1000;
    mark = performance.now();

    const { flagged, ...inputCounts } = m.inputs;
    await insertRewardEpoch(
      tx,
      {
        epoch,
        startMs: window.startMs,
        endMs: window.endMs,
        parameterSetId: parameterSet.id,
        manifestHash: signed.hash,
        signature: signed.signature,
        oraclePublicKey: signed.publicKey,
        merkleRoot: m.lifetime.merkleRoot,
        fileName: assembled.fileName,
        emission: BigInt(m.totals.emission),
        hotspotsRewarded: m.hotspots.length,
        beaconAmount: BigInt(m.totals.beacon),
        witnessAmount: BigInt(m.totals.witness),
        dataAmount: BigInt(m.totals.data),
        operationsAmount: BigInt(m.totals.operations),
        oraclesAmount: BigInt(m.totals.oracles),
        unallocatedAmount: BigInt(m.totals.unallocated),
        dcBurned: BigInt(m.accounting.dcBurned),
        dcBurnedUsd: m.accounting.dcBurnedUsd,
        tokenPriceUsd: m.accounting.tokenPriceUsd,
        emittedUsd: m.accounting.tokensEmittedUsd,
        summary: {
          parameters: { setId: parameterSet.id, hash: parameterSet.paramsHash, effectiveFromEpoch: parameterSet.effectiveFromEpoch },
          inputs: { ...inputCounts, flaggedHotspots: flagged.length },
          rates: m.rates,
          pools: m.pools,
          unallocated: m.unallocated,
          merkleLeaves: m.lifetime.leaves,
          heliumFiles: assembled.heliumFiles.map((f) => f.name),
          perHotspot: rewardDistribution(built.paid.map((p) => p.beaconAmount + p.witnessAmount + p.dataAmount)),
        },
        computedAtMs: deps.clock.nowMs(),
      },
      gzipSync(assembled.text),
    );

    // Published before the commit: a crash after this point leaves files that the retry rewrites
    // with the same bytes; publishing after the commit could leave a paid epoch unpublished.
    writeFilesAtomically(deps.manifestsDir, [{ name: assembled.fileName, bytes: assembled.text }, ...assembled.heliumFiles]);
    await hooks.afterFilesWritten?.();
    timings.epochRowAndFilesSeconds = (performance.now() - mark) / 1000;

    return { status: 'computed', epoch, manifestHash: signed.hash, fileName: assembled.fileName, hotspots: m.hotspots.length, seconds: 0, timings, rssMb: assembled.rssMb };
  });
  if (outcome.status === 'computed') outcome.seconds = (performance.now() - started) / 1000;
  return outcome;
}

/**
 * Bought copies reach `packet_copies` when the router settles its burn journal, normally within
 * milliseconds; a router that crashed leaves rows behind. Settling them here (exactly once, beside
 * any router doing the same) means an epoch never waits for a router to come back. A row that
 * cannot be settled is set aside and the epoch waits on it (burns_unsettled) rather than miss its
 * copies.
 */
async function settleBurns(deps: RewarderDeps): Promise<void> {
  const settler = new BurnSettler({ store: burnJournalStore(deps.sql), delayMs: 0, sweepMs: 60_000, maxRows: 200, logger: deps.logger });
  await settler.drain();
}
