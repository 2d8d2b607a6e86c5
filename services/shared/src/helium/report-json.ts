/**
 * JSON form of the reports, for clients that cannot speak protobuf (HTTP batch body, API output).
 * Same fields and units as the typed reports; bytes are standard padded base64 and u64 timestamps
 * decimal strings (they exceed 2^53, as in the proto3 JSON mapping). A JSON report converts to the
 * typed report and from there to the canonical protobuf encoding, so its signature is checked over
 * exactly the bytes a protobuf client would have signed: JSON is a transport, never a second
 * signing scheme.
 *
 * Parsing is strict (every field required, no unknown fields, integers in their proto range),
 * because a lenient parser would let two different bodies stand for the same signed report.
 */
import { AppError, err, ok, type Result } from '../errors';
import { fromBase64, toBase64 } from './bytes';
import { isDataRateName, type DataRateName } from './data-rate';
import { MAX_REPORT_BYTES, type BeaconReport, type EntropyReport, type WitnessReport } from './reports';

export interface BeaconReportJson {
  pubKeyBinary: string;
  localEntropy: string;
  remoteEntropy: string;
  data: string;
  frequencyHz: number;
  channel: number;
  datarate: DataRateName;
  txPowerDbm: number;
  timestampNs: string;
  signature: string;
  tmst: number;
}

export interface WitnessReportJson {
  pubKeyBinary: string;
  data: string;
  timestampNs: string;
  tmst: number;
  signalDbmX10: number;
  snrDbX10: number;
  frequencyHz: number;
  datarate: DataRateName;
  signature: string;
}

export interface EntropyReportJson {
  data: string;
  timestampSec: number;
  version: number;
}

export function beaconReportToJson(r: BeaconReport): BeaconReportJson {
  return {
    pubKeyBinary: toBase64(r.pubKeyBinary),
    localEntropy: toBase64(r.localEntropy),
    remoteEntropy: toBase64(r.remoteEntropy),
    data: toBase64(r.data),
    frequencyHz: r.frequencyHz,
    channel: r.channel,
    datarate: r.datarate,
    txPowerDbm: r.txPowerDbm,
    timestampNs: r.timestampNs.toString(),
    signature: toBase64(r.signature),
    tmst: r.tmst,
  };
}

export function witnessReportToJson(r: WitnessReport): WitnessReportJson {
  return {
    pubKeyBinary: toBase64(r.pubKeyBinary),
    data: toBase64(r.data),
    timestampNs: r.timestampNs.toString(),
    tmst: r.tmst,
    signalDbmX10: r.signalDbmX10,
    snrDbX10: r.snrDbX10,
    frequencyHz: r.frequencyHz,
    datarate: r.datarate,
    signature: toBase64(r.signature),
  };
}

export function entropyReportToJson(r: EntropyReport): EntropyReportJson {
  return { data: toBase64(r.data), timestampSec: r.timestampSec, version: r.version };
}

export function beaconReportFromJson(json: unknown): Result<BeaconReport> {
  return readJson(json, 'beacon report', BEACON_KEYS, (f) => ({
    pubKeyBinary: f.bytes('pubKeyBinary'),
    localEntropy: f.bytes('localEntropy'),
    remoteEntropy: f.bytes('remoteEntropy'),
    data: f.bytes('data'),
    frequencyHz: f.integer('frequencyHz', 0, Number.MAX_SAFE_INTEGER),
    channel: f.integer('channel', INT32_MIN, INT32_MAX),
    datarate: f.dataRate('datarate'),
    txPowerDbm: f.integer('txPowerDbm', INT32_MIN, INT32_MAX),
    timestampNs: f.uint64String('timestampNs'),
    signature: f.bytes('signature'),
    tmst: f.integer('tmst', 0, UINT32_MAX),
  }));
}

