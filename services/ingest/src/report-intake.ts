/**
 * Turning bytes or JSON into a stored-report row: decode (Helium protobuf or its JSON form), check
 * the key belongs to a known hotspot (and to the session's hotspot), check the signature, and
 * derive the idempotent id. Each step fails with its own stable code; nothing here touches the
 * database except through the key cache.
 */
import { AppError, err, ok, type Result } from '@cov/shared/errors';
import {
  decodeBeaconReport,
  decodeWitnessReport,
  encodeBeaconReport,
  encodeWitnessReport,
  MAX_REPORT_BYTES,
  receivedBeaconReportSigningBytes,
  receivedWitnessReportSigningBytes,
  type BeaconReport,
  type WitnessReport,
} from '@cov/shared/helium/reports';
import { beaconReportFromJson, witnessReportFromJson } from '@cov/shared/helium/report-json';
import { reportId } from '@cov/shared/helium/report-id';
import { bytesEqual } from '@cov/shared/helium/bytes';
import { badSignature, BINARY_KEY_BYTES, checkVerifyKey, verify } from '@cov/shared/helium/keys';
import type { HotspotKeyCache, KnownHotspot } from './hotspot-key-cache';
import type { SignatureVerifier } from './signature-pool';

export type ReportKind = 'beacon' | 'witness';

export type DecodedReport =
  | { kind: 'beacon'; report: BeaconReport; encoded: Uint8Array }
  | { kind: 'witness'; report: WitnessReport; encoded: Uint8Array };

export interface AcceptedReport {
  id: string;
  kind: ReportKind;
  hotspot: KnownHotspot;
  receivedAtMs: number;
  decoded: DecodedReport;
}

/**
 * Protobuf leaves an absent pub_key empty: such a report (an empty message, say) is malformed, not
 * the report of a hotspot nobody onboarded, and is refused before any key lookup.
 */
function withHotspotKey(kind: ReportKind, decoded: DecodedReport): Result<DecodedReport> {
  const length = decoded.report.pubKeyBinary.length;
  if (length === BINARY_KEY_BYTES) return ok(decoded);
  return err(new AppError('proto.malformed', `lora_${kind}_report_req_v1: pub_key must be a ${BINARY_KEY_BYTES}-byte Helium key (got ${length} bytes)`, { field: 'pub_key' }));
}

export function decodeReportBytes(kind: ReportKind, bytes: Uint8Array): Result<DecodedReport> {
  if (kind === 'beacon') {
    const r = decodeBeaconReport(bytes);
    return r.ok ? withHotspotKey(kind, { kind, report: r.value, encoded: bytes }) : r;
  }
  const r = decodeWitnessReport(bytes);
  return r.ok ? withHotspotKey(kind, { kind, report: r.value, encoded: bytes }) : r;
}

/** Each JSON field is capped alone, so together they could encode past what protobuf input may be. */
function withinReportSize(decoded: DecodedReport): Result<DecodedReport> {
  const bytes = decoded.encoded.length;
  if (bytes <= MAX_REPORT_BYTES) return ok(decoded);
  return err(new AppError('request.too_large', `lora_${decoded.kind}_report_req_v1 encodes to ${bytes} bytes; at most ${MAX_REPORT_BYTES}`, { maxBytes: MAX_REPORT_BYTES }));
}

/** JSON form: the stored evidence is the protobuf encoding the signature covers. */
export function decodeReportJson(kind: ReportKind, json: unknown): Result<DecodedReport> {
  if (kind === 'beacon') {
    const r = beaconReportFromJson(json);
    return r.ok ? withinReportSize({ kind, report: r.value, encoded: encodeBeaconReport(r.value) }) : r;
  }
  const r = witnessReportFromJson(json);
  return r.ok ? withinReportSize({ kind, report: r.value, encoded: encodeWitnessReport(r.value) }) : r;
}

export interface SessionBinding {
  /** Binary key of the session's hotspot: every report must be this hotspot's. */
  hotspotKey: Uint8Array;
  /** Binary key that signs the session's reports (a delegated session key, or the hotspot key). */
  signerKey: Uint8Array;
}

export interface IntakeDeps {
  cache: HotspotKeyCache;
  signatures: SignatureVerifier;
}

/**
 * Checks a group of decoded reports; one result per report, in order. Signatures of the whole
 * group are verified together (on the signature pool's threads when it has any), over the
 * received bytes with the signature field cut out; the rare report whose first check fails and
 * whose re-encode differs (a non-canonical encoding) is verified again here over the re-encode.
 */
export async function acceptReports(
  decoded: DecodedReport[],
  receivedAtMs: number,
  deps: IntakeDeps,
  session?: SessionBinding,
): Promise<Result<AcceptedReport>[]> {
  const hotspots = await deps.cache.getMany(decoded.map((d) => d.report.pubKeyBinary));
  const results: Result<AcceptedReport>[] = new Array(decoded.length);
  const pending: { index: number; hotspot: KnownHotspot; signer: Uint8Array; fallback: () => Uint8Array | undefined }[] = [];
  const checks: { message: Uint8Array; signature: Uint8Array; binaryKey: Uint8Array }[] = [];
  decoded.forEach((d, index) => {
    const hotspot = hotspots[index];
    const key = d.report.pubKeyBinary;
    if (session && !bytesEqual(key, session.hotspotKey)) {
      results[index] = err(new AppError('ingest.wrong_hotspot', "report pub_key is not this session's hotspot"));
      return;
    }
    if (!hotspot) {
      results[index] = err(new AppError('hotspots.not_found', 'report pub_key is not an onboarded hotspot'));
      return;
    }
    const signer = session?.signerKey ?? key;
    const signerKey = checkVerifyKey(signer);
    if (!signerKey.ok) {
      results[index] = signerKey;
      return;
    }
    // `encoded` is what `report` was decoded from (or, for JSON, its canonical encoding).
    const signingBytes = d.kind === 'beacon' ? receivedBeaconReportSigningBytes(d.encoded, d.report) : receivedWitnessReportSigningBytes(d.encoded, d.report);
    pending.push({ index, hotspot, signer, fallback: signingBytes.fallback });
    checks.push({ message: signingBytes.first, signature: d.report.signature, binaryKey: signer });
  });
  const verdicts = await deps.signatures.verifyAll(checks);
  pending.forEach(({ index, hotspot, signer, fallback }, j) => {
    const d = decoded[index]!;
    let verified = verdicts[j] === true;
    if (!verified) {
      const reencoded = fallback();
      verified = reencoded !== undefined && verify(reencoded, d.report.signature, signer);
    }
    results[index] = verified
      ? ok({ id: reportId(d.encoded, receivedAtMs, d.report.pubKeyBinary), kind: d.kind, hotspot, receivedAtMs, decoded: d })
      : badSignature(d.report.signature);
  });
  return results;
}
