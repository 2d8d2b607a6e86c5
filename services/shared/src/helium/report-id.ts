/**
 * Report ids make ingest idempotent: the same bytes received at the same server time from the
 * same key always get the same id, so a retried insert is `on conflict do nothing`.
 *
 * id = hex(SHA-256(encoded report ‖ receivedAtMs as u64 big-endian ‖ binary key)). Helium's
 * `ingest_id` hashes the same three things in the same order with blake3 (over the beacon `data`
 * rather than the whole report); we hash the whole encoded report, so two distinct reports that
 * share a payload (every witness of one beacon) never collide.
 */
import { createHash } from 'node:crypto';
import { u64BigEndian } from './bytes';

export function reportId(encoded: Uint8Array, receivedAtMs: number, pubKeyBinary: Uint8Array): string {
  if (!Number.isSafeInteger(receivedAtMs) || receivedAtMs < 0) {
    throw new RangeError(`receivedAtMs must be a non-negative integer, got ${receivedAtMs}`);
  }
  // Node's native SHA-256: ingest hashes every report, and this is several times the pure-JS rate.
  return createHash('sha256').update(encoded).update(receivedAtBytes(receivedAtMs)).update(pubKeyBinary).digest('hex');
}

// A batch's reports share one receive time: its encoding is made once (hash.update copies it).
let lastReceivedAtMs = -1;
let lastReceivedAtBytes: Uint8Array = new Uint8Array(8);

function receivedAtBytes(receivedAtMs: number): Uint8Array {
  if (receivedAtMs !== lastReceivedAtMs) {
    lastReceivedAtBytes = u64BigEndian(BigInt(receivedAtMs));
    lastReceivedAtMs = receivedAtMs;
  }
  return lastReceivedAtBytes;
}
