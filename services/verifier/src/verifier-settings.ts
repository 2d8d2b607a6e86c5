/**
 * The verifier's settings, derived once from the process config: batch sizes and the time
 * allowances that decide when a beacon may be verified and which evidence reciprocity may use.
 */
import type { Config } from '@cov/shared/config/config';
import type { PocThresholds } from '@cov/shared/poc/thresholds';
import { RECIPROCITY_WINDOW_MS } from '@cov/shared/poc/thresholds';

export interface VerifierSettings {
  pollIntervalMs: number;
  batchBeacons: number;
  concurrency: number;
  /** How long a poller's claim on the beacons it queued keeps other pollers off them (clock ms). */
  claimTtlMs: number;
  maxWitnessesPerPoc: number;
  beaconIntervalMs: number;
  entropyValidityMs: number;
  witnessLagAllowanceMs: number;
  reciprocitySettleMs: number;
  reciprocityWindowMs: number;
  staleWitnessAfterMs: number;
  epochLengthMs: number;
  /**
   * Write witness verdicts with COPY (server mode). The embedded database's socket server does not
   * speak COPY FROM STDIN, so embedded mode inserts them from one jsonb document instead.
   */
  copyWitnessVerdicts: boolean;
}

export function verifierSettingsFrom(config: Config): VerifierSettings {
  return {
    pollIntervalMs: config.VERIFIER_POLL_INTERVAL_MS,
    batchBeacons: config.VERIFIER_BATCH_BEACONS,
    concurrency: config.VERIFIER_CONCURRENCY,
    claimTtlMs: config.VERIFIER_CLAIM_TTL_MS,
    maxWitnessesPerPoc: config.MAX_WITNESSES_PER_POC,
    beaconIntervalMs: config.BEACON_INTERVAL_MS,
    entropyValidityMs: config.ENTROPY_VALIDITY_MS,
    witnessLagAllowanceMs: config.VERIFIER_WITNESS_LAG_ALLOWANCE_MS,
    reciprocitySettleMs: config.VERIFIER_RECIPROCITY_SETTLE_MS,
    reciprocityWindowMs: RECIPROCITY_WINDOW_MS,
    staleWitnessAfterMs: config.VERIFIER_STALE_WITNESS_AFTER_MS,
    epochLengthMs: config.EPOCH_LENGTH_MS,
    copyWitnessVerdicts: config.mode === 'server',
  };
}

/** The check thresholds that are deployment settings rather than protocol constants. */
export function pocThresholdsFrom(settings: VerifierSettings): Partial<PocThresholds> {
  return {
    beaconIntervalMs: settings.beaconIntervalMs,
    entropyLifespanMs: settings.entropyValidityMs,
    reciprocityWindowMs: settings.reciprocityWindowMs,
  };
}

export function epochOf(receivedAtMs: number, epochLengthMs: number): number {
  return Math.floor(receivedAtMs / epochLengthMs);
}
