/**
 * Beacon, witness and entropy reports in Helium's wire format (@helium/proto):
 * `helium.poc_lora.lora_beacon_report_req_v1`, `helium.poc_lora.lora_witness_report_req_v1` and
 * `helium.entropy_report_v1`, converted to typed plain objects with units in the field names.
 *
 * Encoding is canonical proto3 as prost (Helium's Rust services and gateway-rs) writes it: fields
 * in number order, fields holding their default value (0, empty bytes, SF12BW125) omitted. This
 * matters because the signature covers these exact bytes: Helium signs and verifies the encoding
 * of the message with `signature` cleared, and a cleared field is not written at all. Verifying
 * re-encodes the decoded report canonically, so a report is accepted whenever prost would accept
 * it, whatever encoder produced it. For a received report that is already canonical (the usual
 * case), verifyReceived*ReportSignature cuts the signing bytes out of the received encoding
 * instead of re-encoding (spliced-signing-bytes.ts); the verdict is the same.
 */
import { AppError, err, ok, type Result } from '../errors';
import { bytesEqual, toPlainBytes } from './bytes';
import { dataRateName, dataRateValue, type DataRateName } from './data-rate';
import { heliumProto } from './interop';
import { sign, verifyWithBinaryKey } from './keys';
import { bigintToUint64, checkMessageStructure, uint64ToBigint, WireType, type FieldWireTypes } from './proto-wire';
import { splicedSigningBytes, type SignedMessageLayout } from './spliced-signing-bytes';

/**
 * Largest single report we decode. A real beacon report is about 200 bytes (33 key + 4 + 32
 * entropy + 51 payload + 64 signature + scalars); the margin leaves room for unknown fields.
 */
export const MAX_REPORT_BYTES = 2048;

/** A hotspot's report that it transmitted a beacon. */
export interface BeaconReport {
  /** Helium binary key of the beaconer (33 bytes for ed25519). Proto `pub_key`. */
  pubKeyBinary: Uint8Array;
  /** Hotspot-chosen random bytes (gateway-rs uses 4). */
  localEntropy: Uint8Array;
  /** Entropy value fetched from the entropy service (32 bytes). */
  remoteEntropy: Uint8Array;
  /** The beacon payload that went over the air (51 bytes). */
  data: Uint8Array;
  frequencyHz: number;
  /** Unused by Helium (gateway-rs always sends 0); kept so signatures cover the same bytes. */
  channel: number;
  datarate: DataRateName;
  /**
   * Conducted transmit power in whole dBm. The proto comment says deci-dBm, but gateway-rs fills
   * it with the packet forwarder's `powe` in dBm and Helium's verifier reads it as dBm.
   */
  txPowerDbm: number;
  /** Gateway clock at report creation, ns since the Unix epoch (u64: exceeds 2^53, hence bigint). */
  timestampNs: bigint;
  signature: Uint8Array;
  /** Concentrator tx timestamp: free-running µs counter, wraps every 2^32 µs (~71.6 min). */
  tmst: number;
}

/** A hotspot's report that it heard a beacon. */
export interface WitnessReport {
  pubKeyBinary: Uint8Array;
  /** Payload heard over the air (the beacon's 51 bytes when genuine). */
  data: Uint8Array;
  /** Gateway clock at reception, ns since the Unix epoch. */
  timestampNs: bigint;
  /** Concentrator rx timestamp, µs counter. */
  tmst: number;
  /** RSSI in tenths of a dBm (proto `signal`, "ddbm", sint32): -1080 = -108.0 dBm. */
  signalDbmX10: number;
  /** SNR in tenths of a dB (proto `snr`): 35 = 3.5 dB. */
  snrDbX10: number;
  frequencyHz: number;
  datarate: DataRateName;
  signature: Uint8Array;
}

/** One value of the entropy service (`helium.entropy_report_v1`). Not signed. */
export interface EntropyReport {
  /** 32 unpredictable bytes. */
  data: Uint8Array;
  /** Start of validity, whole seconds since the Unix epoch (Helium's unit; the beacon seed hashes it). */
  timestampSec: number;
  /** 0 for service entropy; beacons are defined for versions 0 and 1. */
  version: number;
}

export type UnsignedBeaconReport = Omit<BeaconReport, 'signature'>;
export type UnsignedWitnessReport = Omit<WitnessReport, 'signature'>;

const { lora_beacon_report_req_v1: BeaconMessage, lora_witness_report_req_v1: WitnessMessage } = heliumProto.poc_lora;
const EntropyMessage = heliumProto.entropy_report_v1;