export function witnessReportFromJson(json: unknown): Result<WitnessReport> {
  return readJson(json, 'witness report', WITNESS_KEYS, (f) => ({
    pubKeyBinary: f.bytes('pubKeyBinary'),
    data: f.bytes('data'),
    timestampNs: f.uint64String('timestampNs'),
    tmst: f.integer('tmst', 0, UINT32_MAX),
    signalDbmX10: f.integer('signalDbmX10', INT32_MIN, INT32_MAX),
    snrDbX10: f.integer('snrDbX10', INT32_MIN, INT32_MAX),
    frequencyHz: f.integer('frequencyHz', 0, Number.MAX_SAFE_INTEGER),
    datarate: f.dataRate('datarate'),
    signature: f.bytes('signature'),
  }));
}

export function entropyReportFromJson(json: unknown): Result<EntropyReport> {
  return readJson(json, 'entropy report', ENTROPY_KEYS, (f) => ({
    data: f.bytes('data'),
    timestampSec: f.integer('timestampSec', 0, Number.MAX_SAFE_INTEGER),
    version: f.integer('version', 0, UINT32_MAX),
  }));
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const UINT64_MAX = (1n << 64n) - 1n;
/** base64 of MAX_REPORT_BYTES bytes; no single field can legitimately be longer. */
const MAX_BASE64_CHARS = Math.ceil(MAX_REPORT_BYTES / 3) * 4;

const BEACON_KEYS: ReadonlySet<string> = new Set<keyof BeaconReportJson>([
  'pubKeyBinary', 'localEntropy', 'remoteEntropy', 'data', 'frequencyHz', 'channel', 'datarate', 'txPowerDbm', 'timestampNs', 'signature', 'tmst',
]);
const WITNESS_KEYS: ReadonlySet<string> = new Set<keyof WitnessReportJson>([
  'pubKeyBinary', 'data', 'timestampNs', 'tmst', 'signalDbmX10', 'snrDbX10', 'frequencyHz', 'datarate', 'signature',
]);
const ENTROPY_KEYS: ReadonlySet<string> = new Set<keyof EntropyReportJson>(['data', 'timestampSec', 'version']);

/** Thrown only inside readJson and turned into a Result there. */
class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

class FieldReader {
  constructor(private readonly obj: Record<string, unknown>) {}

  private get(field: string): unknown {
    if (!Object.hasOwn(this.obj, field)) throw new FieldError(field, 'missing');
    return this.obj[field];
  }

  bytes(field: string): Uint8Array {
    const v = this.get(field);
    if (typeof v !== 'string') throw new FieldError(field, 'expected a base64 string');
    if (v.length > MAX_BASE64_CHARS) throw new FieldError(field, 'too long');
    const bytes = fromBase64(v);
    if (!bytes) throw new FieldError(field, 'not canonical padded base64');
    return bytes;
  }

  integer(field: string, min: number, max: number): number {
    const v = this.get(field);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new FieldError(field, 'expected an integer');
    if (v < min || v > max) throw new FieldError(field, `out of range [${min}, ${max}]`);
    return v;
  }

  uint64String(field: string): bigint {
    const v = this.get(field);
    if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(v)) throw new FieldError(field, 'expected a decimal u64 string');
    const n = BigInt(v);
    if (n > UINT64_MAX) throw new FieldError(field, 'out of u64 range');
    return n;
  }

  dataRate(field: string): DataRateName {
    const v = this.get(field);
    if (!isDataRateName(v)) throw new FieldError(field, 'unknown data rate name');
    return v;
  }
}

function readJson<T>(json: unknown, what: string, allowedKeys: ReadonlySet<string>, build: (f: FieldReader) => T): Result<T> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return err(new AppError('request.invalid', `${what} must be a JSON object`, { reason: 'not_an_object' }));
  }
  const unknown = Object.keys(json).filter((k) => !allowedKeys.has(k));
  if (unknown.length > 0) {
    return err(new AppError('request.invalid', `${what} has unknown fields`, { unknownFields: unknown.slice(0, 10) }));
  }
  try {
    return ok(build(new FieldReader(json as Record<string, unknown>)));
  } catch (cause) {
    if (cause instanceof FieldError) {
      return err(new AppError('request.invalid', `${what}: ${cause.message}`, { field: cause.field, reason: cause.reason }));
    }
    return err(new AppError('request.invalid', `${what} is invalid`, { reason: String(cause) }));
  }
}
