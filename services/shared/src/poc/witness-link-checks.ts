/**
 * RF and geometry checks on one beacon -> witness link. They run last in the witness order, and
 * alone in `explain-witness`. The first five are Helium's; rssi_below_sensitivity,
 * snr_below_floor and invalid_data_rate are ours (Helium never looked at SNR or data rate).
 */
import { cellCenterDistanceRoundedM, gridDistanceAtResolution } from '../geo/cell-distance';
import { parseLoRaDataRateName } from '../regions/data-rate';
import { findDataRateByName, maxEirpDbm } from '../regions/region-plan';
import { expectedMaxRssi, gainDbiFromX10Truncated } from '../rf/link-budget';
import { loraSnrFloorDb, receiverSensitivityDbm } from '../rf/receiver';
import type { CheckFailure, NamedCheck, Verdict, WitnessLinkContext } from './context';
import { firstFailure } from './context';
import type { WitnessLinkInvalidReason } from './reasons';
import { resolveThresholds } from './thresholds';
import { round3 } from './util';

type LinkFailure = CheckFailure<WitnessLinkInvalidReason> | null;

const observedRssiDbm = (ctx: WitnessLinkContext): number => ctx.witness.signalDbmX10 / 10;
const observedSnrDb = (ctx: WitnessLinkContext): number => ctx.witness.snrDbX10 / 10;

/** Distance Helium feeds into its rules: great-circle between asserted cell centres, whole metres. */
export function linkDistanceM(ctx: WitnessLinkContext): number | null {
  return cellCenterDistanceRoundedM(ctx.beaconer.location, ctx.witnessHotspot.location);
}

export function checkWitnessFrequency(ctx: WitnessLinkContext): LinkFailure {
  const { frequencyToleranceHz } = resolveThresholds(ctx.thresholds);
  const offsetHz = ctx.witness.frequencyHz - ctx.beacon.frequencyHz;
  if (Math.abs(offsetHz) <= frequencyToleranceHz) return null;
  return {
    reason: 'invalid_frequency',
    details: {
      beaconFrequencyHz: ctx.beacon.frequencyHz,
      witnessFrequencyHz: ctx.witness.frequencyHz,
      offsetHz,
      toleranceHz: frequencyToleranceHz,
    },
  };
}

export function checkWitnessRegion(ctx: WitnessLinkContext): LinkFailure {
  if (ctx.beaconer.region === ctx.witnessHotspot.region) return null;
  return {
    reason: 'invalid_region',
    details: { beaconerRegion: ctx.beaconer.region, witnessRegion: ctx.witnessHotspot.region },
  };
}

/**
 * Neighbours must not witness each other: at least 8 steps between the resolution-11 ancestors.
 * Where H3 cannot count the steps (near a pentagon, across distant faces) we fall back to the
 * great-circle distance those steps would span; Helium rejected all such pairs.
 */
export function checkWitnessMinDistance(ctx: WitnessLinkContext): LinkFailure {
  const t = resolveThresholds(ctx.thresholds);
  const grid = gridDistanceAtResolution(ctx.beaconer.location, ctx.witnessHotspot.location, t.cellDistanceResolution);
  if (grid.ok) {
    if (grid.cells >= t.minCellDistance) return null;
    return {
      reason: 'below_min_distance',
      details: {
        cellDistance: grid.cells,
        minCellDistance: t.minCellDistance,
        resolution: t.cellDistanceResolution,
        distanceM: linkDistanceM(ctx),
      },
    };
  }
  const distanceM = linkDistanceM(ctx);
  if (grid.failure === 'not_computable' && distanceM !== null && distanceM >= t.minDistanceFallbackM) return null;
  return {
    reason: 'below_min_distance',
    details: {
      cellDistance: null,
      gridDistanceFailure: grid.failure,
      distanceM,
      minDistanceFallbackM: t.minDistanceFallbackM,
      resolution: t.cellDistanceResolution,
    },
  };
}

/** Helium compares whole kilometres: anything up to 100 999 m passes a 100 km limit. */
export function checkWitnessMaxDistance(ctx: WitnessLinkContext): LinkFailure {
  const { maxDistanceKm } = resolveThresholds(ctx.thresholds);
  const distanceM = linkDistanceM(ctx);
  if (distanceM !== null && Math.floor(distanceM / 1000) <= maxDistanceKm) return null;
  return { reason: 'max_distance_exceeded', details: { distanceM, maxDistanceKm } };
}

