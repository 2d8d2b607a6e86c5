/**
 * RF and geometry checks on one beacon -> witness link. They run last in the witness order, and
 * alone in `explain-witness`. The first five are Helium's; rssi_below_sensitivity,
 * snr_below_floor and invalid_data_rate are ours (Helium never looked at SNR or data rate).
 */
import type { GridDistanceResult } from '../geo/cell-distance';
import { parseLoRaDataRateName } from '../regions/data-rate';
import { findDataRate, maxEirpDbm } from '../regions/region-plan';
import { expectedMaxRssi, gainDbiFromX10Truncated } from '../rf/link-budget';
import { loraSnrFloorDb, receiverSensitivityDbm } from '../rf/receiver';
import type { CheckFailure, NamedCheck, Verdict, WitnessLinkContext } from './context';
import { firstFailure } from './context';
import type { WitnessLinkInvalidReason } from './reasons';
import { cellCentreDistanceRoundedM, gridDistanceBetween } from './cell-memo';
import { resolveThresholds, type PocThresholds } from './thresholds';
import { round3 } from './util';

type LinkFailure = CheckFailure<WitnessLinkInvalidReason> | null;

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
 * A link with everything the checks and the verdict's details derive from it, computed once: the
 * H3 grid distance and the great-circle distance are by far the most expensive numbers of a
 * witness verdict, and several checks plus the details need them.
 */
export interface MeasuredLink {
  link: WitnessLinkContext;
  thresholds: Readonly<PocThresholds>;
  /** Grid steps between the ancestors at `thresholds.cellDistanceResolution`. */
  grid: GridDistanceResult;
  /** Great-circle distance between the cell centres, whole metres; null when a cell is invalid. */
  distanceM: number | null;
  /** The free-space bound; null when the distance is. */
  budget: LinkBudgetNumbers | null;
  /** The witness-reported data rate read as a LoRa rate; null when it is not one. */
  dataRate: LoRaDataRateParams | null;
  observedRssiDbm: number;
  observedSnrDb: number;
}

type LoRaDataRateParams = NonNullable<ReturnType<typeof parseLoRaDataRateName>>;

/** Distance Helium feeds into its rules: great-circle between asserted cell centres, whole metres. */
export function linkDistanceM(ctx: WitnessLinkContext): number | null {
  return cellCentreDistanceRoundedM(ctx.beaconer.location, ctx.witnessHotspot.location);
}

/**
 * The free-space bound as Helium computes it (witness-reported frequency, gains truncated to whole
 * dB), with the transmit power capped at the beaconer's region max EIRP minus its gain unless the
 * thresholds turn the cap off.
 */
