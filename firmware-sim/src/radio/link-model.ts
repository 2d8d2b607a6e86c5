/**
 * The simulator's radio channel. Built on the backend's own RF math (services/shared/src/rf), so the
 * signals the simulator produces and the bounds the verifier applies come from the same formulas.
 *
 * Path loss of a link = max(FSPL(d), FSPL(d0) + 10·n·log10(d/d0) + S + F), where
 * - n is the log-distance exponent: the mean of the two ends' environments (urban 3.6, suburban 3.3,
 *   rural 3.0: Hata-like values for low hotspot antennas), lowered for tall antennas (−0.35 per decade of the geometric-mean height above
 *   10 m), never below 2 (free space);
 * - S is log-normal shadowing: Gaussian in dB with σ by environment, drawn once per link from the
 *   run seed and the unordered pair of ends, so a link is the same in both directions and on every
 *   beacon (a hill stays a hill);
 * - F is per-packet fast fading, Gaussian in dB with a small σ;
 * - the max() enforces that a received signal is never stronger than free space allows.
 * Beyond the radio horizon of the two antennas (4/3-Earth refraction) nothing is received.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { LatLng } from '@cov/shared/geo/lat-lng';
import { freeSpacePathLossDb, logDistancePathLossDb } from '@cov/shared/rf/path-loss';
import type { Environment } from '../world/area';
import { distanceM } from '../world/geodesy';

export interface RadioEndpoint {
  /** Stable id ("h12", "d5"): names the link for its shadowing draw. */
  id: string;
  position: LatLng;
  heightAglM: number;
  gainDbi: number;
  /** Feed-line and connector loss between radio and antenna, paid on transmit and on receive. */
  cableLossDb: number;
  /** Wall and window loss when the antenna is indoors (0 outdoors), paid both ways too. */
  buildingLossDb: number;
  environment: Environment;
}

export interface RadioModelParams {
  /** d0: free space up to here, log-distance beyond. */
  referenceDistanceM: number;
  exponents: Readonly<Record<Environment, number>>;
  /** Exponent change per decade of antenna height relative to 10 m (negative: taller is better). */
  heightExponentPerDecade: number;
  minExponent: number;
  shadowingSigmaDb: Readonly<Record<Environment, number>>;
  fastFadingSigmaDb: number;
  /** Radio horizon per sqrt(metre) of antenna height, 4/3-Earth: 4.12 km. */
  horizonMPerSqrtM: number;
}

export const DEFAULT_RADIO_MODEL: Readonly<RadioModelParams> = Object.freeze({
  referenceDistanceM: 1,
  exponents: { urban: 3.6, suburban: 3.3, rural: 3.0 },
  heightExponentPerDecade: -0.35,
  minExponent: 2,
  shadowingSigmaDb: { urban: 8, suburban: 7, rural: 6 },
  fastFadingSigmaDb: 1.5,
  horizonMPerSqrtM: 4_120,
});

export interface LinkGeometry {
  distanceM: number;
  exponent: number;
  shadowingSigmaDb: number;
  horizonM: number;
}

export function linkExponent(a: RadioEndpoint, b: RadioEndpoint, params: RadioModelParams = DEFAULT_RADIO_MODEL): number {
  const base = (params.exponents[a.environment] + params.exponents[b.environment]) / 2;
  const effectiveHeightM = Math.sqrt(Math.max(a.heightAglM, 0.5) * Math.max(b.heightAglM, 0.5));
  return Math.max(params.minExponent, base + params.heightExponentPerDecade * Math.log10(effectiveHeightM / 10));
}

export function radioHorizonM(heightAM: number, heightBM: number, params: RadioModelParams = DEFAULT_RADIO_MODEL): number {
  return params.horizonMPerSqrtM * (Math.sqrt(Math.max(heightAM, 0)) + Math.sqrt(Math.max(heightBM, 0)));
}

export function linkGeometry(a: RadioEndpoint, b: RadioEndpoint, params: RadioModelParams = DEFAULT_RADIO_MODEL): LinkGeometry {
  return {
    distanceM: distanceM(a.position, b.position),
    exponent: linkExponent(a, b, params),
    shadowingSigmaDb: (params.shadowingSigmaDb[a.environment] + params.shadowingSigmaDb[b.environment]) / 2,
    horizonM: radioHorizonM(a.heightAglM, b.heightAglM, params),
  };
}

/**
 * Standard-normal draw fixed by (seed, unordered pair of ids): the same link gets the same value
 * in both directions and on every run with that seed.
 */
export function linkNormal(seed: string, idA: string, idB: string): number {
  const [lo, hi] = idA < idB ? [idA, idB] : [idB, idA];
  const digest = sha256(new TextEncoder().encode(`cov-sim-shadowing-v1|${seed}|${lo}|${hi}`));
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  const u1 = (view.getUint32(0, true) + 1) / 4_294_967_297; // (0, 1)
  const u2 = view.getUint32(4, true) / 4_294_967_296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Log-distance path loss plus shadowing and fading, floored at free space. */
export function pathLossDb(input: {
  distanceM: number;
  frequencyHz: number;
  exponent: number;
  shadowingDb: number;
  fadingDb?: number;
  referenceDistanceM?: number;
}): { pathLossDb: number; freeSpacePathLossDb: number; clampedToFreeSpace: boolean } {
  const fspl = freeSpacePathLossDb(input.distanceM, input.frequencyHz);
  const modelled =
    logDistancePathLossDb(input.distanceM, input.frequencyHz, input.exponent, input.referenceDistanceM ?? 1) +
    input.shadowingDb +
    (input.fadingDb ?? 0);
  return modelled < fspl
    ? { pathLossDb: fspl, freeSpacePathLossDb: fspl, clampedToFreeSpace: true }
    : { pathLossDb: modelled, freeSpacePathLossDb: fspl, clampedToFreeSpace: false };
}

/** Transmit power + gains − feed-line and building losses − path loss: the signal at the receiver's radio, dBm. */
export function receivedPowerDbm(input: {
  txPowerDbm: number;
  transmitter: Pick<RadioEndpoint, 'gainDbi' | 'cableLossDb' | 'buildingLossDb'>;
  receiver: Pick<RadioEndpoint, 'gainDbi' | 'cableLossDb' | 'buildingLossDb'>;
  pathLossDb: number;
}): number {
  return (
    input.txPowerDbm -
    input.transmitter.cableLossDb -
    input.transmitter.buildingLossDb +
    input.transmitter.gainDbi -
    input.pathLossDb +
    input.receiver.gainDbi -
    input.receiver.cableLossDb -
    input.receiver.buildingLossDb
  );
}

/** The free-space ceiling of a link with these true gains: nothing honest is ever received above it. */
export function freeSpaceRssiDbm(input: { txPowerDbm: number; transmitterGainDbi: number; receiverGainDbi: number; distanceM: number; frequencyHz: number }): number {
  return input.txPowerDbm + input.transmitterGainDbi + input.receiverGainDbi - freeSpacePathLossDb(input.distanceM, input.frequencyHz);
}
