/**
 * When a beacon may be verified, which witness reports belong to it, and which past evidence
 * HIP-106 reciprocity may look at. These rules are what make verdicts independent of when the
 * verifier happens to run and of the order in which concurrent batches commit.
 */
import type { VerifierSettings } from './verifier-settings';

type Timing = Pick<VerifierSettings, 'entropyValidityMs' | 'witnessLagAllowanceMs' | 'reciprocitySettleMs' | 'reciprocityWindowMs'>;

/**
 * First instant no report can fall inside the entropy window any more. The checks compare whole
 * seconds (start_s <= received_s <= start_s + lifespan_s), so the window really ends one second
 * after start_s + lifespan_s.
 */
export function entropyWindowEndMs(entropyStartMs: number, validityMs: number): number {
  return (Math.floor(entropyStartMs / 1000) + Math.floor(validityMs / 1000) + 1) * 1000;
}

/**
 * A beacon is verified once every witness that could still be valid has arrived: after its
 * entropy window closed (or after the beacon itself arrived, if later), plus an allowance for
 * witnesses in flight. A beacon whose entropy is unknown waits as long as a known one could have.
 */
export function beaconReadyAtMs(beaconReceivedAtMs: number, entropyStartMs: number | null, t: Timing): number {
  const windowEndMs =
    entropyStartMs === null
      ? beaconReceivedAtMs + t.entropyValidityMs + 1000
      : entropyWindowEndMs(entropyStartMs, t.entropyValidityMs);
  return Math.max(windowEndMs, beaconReceivedAtMs) + t.witnessLagAllowanceMs;
}

/**
 * Witness reports (with the beacon's payload) that belong to a beacon: from one entropy lifetime
 * before it (a witness may beat the beacon report to ingest, but not the entropy it embeds) to its
 * ready time. Reports outside are never matched, so the set does not depend on when verification ran.
 */
export function witnessMatchWindow(beaconReceivedAtMs: number, entropyStartMs: number | null, t: Timing): { fromMs: number; toMs: number } {
  return {
    fromMs: beaconReceivedAtMs - t.entropyValidityMs - 1000 - t.witnessLagAllowanceMs,
    toMs: beaconReadyAtMs(beaconReceivedAtMs, entropyStartMs, t),
  };
}

/**
 * Reciprocity evidence for a report received at `atMs`: strictly inside (atMs - 48 h, atMs - settle).
 * Leaving out the most recent `settle` ms costs nothing in practice (48 h window) and makes the
 * evidence complete before anyone looks at it (see frontierAheadMs).
 */
export function reciprocityEvidenceRange(atMs: number, t: Timing): { afterMs: number; beforeMs: number } {
  return { afterMs: atMs - t.reciprocityWindowMs, beforeMs: atMs - t.reciprocitySettleMs };
}

/**
 * How far past the oldest unverified beacon the verifier may work. Evidence before T - settle comes
 * from witness reports matched to beacons received before T - settle + validity + allowance (+1 s
 * of whole-second rounding), and from the witness's own beacons before its report time (at most
 * validity + allowance + 2 s after T); keeping every beacon in flight within this distance of the
 * oldest unverified one guarantees all of that is already verified when a beacon is.
 */
export function frontierAheadMs(t: Timing): number {
  return Math.max(1, t.reciprocitySettleMs - t.entropyValidityMs - t.witnessLagAllowanceMs - 2000);
}
