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
  verifyReceivedBeaconReportSignature,
  verifyReceivedWitnessReportSignature,
  type BeaconReport,
  type WitnessReport,
} from '@cov/shared/helium/reports';
import { beaconReportFromJson, witnessReportFromJson } from '@cov/shared/helium/report-json';
import { reportId } from '@cov/shared/helium/report-id';
import { bytesEqual } from '@cov/shared/helium/bytes';
import type { HotspotKeyCache, KnownHotspot } from './hotspot-key-cache';

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

export function decodeReportBytes(kind: ReportKind, bytes: Uint8Array): Result<DecodedReport> {
  if (kind === 'beacon') {
    const r = decodeBeaconReport(bytes);
    return r.ok ? ok({ kind, report: r.value, encoded: bytes }) : r;
  }
  const r = decodeWitnessReport(bytes);
  return r.ok ? ok({ kind, report: r.value, encoded: bytes }) : r;
}

/** JSON form: the stored evidence is the protobuf encoding the signature covers. */
export function decodeReportJson(kind: ReportKind, json: unknown): Result<DecodedReport> {
  if (kind === 'beacon') {
    const r = beaconReportFromJson(json);
    return r.ok ? ok({ kind, report: r.value, encoded: encodeBeaconReport(r.value) }) : r;
  }
  const r = witnessReportFromJson(json);
  return r.ok ? ok({ kind, report: r.value, encoded: encodeWitnessReport(r.value) }) : r;
}

export interface SessionBinding {
  /** Binary key of the session's hotspot: every report must be this hotspot's. */
  hotspotKey: Uint8Array;
  /** Binary key that signs the session's reports (a delegated session key, or the hotspot key). */
  signerKey: Uint8Array;
}

export async function acceptReports(
  decoded: DecodedReport[],
  receivedAtMs: number,
  cache: HotspotKeyCache,
  session?: SessionBinding,
): Promise<Result<AcceptedReport>[]> {
  const hotspots = await cache.getMany(decoded.map((d) => d.report.pubKeyBinary));
  return decoded.map((d, i) => {
    const hotspot = hotspots[i];
    const key = d.report.pubKeyBinary;
    if (session && !bytesEqual(key, session.hotspotKey)) {
      return err(new AppError('ingest.wrong_hotspot', "report pub_key is not this session's hotspot"));
    }
    if (!hotspot) return err(new AppError('hotspots.not_found', 'report pub_key is not an onboarded hotspot'));
    const signer = session?.signerKey ?? key;
    // `encoded` is what `report` was decoded from (or, for JSON, its canonical encoding).
    const verified = d.kind === 'beacon' ? verifyReceivedBeaconReportSignature(d.encoded, d.report, signer) : verifyReceivedWitnessReportSignature(d.encoded, d.report, signer);
    if (!verified.ok) return err(verified.error);
    return ok({ id: reportId(d.encoded, receivedAtMs, key), kind: d.kind, hotspot, receivedAtMs, decoded: d });
  });
}
