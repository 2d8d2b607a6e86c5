/**
 * HIP-106 reciprocity: a hotspot only earns from PoC if it both sends and hears beacons. Runs
 * after the per-report checks, over times the verifier keeps per hotspot. A beacon with no recent
 * witness activity by its beaconer invalidates the whole PoC (beacon and all witnesses).
 */
import type { CheckFailure } from './context';
import type { ReciprocityInvalidReason } from './reasons';
import { RECIPROCITY_WINDOW_MS } from './thresholds';

type ReciprocityFailure = CheckFailure<ReciprocityInvalidReason> | null;

/** Helium requires (now - last) < window, strictly; a missing time fails. */
function withinWindow(atMs: number, lastAtMs: number | null, windowMs: number): boolean {
  return lastAtMs !== null && atMs - lastAtMs < windowMs;
}

/**
 * The beaconer must have produced a witness that passed the per-report checks within the window
 * before this beacon (Helium's `last_witness`).
 */
export function checkBeaconerReciprocity(
  beaconReceivedAtMs: number,
  beaconerLastWitnessAtMs: number | null,
  windowMs: number = RECIPROCITY_WINDOW_MS,
): ReciprocityFailure {
  if (withinWindow(beaconReceivedAtMs, beaconerLastWitnessAtMs, windowMs)) return null;
  return {
    reason: 'gateway_no_valid_witnesses',
    details: {
      side: 'beaconer',
      beaconReceivedAtMs,
      lastWitnessAtMs: beaconerLastWitnessAtMs,
      sinceLastWitnessMs: beaconerLastWitnessAtMs === null ? null : beaconReceivedAtMs - beaconerLastWitnessAtMs,
      windowMs,
    },
  };
}

/**
 * The witness must have sent a valid beacon that someone heard within the window before this
 * witness report (Helium's `last_beacon_recip`).
 */
export function checkWitnessReciprocity(
  witnessReceivedAtMs: number,
  witnessLastBeaconAtMs: number | null,
  windowMs: number = RECIPROCITY_WINDOW_MS,
): ReciprocityFailure {
  if (withinWindow(witnessReceivedAtMs, witnessLastBeaconAtMs, windowMs)) return null;
  return {
    reason: 'gateway_no_valid_beacons',
    details: {
      side: 'witness',
      witnessReceivedAtMs,
      lastBeaconAtMs: witnessLastBeaconAtMs,
      sinceLastBeaconMs: witnessLastBeaconAtMs === null ? null : witnessReceivedAtMs - witnessLastBeaconAtMs,
      windowMs,
    },
  };
}