export interface LinkBudgetNumbers {
  distanceM: number;
  frequencyHz: number;
  reportedTxPowerDbm: number;
  effectiveTxPowerDbm: number;
  maxEirpDbm: number;
  beaconerGainDbi: number;
  witnessGainDbi: number;
  freeSpacePathLossDb: number;
  expectedMaxRssiDbm: number;
}

/**
 * The free-space bound as Helium computes it (witness-reported frequency, gains truncated to whole
 * dB), with the transmit power capped at the beaconer's region max EIRP minus its gain unless the
 * thresholds turn the cap off. Null when the distance cannot be computed.
 */
export function linkBudget(ctx: WitnessLinkContext): LinkBudgetNumbers | null {
  const distanceM = linkDistanceM(ctx);
  if (distanceM === null) return null;
  const t = resolveThresholds(ctx.thresholds);
  const beaconerGainDbi = gainDbiFromX10Truncated(ctx.beaconer.gainDbiX10);
  const witnessGainDbi = gainDbiFromX10Truncated(ctx.witnessHotspot.gainDbiX10);
  const regionMaxEirpDbm = maxEirpDbm(ctx.beaconer.region);
  const budget = expectedMaxRssi({
    txPowerDbm: ctx.beacon.txPowerDbm,
    transmitterGainDbi: beaconerGainDbi,
    receiverGainDbi: witnessGainDbi,
    distanceM,
    frequencyHz: ctx.witness.frequencyHz,
    ...(t.capTxPowerAtMaxEirp ? { maxEirpDbm: regionMaxEirpDbm } : {}),
  });
  return {
    distanceM,
    frequencyHz: ctx.witness.frequencyHz,
    reportedTxPowerDbm: ctx.beacon.txPowerDbm,
    effectiveTxPowerDbm: budget.effectiveTxPowerDbm,
    maxEirpDbm: regionMaxEirpDbm,
    beaconerGainDbi,
    witnessGainDbi,
    freeSpacePathLossDb: budget.freeSpacePathLossDb,
    expectedMaxRssiDbm: budget.expectedMaxRssiDbm,
  };
}

function roundedBudget(budget: LinkBudgetNumbers): Record<string, number> {
  return {
    ...budget,
    effectiveTxPowerDbm: round3(budget.effectiveTxPowerDbm),
    freeSpacePathLossDb: round3(budget.freeSpacePathLossDb),
    expectedMaxRssiDbm: round3(budget.expectedMaxRssiDbm),
  };
}

/** A witness cannot hear the beacon louder than free space allows. */
export function checkWitnessRssi(ctx: WitnessLinkContext): LinkFailure {
  const { rssiMarginDb } = resolveThresholds(ctx.thresholds);
  const budget = linkBudget(ctx);
  const observed = observedRssiDbm(ctx);
  if (budget && observed <= budget.expectedMaxRssiDbm + rssiMarginDb) return null;
  return {
    reason: 'bad_rssi',
    details: budget
      ? { observedRssiDbm: observed, marginDb: rssiMarginDb, ...roundedBudget(budget) }
      : { observedRssiDbm: observed, distanceM: null },
  };
}

/** Beyond Helium: a packet reported weaker than any receiver could demodulate was not received. */
export function checkWitnessSensitivity(ctx: WitnessLinkContext): LinkFailure {
  const dataRate = parseLoRaDataRateName(ctx.witness.dataRate);
  if (!dataRate) return null; // invalid_data_rate reports it
  const { noiseFigureDb, sensitivityMarginDb } = resolveThresholds(ctx.thresholds);
  const sensitivityDbm = receiverSensitivityDbm(dataRate.spreadingFactor, dataRate.bandwidthHz, noiseFigureDb);
  const observed = observedRssiDbm(ctx);
  if (observed >= sensitivityDbm - sensitivityMarginDb) return null;
  return {
    reason: 'rssi_below_sensitivity',
    details: {
      observedRssiDbm: observed,
      sensitivityDbm: round3(sensitivityDbm),
      marginDb: sensitivityMarginDb,
      noiseFigureDb,
      dataRate: ctx.witness.dataRate,
    },
  };
}

