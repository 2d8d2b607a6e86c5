/**
 * Link budget between a transmitting and a receiving hotspot: how strong a signal can at most be
 * once it has crossed a given distance. Shared by the simulator (to predict RSSI) and the verifier
 * (the bad_rssi bound).
 */
import { HELIUM_SPEED_OF_LIGHT_M_PER_S, freeSpacePathLossDb } from './path-loss';

/**
 * Antenna gains are asserted in dBi x 10. Helium's RSSI bound truncates them to whole dB with
 * integer division (58 -> 5, -15 -> -1); we do the same so verdicts match.
 */
export function gainDbiFromX10Truncated(gainDbiX10: number): number {
  return Math.trunc(gainDbiX10 / 10);
}

/**
 * Highest conducted transmit power a hotspot may use so that power + antenna gain stays within the
 * region's maximum EIRP. Helium trusted the self-reported power; capping it here stops a beaconer
 * from loosening every witness's RSSI bound by over-reporting.
 */
export function maxConductedTxPowerDbm(maxEirpDbm: number, antennaGainDbi: number): number {
  return maxEirpDbm - antennaGainDbi;
}

export function cappedTxPowerDbm(txPowerDbm: number, maxEirpDbm: number, antennaGainDbi: number): number {
  return Math.min(txPowerDbm, maxConductedTxPowerDbm(maxEirpDbm, antennaGainDbi));
}

export interface ExpectedMaxRssiInput {
  /** Conducted power the transmitter reports, dBm. */
  txPowerDbm: number;
  transmitterGainDbi: number;
  receiverGainDbi: number;
  distanceM: number;
  frequencyHz: number;
  /** When set, the transmit power is first capped at maxEirpDbm - transmitterGainDbi. */
  maxEirpDbm?: number;
  speedOfLightMPerS?: number;
}

export interface ExpectedMaxRssi {
  expectedMaxRssiDbm: number;
  /** Transmit power used in the bound (the reported one unless it was capped). */
  effectiveTxPowerDbm: number;
  freeSpacePathLossDb: number;
}

/**
 * Strongest RSSI physics allows over free space: tx power + both gains - FSPL. Real links lose
 * more (terrain, clutter, cables), so an honest RSSI sits at or below this value.
 */
export function expectedMaxRssi(input: ExpectedMaxRssiInput): ExpectedMaxRssi {
  const effectiveTxPowerDbm =
    input.maxEirpDbm === undefined
      ? input.txPowerDbm
      : cappedTxPowerDbm(input.txPowerDbm, input.maxEirpDbm, input.transmitterGainDbi);
  const fsplDb = freeSpacePathLossDb(
    input.distanceM,
    input.frequencyHz,
    input.speedOfLightMPerS ?? HELIUM_SPEED_OF_LIGHT_M_PER_S,
  );
  // Helium's order of terms (tx + Gt - FSPL + Gr) so the float matches its test vector exactly.
  const expectedMaxRssiDbm = effectiveTxPowerDbm + input.transmitterGainDbi - fsplDb + input.receiverGainDbi;
  return { expectedMaxRssiDbm, effectiveTxPowerDbm, freeSpacePathLossDb: fsplDb };
}

export function expectedMaxRssiDbm(input: ExpectedMaxRssiInput): number {
  return expectedMaxRssi(input).expectedMaxRssiDbm;
}
