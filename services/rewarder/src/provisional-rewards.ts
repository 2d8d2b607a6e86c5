/**
 * Use case: provisional rewards, what owners read as "earned so far". For each epoch not paid yet
 * that is still open or just ended (the current one, and the previous one while it waits for its
 * payment), the epoch is computed exactly as it will be paid (epoch-amounts.ts) from the inputs
 * recorded so far, with the emission of the part of the epoch that has elapsed, and its rows are
 * replaced in one transaction. Nothing is signed and nothing is final: beacons not verified yet,
 * fraud flags not written yet and the interactive set at the epoch's end can still change the
 * amounts. Once the previous epoch has ended and every input is in, its provisional amounts are
 * what it will be paid.
 *
 * Runs every PROVISIONAL_REWARDS_INTERVAL_MS; re-running replaces the same rows (idempotent), and a
 * crash mid-run leaves the previous run in place (one transaction per epoch).
 */
import { countPendingBeacons, fraudAnalysisPending } from './epoch-inputs-repository';
import { epochAmounts } from './epoch-amounts';
import { epochOf, epochWindow, type EpochWindow } from './epoch-window';
import { emissionOf } from './parameter-set';
import { activateParameterSet } from './parameter-set-activation';
import { deleteProvisionalEpochsExcept, replaceProvisionalEpoch, type ProvisionalHotspotRow } from './provisional-rewards-repository';
import type { RewarderDeps } from './rewarder-deps';
import { nextEpochToCompute } from './epoch-scheduler';
import { findRewardEpoch, parameterSetForEpoch } from './rewards-repository';

// pg advisory lock key ("rwd-prov"): one process recomputes at a time; another skips its turn.
const PROVISIONAL_LOCK = '8248171388875206518';

export type ProvisionalOutcome =
  | { epoch: number; status: 'computed'; asOfMs: number; hotspots: number; seconds: number }
  | { epoch: number; status: 'skipped'; reason: 'paid' | 'no_parameter_set' | 'locked' };

/**
 * The epochs worth a provisional run at `nowMs`: the current one and the one before it, from the
 * next one the rewarder will pay on (`nextToPay`: after the latest paid, or the epoch of the first
 * input ever; undefined before any input, when only the current one is). An epoch before the
 * first input is never paid, so it is not shown as awaiting payment.
 */
export function openEpochs(nowMs: number, epochLengthMs: number, nextToPay: number | undefined): number[] {
  const current = epochOf(nowMs, epochLengthMs);
  return [current - 1, current].filter((e) => e >= 0 && e >= (nextToPay ?? current));
}

/** The share of the epoch's emission for its elapsed part, [start, asOf), rounded down. */
export function provisionalEmission(emission: bigint, window: EpochWindow, asOfMs: number): bigint {
  const lengthMs = window.endMs - window.startMs;
  const elapsedMs = Math.min(Math.max(asOfMs - window.startMs, 0), lengthMs);
  return (emission * BigInt(elapsedMs)) / BigInt(lengthMs);
}

export async function refreshProvisionalRewards(deps: RewarderDeps): Promise<ProvisionalOutcome[]> {
  const nowMs = deps.clock.nowMs();
  // The set in force for the current epoch, as the epochs tick would make it (serialised with it).
  await activateParameterSet(deps.sql, deps.configuredParameters, nowMs);
  const epochs = openEpochs(nowMs, deps.epochLengthMs, await nextEpochToCompute(deps));
  const outcomes: ProvisionalOutcome[] = [];
  for (const epoch of epochs) {
    const outcome = await computeProvisional(deps, epoch, nowMs);
    outcomes.push(outcome);
    if (outcome.status === 'computed') {
      deps.metrics.provisionalSeconds.observe(outcome.seconds);
      deps.metrics.provisionalAsOfSeconds.set(outcome.asOfMs / 1000);
    }
  }
  // Epochs paid since (the paying transaction removes its own too) or no longer open.
  await deleteProvisionalEpochsExcept(deps.sql, epochs);
  return outcomes;
}

async function computeProvisional(deps: RewarderDeps, epoch: number, nowMs: number): Promise<ProvisionalOutcome> {
  const started = performance.now();
  const window = epochWindow(epoch, deps.epochLengthMs);
  const asOfMs = Math.min(nowMs, window.endMs);
  return deps.sql.begin('isolation level repeatable read', async (tx): Promise<ProvisionalOutcome> => {
    const [lock] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${PROVISIONAL_LOCK}::int8) as locked`;
    if (!lock?.locked) return { epoch, status: 'skipped', reason: 'locked' };
    await tx`set local work_mem = '256MB'`;
    if (await findRewardEpoch(tx, epoch)) return { epoch, status: 'skipped', reason: 'paid' };
    const parameterSet = await parameterSetForEpoch(tx, epoch);
    if (!parameterSet) return { epoch, status: 'skipped', reason: 'no_parameter_set' };

    const emission = provisionalEmission(emissionOf(parameterSet.params), window, asOfMs);
    const amounts = await epochAmounts(tx, { window, inputsUntilMs: asOfMs, epochLengthMs: deps.epochLengthMs, parameterSet, emission });
    const paid = new Map(amounts.rewards.hotspots.map((h) => [h.address, h]));
    const hotspots: ProvisionalHotspotRow[] = amounts.policy.rows.map((r) => {
      const p = paid.get(r.address);
      return {
        address: r.address,
        beaconAmount: p?.beaconAmount ?? 0n,
        witnessAmount: p?.witnessAmount ?? 0n,
        dataAmount: p?.dataAmount ?? 0n,
        beacons: r.beacons,
        witnesses: r.witnesses,
        dataDc: r.dataDc,
      };
    });
    const sum = (pick: (h: ProvisionalHotspotRow) => bigint) => hotspots.reduce((n, h) => n + pick(h), 0n);
    const fraudPending = await fraudAnalysisPending(tx, window);
    await replaceProvisionalEpoch(
      tx,
      {
        epoch,
        startMs: window.startMs,
        endMs: window.endMs,
        asOfMs,
        parameterSetId: parameterSet.id,
        hotspotsRewarded: paid.size,
        emission,
        beaconAmount: sum((h) => h.beaconAmount),
        witnessAmount: sum((h) => h.witnessAmount),
        dataAmount: sum((h) => h.dataAmount),
        dataDc: sum((h) => h.dataDc),
        summary: {
          hotspotsWithInputs: hotspots.length,
          interactiveHotspots: amounts.interactive.length,
          rewardedBeacons: amounts.poc.rewardedBeacons,
          rewardedWitnesses: amounts.poc.rewardedWitnesses,
          flaggedHotspots: amounts.policy.actions.length,
          // What can still change the amounts besides inputs yet to come.
          unverifiedBeacons: await countPendingBeacons(tx, { ...window, endMs: asOfMs }),
          fraudAnalysed: fraudPending === undefined,
        },
        computedAtMs: deps.clock.nowMs(),
      },
      hotspots,
    );
    return { epoch, status: 'computed', asOfMs, hotspots: hotspots.length, seconds: (performance.now() - started) / 1000 };
  });
}
