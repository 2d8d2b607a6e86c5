/**
 * Canonical bytes, hash and signature of a reward manifest. The manifest is JSON canonicalised by
 * RFC 8785 (JCS: sorted keys, no whitespace, ECMAScript number formatting), so anyone can re-derive
 * the exact bytes from the published JSON; the hash is sha256 of those UTF-8 bytes and the
 * signature is plain Ed25519 (RFC 8032) over the 32 hash bytes.
 *
 * Amounts are bigints in memory and decimal strings in JSON: JSON numbers lose precision above
 * 2^53, and token base-unit totals pass that.
 */
import canonicalize from 'canonicalize';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The JSON value the manifest stands for: bigints become decimal strings, undefined properties
 * are dropped. Anything JSON cannot carry faithfully (functions, symbols, Map, Set, class
 * instances, non-finite numbers) throws rather than silently turning into `{}` or null.
 */
export function toJsonValue(value: unknown, path = '$'): unknown {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: non-finite number`);
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((v, i) => toJsonValue(v, `${path}[${i}]`));
      if (!isPlainObject(value)) throw new TypeError(`${path}: ${value.constructor?.name ?? 'object'} is not plain JSON`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v, `${path}.${k}`);
      return out;
    }
    default:
      throw new TypeError(`${path}: ${typeof value} is not JSON`);
  }
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(toJsonValue(value));
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

export const canonicalBytes = (value: unknown): Uint8Array => new TextEncoder().encode(canonicalJson(value));

export interface ManifestHash {
  bytes: Uint8Array;
  hex: string;
}

export function manifestHash(value: unknown): ManifestHash {
  const bytes = sha256(canonicalBytes(value));
  return { bytes, hex: bytesToHex(bytes) };
}

/** Public key of a raw 32-byte Ed25519 secret key (seed). */
export function ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey);
}

/** 64-byte Ed25519 signature over the 32-byte manifest hash. */
export function signManifestHash(hash: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new RangeError('manifest hash must be 32 bytes');
  if (secretKey.length !== 32) throw new RangeError('Ed25519 secret key must be 32 bytes');
  return ed25519.sign(hash, secretKey);
}

/** False for a wrong signature and for malformed keys or signatures alike; never throws. */
export function verifyManifestSignature(args: { hash: Uint8Array; signature: Uint8Array; publicKey: Uint8Array }): boolean {
  if (args.hash.length !== 32 || args.signature.length !== 64 || args.publicKey.length !== 32) return false;
  try {
    // zip215: false is RFC 8032's strict verification, so every verifier agrees on edge-case signatures.
    return ed25519.verify(args.signature, args.hash, args.publicKey, { zip215: false });
  } catch {
    return false;
  }
}
