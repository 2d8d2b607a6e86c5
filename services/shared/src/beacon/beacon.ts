/**
 * Beacon construction shared by the simulator (to transmit) and the verifier (to check what was
 * reported), following Helium's beacon crate (`Beacon::new`, `RegionParams::select_datarate`):
 *
 * - payload: see payload.ts (SHA-256 of both entropies seeds ChaCha12, 51 bytes);
 * - channel: u16 little-endian of payload[0..2] modulo the number of region channels, in the
 *   region's stored channel order (the order is part of the rule);
 * - data rate: the first entry, in stored order, whose maximum payload holds 51 bytes (not the
 *   fastest one: Helium kept the legacy miner's "first that fits" so old and new gateways agreed).
 *
 * Transmit power is not derived here: Helium computed it (max EIRP − antenna gain) but never
 * compared it, and this project bounds it in the verifier's RSSI check instead.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { err, ok, type Result } from '../errors';
import { bytesEqual } from '../helium/bytes';
import { BEACON_PAYLOAD_BYTES, beaconPayload, beaconSeed, type EntropyValue } from './payload';

/**
 * What beacon construction needs from a region plan (services/shared/src/regions/ provides the
 * real ones). `dataRates[].name` should be Helium's data_rate enum name (e.g. "SF9BW125"), since
 * that is what beacon reports carry and what compareBeacon matches against.
 */
export interface BeaconRegionPlan {
  /** Beacon channel centre frequencies, in the region's canonical order. */
  channelsHz: readonly number[];
  /** Data rates in the region's preference order, each with its maximum payload. */
  dataRates: readonly { name: string; maxPayloadBytes: number }[];
}

/**
 * Adapts a region plan that carries Helium's PoC tables (services/shared/src/regions RegionPlan
 * has these fields) to the input above. Data-rate names are built the way Helium's
 * `select_datarate` does: spreading factor + the PoC channel bandwidth in kHz.
 */
export function beaconRegionPlanFrom(plan: {
  pocChannelsHz: readonly number[];
  pocBandwidthHz: number;
  pocBeaconSizeLimits: readonly { spreadingFactor: number; maxPayloadBytes: number }[];
}): BeaconRegionPlan {
  const bandwidthKhz = Math.round(plan.pocBandwidthHz / 1000);
  return {
    channelsHz: plan.pocChannelsHz,
    dataRates: plan.pocBeaconSizeLimits.map((limit) => ({
      name: `SF${limit.spreadingFactor}BW${bandwidthKhz}`,
      maxPayloadBytes: limit.maxPayloadBytes,
    })),
  };
}

export interface RemoteEntropyValue extends EntropyValue {
  /** Entropy format version; Helium defines beacons for versions 0 and 1 only. Default 0. */
  version?: number;
}

export interface Beacon {
  payload: Uint8Array;
  channelIndex: number;
  frequencyHz: number;
  dataRate: string;
}

export type BeaconBuildError =
  | { code: 'beacon.unsupported_entropy_version'; version: number }
  | { code: 'beacon.no_channels' }
  | { code: 'beacon.no_data_rate'; payloadBytes: number; largestMaxPayloadBytes: number | null };

const SUPPORTED_ENTROPY_VERSIONS: readonly number[] = [0, 1];

export function buildBeacon(input: {
  remoteEntropy: RemoteEntropyValue;
  localEntropy: EntropyValue;
  region: BeaconRegionPlan;
}): Result<Beacon, BeaconBuildError> {
  const { remoteEntropy, localEntropy, region } = input;
  const version = remoteEntropy.version ?? 0;
  if (!SUPPORTED_ENTROPY_VERSIONS.includes(version)) return err({ code: 'beacon.unsupported_entropy_version', version });
  if (region.channelsHz.length === 0) return err({ code: 'beacon.no_channels' });
  const dataRate = selectDataRate(region, BEACON_PAYLOAD_BYTES);
  if (!dataRate.ok) return dataRate;

  const payload = beaconPayload(beaconSeed(remoteEntropy, localEntropy));
  const channelIndex = channelIndexFor(payload, region.channelsHz.length);
  return ok({ payload, channelIndex, frequencyHz: region.channelsHz[channelIndex] as number, dataRate: dataRate.value });
}

/** u16 little-endian of the first two payload bytes, modulo the channel count. */
export function channelIndexFor(payload: Uint8Array, channelCount: number): number {
  const selector = (payload[0] ?? 0) | ((payload[1] ?? 0) << 8);
  return selector % channelCount;
}

/** The first data rate, in the plan's order, whose maximum payload holds `payloadBytes`. */
export function selectDataRate(region: BeaconRegionPlan, payloadBytes: number): Result<string, BeaconBuildError> {
  const fit = region.dataRates.find((rate) => rate.maxPayloadBytes >= payloadBytes);
  if (fit) return ok(fit.name);
  const largest = region.dataRates.length > 0 ? Math.max(...region.dataRates.map((r) => r.maxPayloadBytes)) : null;
  return err({ code: 'beacon.no_data_rate', payloadBytes, largestMaxPayloadBytes: largest });
}

/** What a beacon report claims was transmitted. */
export interface ReportedBeacon {
  data: Uint8Array;
  frequencyHz: number;
  datarate: string;
}

export type BeaconMismatch =
  | { field: 'data'; expected: string; observed: string }
  | { field: 'frequencyHz'; expected: number; observed: number }
  | { field: 'dataRate'; expected: string; observed: string };

/**
 * Every field where the report differs from the regenerated beacon (empty = it matches). Helium
 * compared payload, frequency and data rate exactly; so do we. Payloads are shown as hex so the
 * verdict can be read by a person.
 */
export function compareBeacon(expected: Beacon, reported: ReportedBeacon): BeaconMismatch[] {
  const mismatches: BeaconMismatch[] = [];
  if (!bytesEqual(expected.payload, reported.data)) {
    mismatches.push({ field: 'data', expected: bytesToHex(expected.payload), observed: bytesToHex(reported.data) });
  }
  if (expected.frequencyHz !== reported.frequencyHz) {
    mismatches.push({ field: 'frequencyHz', expected: expected.frequencyHz, observed: reported.frequencyHz });
  }
  if (expected.dataRate !== reported.datarate) {
    mismatches.push({ field: 'dataRate', expected: expected.dataRate, observed: reported.datarate });
  }
  return mismatches;
}

/**
 * The verifier's construction check for one beacon report: regenerate from the report's own
 * entropy bytes, the stored entropy's timestamp and version (never the report's word for them),
 * local timestamp 0 as gateways use, and the beaconer's region; then compare.
 */
export function checkBeaconConstruction(input: {
  report: ReportedBeacon & { localEntropy: Uint8Array; remoteEntropy: Uint8Array };
  remoteEntropyTimestampSec: number;
  remoteEntropyVersion?: number;
  region: BeaconRegionPlan;
}): Result<{ expected: Beacon; mismatches: BeaconMismatch[] }, BeaconBuildError> {
  const built = buildBeacon({
    remoteEntropy: {
      data: input.report.remoteEntropy,
      timestampSec: input.remoteEntropyTimestampSec,
      version: input.remoteEntropyVersion ?? 0,
    },
    localEntropy: { data: input.report.localEntropy, timestampSec: 0 },
    region: input.region,
  });
  if (!built.ok) return built;
  return ok({ expected: built.value, mismatches: compareBeacon(built.value, input.report) });
}
