/**
 * What a LoRa receiver can hear: thermal noise floor, the SNR each spreading factor can still
 * demodulate, and the resulting sensitivity. Numbers follow Semtech's SX127x/SX130x datasheets and
 * AN1200.22 ("LoRa Modulation Basics").
 */
import type { SpreadingFactor } from '../regions/types';

/** kT at 290 K: thermal noise power density, dBm per Hz. */
export const THERMAL_NOISE_DENSITY_DBM_PER_HZ = -174;

/**
 * Receiver noise figure Semtech uses in its sensitivity tables (6 dB); with it the formula below
 * gives the datasheet's -137 dBm for SF12BW125.
 */
export const DEFAULT_NOISE_FIGURE_DB = 6;

/** Demodulation SNR limit at SF7; each step up in SF buys 2.5 dB (SF12: -20 dB). */
const SNR_FLOOR_SF7_DB = -7.5;
const SNR_FLOOR_STEP_DB = 2.5;

/** Noise power in the channel: -174 + 10·log10(BW) + NF. 125 kHz, NF 6 -> -117.03 dBm. */
export function noiseFloorDbm(bandwidthHz: number, noiseFigureDb: number = DEFAULT_NOISE_FIGURE_DB): number {
  return THERMAL_NOISE_DENSITY_DBM_PER_HZ + 10 * Math.log10(bandwidthHz) + noiseFigureDb;
}

/** Lowest SNR at which a LoRa packet of this spreading factor still demodulates: -7.5 dB (SF7) .. -20 dB (SF12). */
export function loraSnrFloorDb(spreadingFactor: SpreadingFactor): number {
  return SNR_FLOOR_SF7_DB - SNR_FLOOR_STEP_DB * (spreadingFactor - 7);
}

/** Weakest signal that still demodulates: noise floor + SNR floor. SF12BW125, NF 6 -> -137.03 dBm. */
export function receiverSensitivityDbm(
  spreadingFactor: SpreadingFactor,
  bandwidthHz: number,
  noiseFigureDb: number = DEFAULT_NOISE_FIGURE_DB,
): number {
  return noiseFloorDbm(bandwidthHz, noiseFigureDb) + loraSnrFloorDb(spreadingFactor);
}
