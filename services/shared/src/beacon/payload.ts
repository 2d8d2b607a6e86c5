/**
 * The beacon payload, bit-for-bit as Helium's beacon crate (helium/proto `beacon/src/lib.rs`,
 * `entropy.rs`) builds it on the gateway and again in the verifier:
 *
 *   seed    = SHA-256(remote.data ‖ i64le(remote.timestampSec) ‖ local.data ‖ i64le(local.timestampSec))
 *   payload = 51 samples of `u8` from rand_chacha's ChaCha12Rng::from_seed(seed)
 *
 * The second line is subtler than "the first 51 keystream bytes": rand samples a u8 as
 * `next_u32() as u8`, so every payload byte consumes a whole 32-bit little-endian keystream word
 * and keeps its low byte, i.e. payload[i] = keystream[4·i]. ChaCha12Rng runs the original ChaCha
 * block function with 12 rounds, the seed as key, a zero 64-bit stream id and a block counter
 * from 0; for the 4 blocks used here that is the same keystream as 12-round ChaCha with an
 * all-zero 96-bit nonce and counter 0, which is what @noble/ciphers' chacha12 computes.
 * Helium's own integration fixture (see payload.test.ts) pins this down.
 */
import { chacha12 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, i64LittleEndian } from '../helium/bytes';

export const BEACON_PAYLOAD_BYTES = 51;
/** Size of the hotspot's own entropy in gateway-rs (`LOCAL_ENTROPY_SIZE`). */
export const LOCAL_ENTROPY_BYTES = 4;

export interface EntropyValue {
  data: Uint8Array;
  /**
   * Whole seconds since the Unix epoch. For the remote value it is the entropy service's
   * timestamp (start of validity); hotspots always use 0 for their local entropy.
   */
  timestampSec: number;
}

const CHACHA_NONCE = new Uint8Array(12);
const BYTES_PER_SAMPLE = 4;

export function beaconSeed(remote: EntropyValue, local: EntropyValue): Uint8Array {
  return sha256(
    concatBytes(remote.data, i64Seconds(remote.timestampSec), local.data, i64Seconds(local.timestampSec)),
  );
}

export function beaconPayload(seed: Uint8Array, payloadBytes = BEACON_PAYLOAD_BYTES): Uint8Array {
  const keystream = chacha12(seed, CHACHA_NONCE, new Uint8Array(payloadBytes * BYTES_PER_SAMPLE));
  const payload = new Uint8Array(payloadBytes);
  for (let i = 0; i < payloadBytes; i++) payload[i] = keystream[i * BYTES_PER_SAMPLE] as number;
  return payload;
}

function i64Seconds(timestampSec: number): Uint8Array {
  if (!Number.isSafeInteger(timestampSec)) throw new RangeError(`entropy timestamp must be whole seconds, got ${timestampSec}`);
  return i64LittleEndian(BigInt(timestampSec));
}
