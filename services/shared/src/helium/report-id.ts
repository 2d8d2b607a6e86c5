/**
 * Report ids make ingest idempotent: the same bytes received at the same server time from the
 * same key always get the same id, so a retried insert is `on conflict do nothing`.
 *
 * id = hex(SHA-256(encoded report ‖ receivedAtMs as u64 big-endian ‖ binary key)). Helium's
 * `ingest_id` hashes the same three things in the same order with blake3 (over the beacon `data`
 * rather than the whole report); we hash the whole encoded report, so two distinct reports that
 * share a payload (every witness of one beacon) never collide.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { concatBytes, u64BigEndian } from './bytes';

export function reportId(encoded: Uint8Array, receivedAtMs: number, pubKeyBinary: Uint8Array): string {
  if (!Number.isSafeInteger(receivedAtMs) || receivedAtMs < 0) {
    throw new RangeError(`receivedAtMs must be a non-negative integer, got ${receivedAtMs}`);
  }
  return bytesToHex(sha256(concatBytes(encoded, u64BigEndian(BigInt(receivedAtMs)), pubKeyBinary)));
}
