/**
 * AES-128 primitives LoRaWAN 1.0.x is built from. Keys are 16 raw bytes; a key of another length
 * is a programming error (keys are validated where they enter the system), so these throw on it.
 */
import { cmac, ecb } from '@noble/ciphers/aes.js';
import { concatBytes, displayHexToWire } from './bytes';
import type { Direction } from './types';

export const AES_KEY_BYTES = 16;

function assertKey(key: Uint8Array): void {
  if (key.length !== AES_KEY_BYTES) throw new RangeError(`AES-128 key must be 16 bytes, got ${key.length}`);
}

/** AES-128-ECB encryption of whole 16-byte blocks (no padding). */
export function aesEncrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array {
  assertKey(key);
  return ecb(key, { disablePadding: true }).encrypt(blocks);
}

/** AES-128-ECB decryption of whole 16-byte blocks (no padding). */
export function aesDecrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array {
  assertKey(key);
  return ecb(key, { disablePadding: true }).decrypt(blocks);
}

/** AES-CMAC (RFC 4493); LoRaWAN MICs are its first 4 bytes. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  assertKey(key);
  return cmac(message, key);
}

/**
 * The per-frame block used both as the FRMPayload keystream counter (A_i, tag 0x01) and as the MIC
 * prefix (B0, tag 0x49): tag | 4×0 | Dir | DevAddr(LE) | FCnt32(LE) | 0 | last.
 */
export function frameBlock(tag: number, direction: Direction, devAddr: string, fCnt32: number, last: number): Uint8Array {
  const block = new Uint8Array(16);
  block[0] = tag;
  block[5] = direction === 'up' ? 0 : 1;
  const addr = displayHexToWire(devAddr, 4);
  if (!addr) throw new RangeError(`DevAddr must be 8 hex characters, got "${devAddr}"`);
  block.set(addr, 6);
  const view = new DataView(block.buffer);
  view.setUint32(10, fCnt32 >>> 0, true);
  block[15] = last & 0xff;
  return block;
}

/**
 * FRMPayload encryption and decryption (the same XOR operation): AES-CTR-like keystream of
 * E(key, A_i), i from 1. The key is AppSKey, or NwkSKey when FPort is 0.
 */
export function cryptFrmPayload(
  key: Uint8Array,
  direction: Direction,
  devAddr: string,
  fCnt32: number,
  data: Uint8Array,
): Uint8Array {
  const blockCount = Math.ceil(data.length / 16);
  if (blockCount === 0) return new Uint8Array(0);
  const counters: Uint8Array[] = [];
  for (let i = 1; i <= blockCount; i++) counters.push(frameBlock(0x01, direction, devAddr, fCnt32, i));
  const keystream = aesEncrypt(key, concatBytes(...counters));
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] ?? 0) ^ (keystream[i] ?? 0);
  return out;
}