/** Beyond Helium: LoRa cannot demodulate below its spreading factor's SNR floor. */
export function checkWitnessSnr(ctx: WitnessLinkContext): LinkFailure {
  const dataRate = parseLoRaDataRateName(ctx.witness.dataRate);
  if (!dataRate) return null; // invalid_data_rate reports it
  const { snrMarginDb } = resolveThresholds(ctx.thresholds);
  const snrFloorDb = loraSnrFloorDb(dataRate.spreadingFactor);
  const observed = observedSnrDb(ctx);
  if (observed >= snrFloorDb - snrMarginDb) return null;
  return {
    reason: 'snr_below_floor',
    details: { observedSnrDb: observed, snrFloorDb, marginDb: snrMarginDb, dataRate: ctx.witness.dataRate },
  };
}

/**
 * Beyond Helium: a LoRa receiver only decodes a packet at the spreading factor and bandwidth it
 * was sent with, so the witness must report the beacon's data rate, and it must be an uplink rate
 * of the region.
 */
export function checkWitnessDataRate(ctx: WitnessLinkContext): LinkFailure {
  const region = ctx.beaconer.region;
  const knownInRegion = findDataRateByName(region, ctx.witness.dataRate) !== null;
  const matchesBeacon = ctx.witness.dataRate.trim().toUpperCase() === ctx.beacon.dataRate.trim().toUpperCase();
  if (knownInRegion && matchesBeacon) return null;
  return {
    reason: 'invalid_data_rate',
    details: {
      witnessDataRate: ctx.witness.dataRate,
      beaconDataRate: ctx.beacon.dataRate,
      region,
      knownInRegion,
      matchesBeacon,
    },
  };
}

/** The link checks in the order they run (names match WITNESS_LINK_CHECK_ORDER). */
export const WITNESS_LINK_CHECKS: readonly NamedCheck<WitnessLinkContext, WitnessLinkInvalidReason>[] = [
  { reason: 'invalid_frequency', check: checkWitnessFrequency },
  { reason: 'invalid_region', check: checkWitnessRegion },
  { reason: 'below_min_distance', check: checkWitnessMinDistance },
  { reason: 'max_distance_exceeded', check: checkWitnessMaxDistance },
  { reason: 'bad_rssi', check: checkWitnessRssi },
  { reason: 'rssi_below_sensitivity', check: checkWitnessSensitivity },
  { reason: 'snr_below_floor', check: checkWitnessSnr },
  { reason: 'invalid_data_rate', check: checkWitnessDataRate },
];

/** Every number the link checks look at, for the record of a valid witness and for explain-witness. */
export function describeWitnessLink(ctx: WitnessLinkContext): Record<string, unknown> {
  const t = resolveThresholds(ctx.thresholds);
  const grid = gridDistanceAtResolution(ctx.beaconer.location, ctx.witnessHotspot.location, t.cellDistanceResolution);
  const budget = linkBudget(ctx);
  const dataRate = parseLoRaDataRateName(ctx.witness.dataRate);
  return {
    ...(budget ? roundedBudget(budget) : { distanceM: null }),
    cellDistance: grid.ok ? grid.cells : null,
    frequencyOffsetHz: ctx.witness.frequencyHz - ctx.beacon.frequencyHz,
    observedRssiDbm: observedRssiDbm(ctx),
    observedSnrDb: observedSnrDb(ctx),
    sensitivityDbm: dataRate
      ? round3(receiverSensitivityDbm(dataRate.spreadingFactor, dataRate.bandwidthHz, t.noiseFigureDb))
      : null,
    snrFloorDb: dataRate ? loraSnrFloorDb(dataRate.spreadingFactor) : null,
    dataRate: ctx.witness.dataRate,
  };
}

export function verifyWitnessLink(ctx: WitnessLinkContext): Verdict<WitnessLinkInvalidReason> {
  const failure = firstFailure(WITNESS_LINK_CHECKS, ctx);
  if (failure) return { valid: false, reason: failure.reason, details: failure.details };
  return { valid: true, details: describeWitnessLink(ctx) };
}
