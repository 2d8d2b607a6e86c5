/**
 * What a LoRa receiver makes of a signal: noise floor −174 + 10·log10(BW) + NF (+ local
 * interference), SNR = signal − noise, and a packet is demodulated only when its SNR reaches the
 * spreading factor's floor (equivalently, the signal reaches the receiver's sensitivity). Reported
 * values are quantised like a concentrator's: RSSI in whole dBm, SNR in 0.25 dB steps saturating
 * near +13.5 dB (the estimator cannot see further above the noise).
 */
import type { SpreadingFactor } from '@cov/shared/regions/region-plan';
import { loraSnrFloorDb, noiseFloorDbm } from '@cov/shared/rf/receiver';
import type { Environment } from '../world/area';

/** Extra in-band noise from other transmitters around the receiver, dB above thermal. */
export const INTERFERENCE_DB: Readonly<Record<Environment, number>> = { urban: 2, suburban: 1, rural: 0 };

/** Highest SNR a concentrator reports. */
export const MAX_REPORTED_SNR_DB = 13.5;

export interface ReceiverProfile {
  noiseFigureDb: number;
  environment: Environment;
}

export interface Demodulation {
  heard: boolean;
  signalDbm: number;
  noiseDbm: number;
  snrDb: number;
  snrFloorDb: number;
  /** What the concentrator reports: whole dBm. */
  reportedRssiDbm: number;
  /** What the concentrator reports: 0.25 dB steps, capped at MAX_REPORTED_SNR_DB. */
  reportedSnrDb: number;
}

export function receiverNoiseDbm(receiver: ReceiverProfile, bandwidthHz: number): number {
  return noiseFloorDbm(bandwidthHz, receiver.noiseFigureDb) + INTERFERENCE_DB[receiver.environment];
}

export function demodulate(input: { signalDbm: number; spreadingFactor: SpreadingFactor; bandwidthHz: number; receiver: ReceiverProfile }): Demodulation {
  const noiseDbm = receiverNoiseDbm(input.receiver, input.bandwidthHz);
  const snrDb = input.signalDbm - noiseDbm;
  const snrFloorDb = loraSnrFloorDb(input.spreadingFactor);
  return {
    heard: snrDb >= snrFloorDb,
    signalDbm: input.signalDbm,
    noiseDbm,
    snrDb,
    snrFloorDb,
    reportedRssiDbm: quantiseRssiDbm(input.signalDbm),
    reportedSnrDb: quantiseSnrDb(snrDb),
  };
}

/**
 * Whole dBm, rounded toward weaker: a report never claims more signal than arrived, so rounding
 * alone cannot push an honest reading over the free-space bound.
 */
export function quantiseRssiDbm(signalDbm: number): number {
  return Math.floor(signalDbm);
}

export function quantiseSnrDb(snrDb: number): number {
  return Math.min(MAX_REPORTED_SNR_DB, Math.floor(snrDb * 4) / 4);
}
