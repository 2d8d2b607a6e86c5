/**
 * What a hotspot claims about a beacon it witnessed. Honest hotspots report what their radio
 * measured. Cheaters report something else, each computed the way such a cheater would: from the
 * asserted geometry everyone can look up, since that is what the verifier compares against.
 */
import type { LatLng } from '@cov/shared/geo/lat-lng';
import { freeSpacePathLossDb, logDistancePathLossDb } from '@cov/shared/rf/path-loss';
import { gainDbiFromX10Truncated } from '@cov/shared/rf/link-budget';
import { noiseFloorDbm, receiverSensitivityDbm } from '@cov/shared/rf/receiver';
import type { SpreadingFactor } from '@cov/shared/regions/region-plan';
import type { SeededRandom } from '../random/seeded-random';
import { MAX_REPORTED_SNR_DB, quantiseSnrDb } from '../radio/receiver';
import { distanceM } from '../world/geodesy';
import type { CheatProfile } from './cheater-kinds';

export interface WitnessClaim {
  rssiDbm: number;
  snrDb: number;
}

export interface ClaimGeometry {
  beaconerAsserted: LatLng & { gainDbiX10: number };
  witnessAsserted: LatLng & { gainDbiX10: number };
  /** Transmit power the beacon report claims. */
  reportedTxPowerDbm: number;
  frequencyHz: number;
  spreadingFactor: SpreadingFactor;
  bandwidthHz: number;
}

/** The exponent a fabricator assumes; a textbook suburban value, not the real channel. */
export const TEXTBOOK_EXPONENT = 3;
const ASSUMED_NOISE_FIGURE_DB = 6;

function assertedDistanceM(g: ClaimGeometry): number {
  return Math.max(1, distanceM(g.beaconerAsserted, g.witnessAsserted));
}

/** Helium's free-space bound from the asserted geometry (gains truncated to whole dB). */
export function assertedFreeSpaceBoundDbm(g: ClaimGeometry): number {
  return (
    g.reportedTxPowerDbm +
    gainDbiFromX10Truncated(g.beaconerAsserted.gainDbiX10) +
    gainDbiFromX10Truncated(g.witnessAsserted.gainDbiX10) -
    freeSpacePathLossDb(assertedDistanceM(g), g.frequencyHz)
  );
}

/** RSSI a log-distance curve predicts from the asserted geometry, no shadowing, no fading. */
export function modelRssiDbm(g: ClaimGeometry, exponent: number): number {
  return (
    g.reportedTxPowerDbm +
    g.beaconerAsserted.gainDbiX10 / 10 +
    g.witnessAsserted.gainDbiX10 / 10 -
    logDistancePathLossDb(assertedDistanceM(g), g.frequencyHz, exponent)
  );
}

function snrFor(rssiDbm: number, bandwidthHz: number): number {
  return Math.min(MAX_REPORTED_SNR_DB, rssiDbm - noiseFloorDbm(bandwidthHz, ASSUMED_NOISE_FIGURE_DB));
}

/** RSSI too strong for the claimed distance: above the free-space bound by a few to a dozen dB. */
export function tooStrongClaim(g: ClaimGeometry, profile: Extract<CheatProfile, { kind: 'rssi_too_strong' }>, rng: SeededRandom): WitnessClaim {
  const rssiDbm = Math.ceil(assertedFreeSpaceBoundDbm(g) + rng.uniform(profile.minExcessDb, profile.maxExcessDb));
  return { rssiDbm, snrDb: quantiseSnrDb(snrFor(rssiDbm, g.bandwidthHz)) };
}

/** Exactly on the curve: the same distance always gives the same number, to the decibel. */
export function onModelClaim(g: ClaimGeometry, profile: Extract<CheatProfile, { kind: 'rssi_on_model' }>): WitnessClaim {
  const rssiDbm = Math.round(modelRssiDbm(g, profile.exponent));
  return { rssiDbm, snrDb: quantiseSnrDb(snrFor(rssiDbm, g.bandwidthHz)) };
}

/**
 * A gaming ring's invented witness: the curve plus some noise so it does not look computed, kept
 * below the free-space bound and above sensitivity so single-report checks pass.
 */
export function ringClaim(g: ClaimGeometry, rng: SeededRandom): WitnessClaim {
  const ceiling = assertedFreeSpaceBoundDbm(g) - 1;
  const floor = receiverSensitivityDbm(g.spreadingFactor, g.bandwidthHz, ASSUMED_NOISE_FIGURE_DB) + 2;
  const wanted = modelRssiDbm(g, TEXTBOOK_EXPONENT) + rng.normal(0, 4);
  const rssiDbm = Math.floor(Math.max(floor, Math.min(ceiling, wanted)));
  return { rssiDbm, snrDb: quantiseSnrDb(snrFor(rssiDbm, g.bandwidthHz) + rng.normal(0, 1)) };
}

/** A hotspot "hearing" itself: as loud as a radio next to its own antenna would be. */
export function selfWitnessClaim(rng: SeededRandom): WitnessClaim {
  return { rssiDbm: rng.int(-45, -30), snrDb: quantiseSnrDb(rng.uniform(9, 12)) };
}