const LD = WireType.lengthDelimited;
const VARINT = WireType.varint;
const BEACON_FIELDS: FieldWireTypes = { 2: LD, 3: LD, 4: LD, 5: LD, 6: VARINT, 7: VARINT, 8: VARINT, 9: VARINT, 10: VARINT, 11: LD, 12: VARINT };
const WITNESS_FIELDS: FieldWireTypes = { 2: LD, 3: LD, 4: VARINT, 5: VARINT, 6: VARINT, 7: VARINT, 8: VARINT, 10: VARINT, 11: LD };
const ENTROPY_FIELDS: FieldWireTypes = { 1: LD, 2: VARINT, 3: VARINT };

/** Field types as @helium/proto's encoders write them (see spliced-signing-bytes.ts). */
const BEACON_LAYOUT: SignedMessageLayout = {
  fields: { 2: 'bytes', 3: 'bytes', 4: 'bytes', 5: 'bytes', 6: 'uint64', 7: 'int32', 8: 'int32', 9: 'int32', 10: 'uint64', 11: 'bytes', 12: 'uint32' },
  signatureField: 11,
};
const WITNESS_LAYOUT: SignedMessageLayout = {
  fields: { 2: 'bytes', 3: 'bytes', 4: 'uint64', 5: 'uint32', 6: 'sint32', 7: 'int32', 8: 'uint64', 10: 'int32', 11: 'bytes' },
  signatureField: 11,
};

/** Builds a protobufjs input object holding only non-default fields (proto3 canonical form). */
class CanonicalFields {
  readonly value: Record<string, unknown> = {};
  bytes(name: string, v: Uint8Array): this {
    if (v.length > 0) this.value[name] = v;
    return this;
  }
  int(name: string, v: number): this {
    if (v !== 0) this.value[name] = v;
    return this;
  }
  uint64(name: string, v: bigint): this {
    if (v !== 0n) this.value[name] = bigintToUint64(v);
    return this;
  }
}

function beaconFields(report: UnsignedBeaconReport, signature: Uint8Array): Record<string, unknown> {
  return new CanonicalFields()
    .bytes('pubKey', report.pubKeyBinary)
    .bytes('localEntropy', report.localEntropy)
    .bytes('remoteEntropy', report.remoteEntropy)
    .bytes('data', report.data)
    .uint64('frequency', BigInt(report.frequencyHz))
    .int('channel', report.channel)
    .int('datarate', dataRateValue(report.datarate))
    .int('txPower', report.txPowerDbm)
    .uint64('timestamp', report.timestampNs)
    .bytes('signature', signature)
    .int('tmst', report.tmst).value;
}

function witnessFields(report: UnsignedWitnessReport, signature: Uint8Array): Record<string, unknown> {
  return new CanonicalFields()
    .bytes('pubKey', report.pubKeyBinary)
    .bytes('data', report.data)
    .uint64('timestamp', report.timestampNs)
    .int('tmst', report.tmst)
    .int('signal', report.signalDbmX10)
    .int('snr', report.snrDbX10)
    .uint64('frequency', BigInt(report.frequencyHz))
    .int('datarate', dataRateValue(report.datarate))
    .bytes('signature', signature).value;
}

const NO_SIGNATURE = new Uint8Array(0);

export function encodeBeaconReport(report: BeaconReport): Uint8Array {
  return BeaconMessage.encode(beaconFields(report, report.signature)).finish();
}

/** The bytes a beacon signature covers: the canonical encoding without the signature field. */
export function beaconReportSigningBytes(report: UnsignedBeaconReport): Uint8Array {
  return BeaconMessage.encode(beaconFields(report, NO_SIGNATURE)).finish();
}

export function encodeWitnessReport(report: WitnessReport): Uint8Array {
  return WitnessMessage.encode(witnessFields(report, report.signature)).finish();
}

export function witnessReportSigningBytes(report: UnsignedWitnessReport): Uint8Array {
  return WitnessMessage.encode(witnessFields(report, NO_SIGNATURE)).finish();
}

export function encodeEntropyReport(report: EntropyReport): Uint8Array {
  const fields = new CanonicalFields()
    .bytes('data', report.data)
    .uint64('timestamp', BigInt(report.timestampSec))
    .int('version', report.version).value;
  return EntropyMessage.encode(fields).finish();
}

function malformed(message: string, details: Record<string, unknown>): Result<never> {
  return err(new AppError('proto.malformed', message, details));
}