function linkBudgetOver(ctx: WitnessLinkContext, distanceM: number, t: Readonly<PocThresholds>): LinkBudgetNumbers {
  const beaconerGainDbi = gainDbiFromX10Truncated(ctx.beaconer.gainDbiX10);
  const witnessGainDbi = gainDbiFromX10Truncated(ctx.witnessHotspot.gainDbiX10);
  const regionMaxEirpDbm = maxEirpDbm(ctx.beaconer.region);
  const budget = expectedMaxRssi({
    txPowerDbm: ctx.beacon.txPowerDbm,
    transmitterGainDbi: beaconerGainDbi,
    receiverGainDbi: witnessGainDbi,
    distanceM,
    frequencyHz: ctx.witness.frequencyHz,
    maxEirpDbm: t.capTxPowerAtMaxEirp ? regionMaxEirpDbm : undefined,
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

/** The free-space bound of a link; null when the distance cannot be computed. */
export function linkBudget(ctx: WitnessLinkContext): LinkBudgetNumbers | null {
  const distanceM = linkDistanceM(ctx);
  return distanceM === null ? null : linkBudgetOver(ctx, distanceM, resolveThresholds(ctx.thresholds));
}

/** Computes a link's geometry, budget and radio numbers once, for every link check and the details. */
export function measureLink(link: WitnessLinkContext): MeasuredLink {
  const thresholds = resolveThresholds(link.thresholds);
  const distanceM = linkDistanceM(link);
  return {
    link,
    thresholds,
    grid: gridDistanceBetween(link.beaconer.location, link.witnessHotspot.location, thresholds.cellDistanceResolution),
    distanceM,
    budget: distanceM === null ? null : linkBudgetOver(link, distanceM, thresholds),
    dataRate: parseLoRaDataRateName(link.witness.dataRate),
    observedRssiDbm: link.witness.signalDbmX10 / 10,
    observedSnrDb: link.witness.snrDbX10 / 10,
  };
}

export function checkWitnessFrequency(m: MeasuredLink): LinkFailure {
  const { frequencyToleranceHz } = m.thresholds;
  const offsetHz = m.link.witness.frequencyHz - m.link.beacon.frequencyHz;
  if (Math.abs(offsetHz) <= frequencyToleranceHz) return null;
  return {
    reason: 'invalid_frequency',
    details: {
      beaconFrequencyHz: m.link.beacon.frequencyHz,
      witnessFrequencyHz: m.link.witness.frequencyHz,
      offsetHz,
      toleranceHz: frequencyToleranceHz,
    },
  };
}

export function checkWitnessRegion(m: MeasuredLink): LinkFailure {
  const { beaconer, witnessHotspot } = m.link;
  if (beaconer.region === witnessHotspot.region) return null;
  return {
    reason: 'invalid_region',
    details: { beaconerRegion: beaconer.region, witnessRegion: witnessHotspot.region },
  };
}

/**
 * Neighbours must not witness each other: at least 8 steps between the resolution-11 ancestors.
 * Where H3 cannot count the steps (near a pentagon, across distant faces) we fall back to the
 * great-circle distance those steps would span; Helium rejected all such pairs.
 */
export function checkWitnessMinDistance(m: MeasuredLink): LinkFailure {
  const t = m.thresholds;
  const { grid, distanceM } = m;
  if (grid.ok) {
    if (grid.cells >= t.minCellDistance) return null;
    return {
      reason: 'below_min_distance',
      details: {
        cellDistance: grid.cells,
        minCellDistance: t.minCellDistance,
        resolution: t.cellDistanceResolution,
        distanceM,
      },
    };
  }
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
export function checkWitnessMaxDistance(m: MeasuredLink): LinkFailure {
  const { maxDistanceKm } = m.thresholds;
  const { distanceM } = m;
  if (distanceM !== null && Math.floor(distanceM / 1000) <= maxDistanceKm) return null;
  return { reason: 'max_distance_exceeded', details: { distanceM, maxDistanceKm } };
}

/** The budget as recorded in details: the derived decibels to 3 decimals. Keys in LinkBudgetNumbers order. */
function roundedBudget(budget: LinkBudgetNumbers): Record<string, number> {
  return {
    distanceM: budget.distanceM,
    frequencyHz: budget.frequencyHz,
    reportedTxPowerDbm: budget.reportedTxPowerDbm,
    effectiveTxPowerDbm: round3(budget.effectiveTxPowerDbm),
    maxEirpDbm: budget.maxEirpDbm,
    beaconerGainDbi: budget.beaconerGainDbi,
    witnessGainDbi: budget.witnessGainDbi,
    freeSpacePathLossDb: round3(budget.freeSpacePathLossDb),
    expectedMaxRssiDbm: round3(budget.expectedMaxRssiDbm),
  };
}

/** A witness cannot hear the beacon louder than free space allows. */
export function checkWitnessRssi(m: MeasuredLink): LinkFailure {
  const { rssiMarginDb } = m.thresholds;
  const { budget, observedRssiDbm } = m;
  if (budget && observedRssiDbm <= budget.expectedMaxRssiDbm + rssiMarginDb) return null;
  if (!budget) return { reason: 'bad_rssi', details: { observedRssiDbm, distanceM: null } };
  const details: Record<string, unknown> = { observedRssiDbm, marginDb: rssiMarginDb };
  return { reason: 'bad_rssi', details: Object.assign(details, roundedBudget(budget)) };
}

/** Beyond Helium: a packet reported weaker than any receiver could demodulate was not received. */
export function checkWitnessSensitivity(m: MeasuredLink): LinkFailure {
  const { dataRate, observedRssiDbm } = m;
  if (!dataRate) return null; // invalid_data_rate reports it
  const { noiseFigureDb, sensitivityMarginDb } = m.thresholds;
  const sensitivityDbm = receiverSensitivityDbm(dataRate.spreadingFactor, dataRate.bandwidthHz, noiseFigureDb);
  if (observedRssiDbm >= sensitivityDbm - sensitivityMarginDb) return null;
  return {
    reason: 'rssi_below_sensitivity',
    details: {
      observedRssiDbm,
      sensitivityDbm: round3(sensitivityDbm),
      marginDb: sensitivityMarginDb,
      noiseFigureDb,
      dataRate: m.link.witness.dataRate,
    },
  };
}

/** Beyond Helium: LoRa cannot demodulate below its spreading factor's SNR floor. */
export function checkWitnessSnr(m: MeasuredLink): LinkFailure {
  const { dataRate, observedSnrDb } = m;
  if (!dataRate) return null; // invalid_data_rate reports it
  const { snrMarginDb } = m.thresholds;
  const snrFloorDb = loraSnrFloorDb(dataRate.spreadingFactor);
  if (observedSnrDb >= snrFloorDb - snrMarginDb) return null;
  return {
    reason: 'snr_below_floor',
    details: { observedSnrDb, snrFloorDb, marginDb: snrMarginDb, dataRate: m.link.witness.dataRate },
  };
}

/**
 * Beyond Helium: a LoRa receiver only decodes a packet at the spreading factor and bandwidth it
 * was sent with, so the witness must report the beacon's data rate, and it must be an uplink rate
 * of the region.
 */
export function checkWitnessDataRate(m: MeasuredLink): LinkFailure {
  const { beacon, witness } = m.link;
  const region = m.link.beaconer.region;
  const knownInRegion = m.dataRate !== null && findDataRate(region, m.dataRate.spreadingFactor, m.dataRate.bandwidthHz, 'up') !== null;
  const matchesBeacon = witness.dataRate.trim().toUpperCase() === beacon.dataRate.trim().toUpperCase();
  if (knownInRegion && matchesBeacon) return null;
  return {
    reason: 'invalid_data_rate',
    details: {
      witnessDataRate: witness.dataRate,
      beaconDataRate: beacon.dataRate,
      region,
      knownInRegion,
      matchesBeacon,
    },
  };
}

/** The link checks in the order they run (names match WITNESS_LINK_CHECK_ORDER). */
export const WITNESS_LINK_CHECKS: readonly NamedCheck<MeasuredLink, WitnessLinkInvalidReason>[] = [
  { reason: 'invalid_frequency', check: checkWitnessFrequency },
  { reason: 'invalid_region', check: checkWitnessRegion },
  { reason: 'below_min_distance', check: checkWitnessMinDistance },
  { reason: 'max_distance_exceeded', check: checkWitnessMaxDistance },
  { reason: 'bad_rssi', check: checkWitnessRssi },
  { reason: 'rssi_below_sensitivity', check: checkWitnessSensitivity },
  { reason: 'snr_below_floor', check: checkWitnessSnr },
  { reason: 'invalid_data_rate', check: checkWitnessDataRate },
];

/**
 * Every number the link checks look at, for the record of a valid witness and for explain-witness.
 * Written into `into` (a fresh details object of the caller's) so a verdict's details are one object.
 */
export function describeWitnessLink(m: MeasuredLink, into: Record<string, unknown> = {}): Record<string, unknown> {
  const { link, budget, dataRate } = m;
  if (budget) Object.assign(into, roundedBudget(budget));
  else into.distanceM = null;
  into.cellDistance = m.grid.ok ? m.grid.cells : null;
  into.frequencyOffsetHz = link.witness.frequencyHz - link.beacon.frequencyHz;
  into.observedRssiDbm = m.observedRssiDbm;
  into.observedSnrDb = m.observedSnrDb;
  into.sensitivityDbm = dataRate
    ? round3(receiverSensitivityDbm(dataRate.spreadingFactor, dataRate.bandwidthHz, m.thresholds.noiseFigureDb))
    : null;
  into.snrFloorDb = dataRate ? loraSnrFloorDb(dataRate.spreadingFactor) : null;
  into.dataRate = link.witness.dataRate;
  return into;
}

/** The link checks on an already measured link; the first failure wins. */
export function verifyMeasuredLink(m: MeasuredLink): Verdict<WitnessLinkInvalidReason> {
  const failure = firstFailure(WITNESS_LINK_CHECKS, m);
  if (failure) return { valid: false, reason: failure.reason, details: failure.details };
  return { valid: true, details: describeWitnessLink(m) };
}

export function verifyWitnessLink(ctx: WitnessLinkContext): Verdict<WitnessLinkInvalidReason> {
  return verifyMeasuredLink(measureLink(ctx));
}
