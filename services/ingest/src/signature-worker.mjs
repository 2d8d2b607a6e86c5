// Worker thread of signature-pool.ts: verifies packed batches of ed25519 signatures with Node's
// native (OpenSSL) ed25519, the same call as verifyWithBinaryKey in @cov/shared/helium/keys.
// Plain JavaScript with only node: imports, so the thread starts without the TypeScript loader.
//
// Request: { id, buffer, count }; buffer holds `count` records of
//   u32 little-endian message length | 33-byte Helium binary key | 64-byte signature | message.
// Keys were checked by the main thread (type byte, curve point); any failure here is just `0`.
// Answer: { id, verdicts } with one byte per record, 1 = the signature verifies.
import { createPublicKey, verify } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** DER SubjectPublicKeyInfo header for a raw 32-byte ed25519 key (RFC 8410). */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_CACHE_MAX = 100_000;
const keys = new Map();

function keyFor(bytes, offset) {
  const raw = bytes.subarray(offset + 1, offset + 33);
  const id = raw.toString('latin1');
  let key = keys.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    if (keys.size >= KEY_CACHE_MAX) keys.clear();
    keys.set(id, key);
  }
  return key;
}

parentPort.on('message', ({ id, buffer, count }) => {
  const bytes = Buffer.from(buffer);
  const verdicts = new Uint8Array(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = bytes.readUInt32LE(offset);
    const keyOffset = offset + 4;
    const signature = bytes.subarray(keyOffset + 33, keyOffset + 97);
    const message = bytes.subarray(keyOffset + 97, keyOffset + 97 + length);
    try {
      verdicts[i] = verify(null, message, keyFor(bytes, keyOffset), signature) ? 1 : 0;
    } catch {
      verdicts[i] = 0;
    }
    offset = keyOffset + 97 + length;
  }
  parentPort.postMessage({ id, verdicts }, [verdicts.buffer]);
});