/** Size and structure checks, then the generated decoder; never throws. */
function decodeMessage<T>(bytes: unknown, fields: FieldWireTypes, decode: (b: Uint8Array) => T, messageName: string): Result<T> {
  if (!(bytes instanceof Uint8Array)) return malformed('expected bytes', { message: messageName });
  if (bytes.length > MAX_REPORT_BYTES) {
    return err(
      new AppError('request.too_large', `${messageName} exceeds ${MAX_REPORT_BYTES} bytes`, {
        maxBytes: MAX_REPORT_BYTES,
        observedBytes: bytes.length,
      }),
    );
  }
  const structure = checkMessageStructure(bytes, fields, messageName);
  if (!structure.ok) return structure;
  try {
    return ok(decode(bytes));
  } catch (cause) {
    return malformed(`cannot decode ${messageName}`, { message: messageName, cause: String(cause) });
  }
}

function safeUint(value: unknown, field: string, messageName: string): Result<number> {
  const n = uint64ToBigint(value);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    return malformed(`${field} is out of range`, { message: messageName, field, value: n.toString() });
  }
  return ok(Number(n));
}

function knownDataRate(value: number, messageName: string): Result<DataRateName> {
  const name = dataRateName(value);
  return name ? ok(name) : malformed('unknown data rate', { message: messageName, field: 'datarate', value });
}

export function decodeBeaconReport(bytes: Uint8Array): Result<BeaconReport> {
  const name = 'lora_beacon_report_req_v1';
  const decoded = decodeMessage(bytes, BEACON_FIELDS, (b) => BeaconMessage.decode(b), name);
  if (!decoded.ok) return decoded;
  const m = decoded.value;
  const frequencyHz = safeUint(m.frequency, 'frequency', name);
  if (!frequencyHz.ok) return frequencyHz;
  const datarate = knownDataRate(m.datarate, name);
  if (!datarate.ok) return datarate;
  return ok({
    pubKeyBinary: toPlainBytes(m.pubKey),
    localEntropy: toPlainBytes(m.localEntropy),
    remoteEntropy: toPlainBytes(m.remoteEntropy),
    data: toPlainBytes(m.data),
    frequencyHz: frequencyHz.value,
    channel: m.channel,
    datarate: datarate.value,
    txPowerDbm: m.txPower,
    timestampNs: uint64ToBigint(m.timestamp),
    signature: toPlainBytes(m.signature),
    tmst: m.tmst,
  });
}

export function decodeWitnessReport(bytes: Uint8Array): Result<WitnessReport> {
  const name = 'lora_witness_report_req_v1';
  const decoded = decodeMessage(bytes, WITNESS_FIELDS, (b) => WitnessMessage.decode(b), name);
  if (!decoded.ok) return decoded;
  const m = decoded.value;
  const frequencyHz = safeUint(m.frequency, 'frequency', name);
  if (!frequencyHz.ok) return frequencyHz;
  const datarate = knownDataRate(m.datarate, name);
  if (!datarate.ok) return datarate;
  return ok({
    pubKeyBinary: toPlainBytes(m.pubKey),
    data: toPlainBytes(m.data),
    timestampNs: uint64ToBigint(m.timestamp),
    tmst: m.tmst,
    signalDbmX10: m.signal,
    snrDbX10: m.snr,
    frequencyHz: frequencyHz.value,
    datarate: datarate.value,
    signature: toPlainBytes(m.signature),
  });
}

export function decodeEntropyReport(bytes: Uint8Array): Result<EntropyReport> {
  const name = 'entropy_report_v1';
  const decoded = decodeMessage(bytes, ENTROPY_FIELDS, (b) => EntropyMessage.decode(b), name);
  if (!decoded.ok) return decoded;
  const m = decoded.value;
  const timestampSec = safeUint(m.timestamp, 'timestamp', name);
  if (!timestampSec.ok) return timestampSec;
  return ok({ data: toPlainBytes(m.data), timestampSec: timestampSec.value, version: m.version });
}

export function signBeaconReport(report: UnsignedBeaconReport, secretKey: Uint8Array): BeaconReport {
  return { ...report, signature: sign(beaconReportSigningBytes(report), secretKey) };
}

export function signWitnessReport(report: UnsignedWitnessReport, secretKey: Uint8Array): WitnessReport {
  return { ...report, signature: sign(witnessReportSigningBytes(report), secretKey) };
}

