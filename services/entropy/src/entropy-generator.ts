/**
 * Next entropy value: SHA-256 of 32 fresh CSPRNG bytes, the previous value and the time. The
 * CSPRNG alone makes it unpredictable; chaining the previous value and the time means that even a
 * weak RNG could not make two values repeat, and the sequence is auditable after the fact.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u64BigEndian } from '@cov/shared/helium/bytes';
import { encodeEntropyReport, type EntropyReport } from '@cov/shared/helium/reports';
import { sign } from '@cov/shared/helium/keys';
import type { EntropyRow } from '@cov/shared/entropy/entropy-repository';

/** Helium's entropy service publishes version 0 values; the beacon construction supports it. */
export const ENTROPY_VERSION = 0;

export function nextEntropyData(random32: Uint8Array, previous: Uint8Array | undefined, nowMs: number): Uint8Array {
  return sha256(concatBytes(random32, previous ?? new Uint8Array(0), u64BigEndian(BigInt(nowMs))));
}

export function signedEntropy(data: Uint8Array, timestampSec: number, oracleSecretKey: Uint8Array): EntropyRow {
  const report: EntropyReport = { data, timestampSec, version: ENTROPY_VERSION };
  return { data, timestampSec, version: ENTROPY_VERSION, signature: sign(encodeEntropyReport(report), oracleSecretKey) };
}

/** A new value is due when the latest is at least one interval old (by the injectable clock). */
export function entropyIsDue(latestTimestampSec: number | undefined, nowMs: number, intervalMs: number): boolean {
  return latestTimestampSec === undefined || nowMs - latestTimestampSec * 1000 >= intervalMs;
}
