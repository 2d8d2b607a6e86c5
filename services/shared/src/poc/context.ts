/**
 * Plain inputs of the PoC checks. The verifier builds these from database rows; the checks never
 * do IO, so a verdict can be recomputed from the stored inputs alone.
 */
import type { RegionId } from '../regions/types';
import type { PocThresholds } from './thresholds';

export type HotspotCapability = 'full' | 'data_only';

/** What the registry says about a hotspot at verification time. */
export interface HotspotInfo {
  /** Helium b58 address (or any stable key string); only compared for equality. */
  pubKey: string;
  /** Asserted location, an H3 cell (resolution 12) in hex; null if never asserted. */
  location: string | null;
  /** Antenna gain in dBi x 10, as asserted (Helium's unit). */
  gainDbiX10: number;
  /** Antenna height above ground, metres. Not used by any check (as in Helium); kept for the verdict record. */
  elevationM: number;
  /** Region derived from the asserted location; null when the location maps to no region. */
  region: RegionId | null;
  capability: HotspotCapability;
  /** Key is on the denylist. */
  denied: boolean;
}

export interface BeaconReportFields {
  /** The beacon payload (51 bytes from Helium-compatible gateways). */
  payload: Uint8Array;
  frequencyHz: number;
  /** Data-rate name as reported, e.g. `SF9BW125`. */
  dataRate: string;
  /** Conducted transmit power the gateway reports, whole dBm (Helium's `tx_power`). */
  txPowerDbm: number;
  /** Ingest receive time, epoch ms: the only clock the checks trust. */
  receivedAtMs: number;
}

export interface WitnessReportFields {
  /** The payload the witness heard. */
  payload: Uint8Array;
  /** RSSI in dBm x 10 (Helium `signal`). */
  signalDbmX10: number;
  /** SNR in dB x 10 (Helium `snr`). */
  snrDbX10: number;
  frequencyHz: number;
  dataRate: string;
  /** Ingest receive time, epoch ms. */
  receivedAtMs: number;
}

/** The beacon as the verifier regenerates it from the entropies and the region (see beacon/beacon.ts: channel from the payload's first two bytes, the first data rate that fits). */
export interface ExpectedBeacon {
  payload: Uint8Array;
  frequencyHz: number;
  dataRate: string;
}

export interface BeaconCheckContext {
  /** Null when the key is not in the registry. */
  beaconer: HotspotInfo | null;
  beacon: BeaconReportFields;
  /** Start of validity of the entropy the beacon embeds, epoch ms. */
  entropyStartMs: number;
  /** Received time of this hotspot's previous beacon (valid or not), epoch ms; null if none. */
  lastBeaconAtMs: number | null;
  /** Regenerated beacon; null when regeneration failed (unknown entropy version, no region params...). */
  expectedBeacon: ExpectedBeacon | null;
  /** Denylist release the `denied` flags come from, copied into the verdict. */
  denylistTag?: string;
  thresholds?: Partial<PocThresholds>;
}

/** The hotspot fields the RF and geometry checks need. */
export interface LinkHotspot {
  location: string;
  gainDbiX10: number;
  region: RegionId;
}

/** One beacon -> witness radio link: everything the RF and geometry checks look at. */
export interface WitnessLinkContext {
  beaconer: LinkHotspot;
  witnessHotspot: LinkHotspot;
  beacon: Pick<BeaconReportFields, 'frequencyHz' | 'dataRate' | 'txPowerDbm'>;
  witness: Pick<WitnessReportFields, 'signalDbmX10' | 'snrDbX10' | 'frequencyHz' | 'dataRate'>;
  thresholds?: Partial<PocThresholds>;
}

export interface WitnessCheckContext {
  beaconer: HotspotInfo | null;
  /** Null when the witness key is not in the registry. */
  witnessHotspot: HotspotInfo | null;
  beacon: BeaconReportFields;
  witness: WitnessReportFields;
  /** This gateway already produced a witness for this beacon in this pass. */
  isDuplicate: boolean;
  /** The (beaconer, witness) pair is on the denylist edge filter. */
  edgeDenied: boolean;
  entropyStartMs: number;
  /** Earliest received time among all witness reports of this beacon (including invalid ones). */
  firstWitnessReceivedAtMs: number;
  denylistTag?: string;
  thresholds?: Partial<PocThresholds>;
}

/** A failed check: the reason code and the numbers behind it. */
export interface CheckFailure<R extends string> {
  reason: R;
  details: Record<string, unknown>;
}

/** A check passes with null. */
export type Check<C, R extends string> = (ctx: C) => CheckFailure<R> | null;

export interface NamedCheck<C, R extends string> {
  reason: R;
  check: Check<C, R>;
}

export type Verdict<R extends string> =
  | { valid: true; details: Record<string, unknown> }
  | { valid: false; reason: R; details: Record<string, unknown> };

/** Runs checks in order; the first failure is the verdict. */
export function firstFailure<C, R extends string>(
  checks: readonly NamedCheck<C, R>[],
  ctx: C,
): CheckFailure<R> | null {
  for (const { check } of checks) {
    const failure = check(ctx);
    if (failure) return failure;
  }
  return null;
}
