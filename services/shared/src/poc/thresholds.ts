/**
 * Every tunable number of the PoC checks, with its unit and where it comes from. Helium numbers
 * are from reference/helium-poc.md (iot_verifier at oracles@824f7724); the ones marked "ours"
 * belong to checks Helium did not have.
 */

const HOUR_MS = 3_600_000;

/** One beacon per 6 h window aligned to the Unix epoch (00/06/12/18 UTC). Helium `beacon_interval`. */
export const BEACON_INTERVAL_MS = 6 * HOUR_MS;

/** A report is valid up to 180 s after its entropy's start. Helium `ENTROPY_LIFESPAN`. */
export const ENTROPY_LIFESPAN_MS = 180_000;

/** Witness must arrive within 4 s of the beacon report. Helium `MAX_BEACON_TO_WITNESS_LAG`. */
export const MAX_BEACON_TO_WITNESS_LAG_MS = 4_000;

/** ...or within 1.5 s of the first witness when a witness beat the beacon. Helium `MAX_WITNESS_LAG`. */
export const MAX_WITNESS_LAG_MS = 1_500;

/** Witness and beacon frequency may differ by at most 100 kHz (inclusive). Helium poc.rs. */
export const FREQUENCY_TOLERANCE_HZ = 100_000;

/** Beaconer and witness must be at least 8 grid steps apart... Helium `POC_CELL_DISTANCE_MINIMUM`. */
export const MIN_CELL_DISTANCE = 8;

/** ...counted between their resolution-11 ancestors. Helium `POC_CELL_PARENT_RES`. */
export const CELL_DISTANCE_RESOLUTION = 11;

/**
 * Ours. When H3 cannot count grid steps (near pentagons, across distant icosahedron faces) Helium
 * rejected the witness as below_min_distance; we compare the great-circle distance with the
 * distance 8 resolution-11 steps span instead: ~49.6 m between res-11 centres x 8 ≈ 400 m
 * (reference/helium-poc.md §2.3).
 */
export const MIN_DISTANCE_FALLBACK_M = 400;

/** Links longer than 100 km are rejected, compared as floor(distanceM / 1000) > 100. Helium `POC_DISTANCE_LIMIT`. */
export const MAX_DISTANCE_KM = 100;

/** Helium allows no margin over the free-space bound. */
export const RSSI_MARGIN_DB = 0;

/**
 * Ours. Noise figure for the sensitivity floor: Semtech's 6 dB, which reproduces the SX127x
 * datasheet's -137 dBm at SF12BW125.
 */
export const NOISE_FIGURE_DB = 6;

/**
 * Ours. How far under the modelled sensitivity an RSSI may sit before it is implausible. SX1302
 * concentrators are specified about 4 dB better than the NF-6 model (-141 vs -137 dBm at SF12) and
 * report RSSI to about ±2 dB, so 6 dB keeps honest hardware clear of the floor.
 */
export const SENSITIVITY_MARGIN_DB = 6;

/**
 * Ours. How far under the demodulation floor (-7.5 dB at SF7 ... -20 dB at SF12) a reported SNR may
 * sit: one spreading-factor step, since concentrators demodulate and report slightly past the
 * nominal limit.
 */
export const SNR_MARGIN_DB = 2.5;

/** Ours. Reported transmit power may exceed max EIRP minus antenna gain by this much (none). */
export const TX_POWER_MARGIN_DB = 0;

/** HIP-106: a beaconer must have witnessed, and a witness must have beaconed, within 48 h. */
export const RECIPROCITY_WINDOW_MS = 48 * HOUR_MS;

export interface PocThresholds {
  beaconIntervalMs: number;
  entropyLifespanMs: number;
  maxBeaconToWitnessLagMs: number;
  maxWitnessLagMs: number;
  frequencyToleranceHz: number;
  minCellDistance: number;
  cellDistanceResolution: number;
  minDistanceFallbackM: number;
  maxDistanceKm: number;
  rssiMarginDb: number;
  /**
   * Ours. Cap the beacon's reported transmit power at the region's max EIRP minus the beaconer's
   * antenna gain before the bad_rssi bound. false reproduces Helium's (uncapped) verdicts.
   */
  capTxPowerAtMaxEirp: boolean;
  noiseFigureDb: number;
  sensitivityMarginDb: number;
  snrMarginDb: number;
  txPowerMarginDb: number;
  reciprocityWindowMs: number;
}

export const DEFAULT_POC_THRESHOLDS: Readonly<PocThresholds> = Object.freeze({
  beaconIntervalMs: BEACON_INTERVAL_MS,
  entropyLifespanMs: ENTROPY_LIFESPAN_MS,
  maxBeaconToWitnessLagMs: MAX_BEACON_TO_WITNESS_LAG_MS,
  maxWitnessLagMs: MAX_WITNESS_LAG_MS,
  frequencyToleranceHz: FREQUENCY_TOLERANCE_HZ,
  minCellDistance: MIN_CELL_DISTANCE,
  cellDistanceResolution: CELL_DISTANCE_RESOLUTION,
  minDistanceFallbackM: MIN_DISTANCE_FALLBACK_M,
  maxDistanceKm: MAX_DISTANCE_KM,
  rssiMarginDb: RSSI_MARGIN_DB,
  capTxPowerAtMaxEirp: true,
  noiseFigureDb: NOISE_FIGURE_DB,
  sensitivityMarginDb: SENSITIVITY_MARGIN_DB,
  snrMarginDb: SNR_MARGIN_DB,
  txPowerMarginDb: TX_POWER_MARGIN_DB,
  reciprocityWindowMs: RECIPROCITY_WINDOW_MS,
});

/** Thresholds Helium used, for reproducing its verdicts (no tx-power cap). */
export const HELIUM_POC_THRESHOLDS: Readonly<PocThresholds> = Object.freeze({
  ...DEFAULT_POC_THRESHOLDS,
  capTxPowerAtMaxEirp: false,
});

/*
 * Every check resolves its thresholds, hundreds of thousands of times per verifier batch, always
 * with the same overrides object; rebuilding the merged object each time was one of the
 * verifier's largest costs (and its garbage). Resolved sets are frozen and kept per overrides
 * object.
 */
const resolvedThresholds = new WeakMap<Partial<PocThresholds>, Readonly<PocThresholds>>();

export function resolveThresholds(overrides?: Partial<PocThresholds>): Readonly<PocThresholds> {
  if (!overrides) return DEFAULT_POC_THRESHOLDS;
  let resolved = resolvedThresholds.get(overrides);
  if (!resolved) resolvedThresholds.set(overrides, (resolved = Object.freeze({ ...DEFAULT_POC_THRESHOLDS, ...overrides })));
  return resolved;
}