/**
 * Checks a report's signature. The signer defaults to the report's own `pub_key`; a session
 * scheme that signs with a delegated key passes that key instead. Key problems keep their own
 * codes (`keys.unsupported_key_type`, `keys.invalid_address`) so a hotspot with an unsupported
 * key learns that, rather than "bad signature".
 */
export function verifyBeaconReportSignature(report: BeaconReport, signerBinaryKey: Uint8Array = report.pubKeyBinary): Result<void> {
  return checkSignature(beaconReportSigningBytes(report), report.signature, signerBinaryKey);
}

export function verifyWitnessReportSignature(report: WitnessReport, signerBinaryKey: Uint8Array = report.pubKeyBinary): Result<void> {
  return checkSignature(witnessReportSigningBytes(report), report.signature, signerBinaryKey);
}

function checkSignature(message: Uint8Array, signature: Uint8Array, signerBinaryKey: Uint8Array): Result<void> {
  return verifyWithBinaryKey(message, signature, signerBinaryKey);
}

/**
 * The signing bytes of a received beacon report cut straight out of its encoding, when that
 * encoding is canonical (as every prost or @helium/proto encoder writes it); `undefined` otherwise.
 * Equal to beaconReportSigningBytes(decoded) whenever defined, without the re-encode.
 */
export function beaconReportSplicedSigningBytes(encoded: Uint8Array): Uint8Array | undefined {
  return splicedSigningBytes(encoded, BEACON_LAYOUT);
}

export function witnessReportSplicedSigningBytes(encoded: Uint8Array): Uint8Array | undefined {
  return splicedSigningBytes(encoded, WITNESS_LAYOUT);
}

/**
 * What a received report's signature is checked over: `first`, the received encoding with its
 * signature field cut out when that encoding is canonical, else the re-encode; and, only if
 * verification over `first` fails, `fallback()`: the re-encode when it differs from `first`
 * (never, if the splice is right), else undefined (the verdict stands). Together they give the
 * same verdict as verifying over the re-encode alone, Helium's rule.
 * `encoded` must be the bytes `report` was decoded from (or its canonical encoding).
 */
export interface ReceivedSigningBytes {
  first: Uint8Array;
  fallback(): Uint8Array | undefined;
}

export function receivedBeaconReportSigningBytes(encoded: Uint8Array, report: BeaconReport): ReceivedSigningBytes {
  return receivedSigningBytes(beaconReportSplicedSigningBytes(encoded), () => beaconReportSigningBytes(report));
}

export function receivedWitnessReportSigningBytes(encoded: Uint8Array, report: WitnessReport): ReceivedSigningBytes {
  return receivedSigningBytes(witnessReportSplicedSigningBytes(encoded), () => witnessReportSigningBytes(report));
}

function receivedSigningBytes(spliced: Uint8Array | undefined, reencode: () => Uint8Array): ReceivedSigningBytes {
  if (spliced === undefined) return { first: reencode(), fallback: () => undefined };
  return {
    first: spliced,
    fallback: () => {
      const reencoded = reencode();
      return bytesEqual(spliced, reencoded) ? undefined : reencoded;
    },
  };
}

/**
 * Checks the signature of a report as received (`encoded`, decoded into `report`): the same
 * verdict as verify*ReportSignature(report), without the re-encode in the usual (canonical) case.
 */
export function verifyReceivedBeaconReportSignature(encoded: Uint8Array, report: BeaconReport, signerBinaryKey: Uint8Array = report.pubKeyBinary): Result<void> {
  return checkReceivedSignature(receivedBeaconReportSigningBytes(encoded, report), report.signature, signerBinaryKey);
}

export function verifyReceivedWitnessReportSignature(encoded: Uint8Array, report: WitnessReport, signerBinaryKey: Uint8Array = report.pubKeyBinary): Result<void> {
  return checkReceivedSignature(receivedWitnessReportSigningBytes(encoded, report), report.signature, signerBinaryKey);
}

function checkReceivedSignature(signingBytes: ReceivedSigningBytes, signature: Uint8Array, signerBinaryKey: Uint8Array): Result<void> {
  const first = checkSignature(signingBytes.first, signature, signerBinaryKey);
  if (first.ok || first.error.code !== 'auth.bad_signature') return first;
  const fallback = signingBytes.fallback();
  return fallback ? checkSignature(fallback, signature, signerBinaryKey) : first;
}

const NS_PER_MS = 1_000_000n;

export function timestampNsFromMs(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NS_PER_MS;
}

/** Whole milliseconds (floor) of a nanosecond timestamp. */
export function timestampMsFromNs(ns: bigint): number {
  return Number(ns / NS_PER_MS);
}
