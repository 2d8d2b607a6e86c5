// The public JSON form of an entropy value (REST answer and WebSocket push share it).
import { toBase64 } from '../helium/bytes';
import type { EntropyRow } from './entropy-repository';

export interface EntropyView {
  data: string;
  timestampSec: number;
  version: number;
  /** ed25519 signature by the oracle key over the encoded entropy_report_v1. */
  signature: string;
  /** Beacons embedding this value are accepted until then (server time, ms). */
  validUntilMs: number;
}

export function toEntropyView(row: EntropyRow, validityMs: number): EntropyView {
  return {
    data: toBase64(row.data),
    timestampSec: row.timestampSec,
    version: row.version,
    signature: toBase64(row.signature),
    validUntilMs: row.timestampSec * 1000 + validityMs,
  };
}
