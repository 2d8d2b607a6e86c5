/**
 * Hotspot identities: ed25519 keys in Helium's binary key format and base58check addresses.
 *
 * Binary key = 1 type byte (network in the high nibble, key type in the low nibble) + the 32-byte
 * ed25519 public key; address = base58check(version 0 ‖ binary key), exactly as @helium/address and
 * helium-crypto produce them, so an address shown by Helium's tools is the same string here.
 *
 * Only MAINNET ed25519 keys are accepted (type byte 0x01). Helium's own ingest also accepted one
 * configured network only; accepting testnet too would give every key a second address, i.e. a
 * second identity for the same hotspot in the registry and in reward files. ecc_compact (P-256)
 * hotspot keys, which many Helium hotspots use, are not supported.
 */
import { createPublicKey, verify as nativeVerify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AppError, err, ok, type Result } from '../errors';
import { HeliumAddress, heliumAddressUtils, KeyTypes, NetTypes } from './interop';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SECRET_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
export const BINARY_KEY_BYTES = 1 + ED25519_PUBLIC_KEY_BYTES;
/** The one type byte we accept: mainnet network nibble | ed25519 key type. */
export const MAINNET_ED25519_KEY_BYTE = NetTypes.MAINNET | KeyTypes.ED25519_KEY_TYPE;

/** Longest base58 string a 38-byte address payload can encode to; longer input is rejected before decoding. */
const MAX_ADDRESS_CHARS = 60;

export interface Keypair {
  /** RFC 8032 ed25519 private key (the 32-byte seed). */
  secretKey: Uint8Array;
  /** Raw 32-byte ed25519 public key. */
  publicKey: Uint8Array;
  /** Helium binary key: 0x01 ‖ publicKey (33 bytes). This is `pub_key` in Helium's reports. */
  binaryKey: Uint8Array;
  /** base58check address of the binary key. */
  address: string;
}

/**
 * A new keypair; with a 32-byte `seed` the keypair is fully determined by it (the simulator relies
 * on this to recreate the same hotspots on every run). Without one, the OS RNG is used.
 */
export function generateKeypair(seed?: Uint8Array): Keypair {
  if (seed !== undefined && seed.length !== ED25519_SECRET_KEY_BYTES) {
    throw new RangeError(`keypair seed must be ${ED25519_SECRET_KEY_BYTES} bytes, got ${seed.length}`);
  }
  const secretKey = seed ? new Uint8Array(seed) : ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(secretKey);
  const binaryKey = binaryKeyFromPublicKey(publicKey);
  return { secretKey, publicKey, binaryKey, address: encodeAddress(binaryKey) };
}

/** Deterministic keypair named by a label (e.g. `sim/hotspot/42`): seed = SHA-256("cov-keypair-v1:" ‖ label). */
export function keypairFromLabel(label: string): Keypair {
  return generateKeypair(sha256(new TextEncoder().encode(`cov-keypair-v1:${label}`)));
}

export function binaryKeyFromPublicKey(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RangeError(`ed25519 public key must be ${ED25519_PUBLIC_KEY_BYTES} bytes, got ${publicKey.length}`);
  }
  const out = new Uint8Array(BINARY_KEY_BYTES);
  out[0] = MAINNET_ED25519_KEY_BYTE;
  out.set(publicKey, 1);
  return out;
}

/** Checks a Helium binary key and returns the raw ed25519 public key inside it. */
export function publicKeyFromBinaryKey(binaryKey: Uint8Array): Result<Uint8Array> {
  const typeByte = binaryKey[0];
  if (typeByte === undefined) {
    return err(new AppError('keys.invalid_address', 'empty key', { reason: 'empty' }));
  }
  const netType = typeByte & 0xf0;
  const keyType = typeByte & 0x0f;
  if (!NetTypes.SUPPORTED_NET_TYPES.includes(netType)) {
    return err(new AppError('keys.invalid_address', 'unknown network in key type byte', { reason: 'unknown_network', typeByte }));
  }
  if (keyType !== KeyTypes.ED25519_KEY_TYPE) {
    return err(
      new AppError('keys.unsupported_key_type', 'only ed25519 keys are supported', { keyType: keyTypeName(keyType), typeByte }),
    );
  }
  if (netType !== NetTypes.MAINNET) {
    return err(new AppError('keys.unsupported_key_type', 'only mainnet keys are accepted', { netType: 'testnet', typeByte }));
  }
  if (binaryKey.length !== BINARY_KEY_BYTES) {
    return err(
      new AppError('keys.invalid_address', `ed25519 binary key must be ${BINARY_KEY_BYTES} bytes`, {
        reason: 'bad_length',
        expectedBytes: BINARY_KEY_BYTES,
        observedBytes: binaryKey.length,
      }),
    );
  }
  const publicKey = binaryKey.slice(1);
  if (!isCurvePoint(publicKey)) {
    return err(new AppError('keys.invalid_address', 'public key is not an ed25519 curve point', { reason: 'not_a_curve_point' }));
  }
  return ok(publicKey);
}

export function addressFromBinaryKey(binaryKey: Uint8Array): Result<string> {
  const checked = publicKeyFromBinaryKey(binaryKey);
  return checked.ok ? ok(encodeAddress(binaryKey)) : checked;
}

export function binaryKeyFromAddress(address: string): Result<Uint8Array> {
  if (typeof address !== 'string' || address.length === 0 || address.length > MAX_ADDRESS_CHARS) {
    return err(new AppError('keys.invalid_address', 'not a Helium address', { reason: 'bad_length' }));
  }
  let binaryKey: Uint8Array;
  try {
    // bs58ToBin verifies the double-SHA-256 checksum and strips the version byte.
    if (heliumAddressUtils.bs58Version(address) !== 0) {
      return err(new AppError('keys.invalid_address', 'unsupported address version', { reason: 'bad_version' }));
    }
    binaryKey = new Uint8Array(heliumAddressUtils.bs58ToBin(address));
  } catch {
    return err(new AppError('keys.invalid_address', 'not valid base58check', { reason: 'bad_base58check' }));
  }
  const checked = publicKeyFromBinaryKey(binaryKey);
  return checked.ok ? ok(binaryKey) : checked;
}

/**
 * Addresses found valid, remembered: every hotspot and owner route checks its address, and the
 * check decompresses a curve point (about 0.2 ms, most of a cached read's CPU). Validity is a fact
 * of the text alone, so a remembered answer never goes stale; only valid ones are kept, so made-up
 * addresses cannot crowd out real ones.
 */
const VALID_ADDRESSES_KEPT = 50_000;
const validAddresses = new Set<string>();

export function isValidAddress(address: string): boolean {
  if (validAddresses.has(address)) return true;
  if (!binaryKeyFromAddress(address).ok) return false;
  // Bounded by forgetting everything at once: cheaper than ordering, and refilled by the next reads.
  if (validAddresses.size >= VALID_ADDRESSES_KEPT) validAddresses.clear();
  validAddresses.add(address);
  return true;
}

/** ed25519 signature (64 bytes) over `message`. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/**
 * True only for a valid signature by the given key. Any malformed input (bad address, wrong
 * lengths, off-curve key) is simply false.
 *
 * Verification runs on Node's native (OpenSSL) ed25519, about ten times faster here than the
 * pure-JS implementation; ingest verifies every report, so this is its hot path. Parsed keys are
 * cached by binary key (hotspots sign many reports). OpenSSL, like strict RFC 8032, rejects a
 * non-canonical S, so a signature cannot be re-shaped into a second "different" report.
 */
export function verify(message: Uint8Array, signature: Uint8Array, binaryKeyOrAddress: Uint8Array | string): boolean {
  try {
    const key = typeof binaryKeyOrAddress === 'string' ? binaryKeyFromAddress(binaryKeyOrAddress) : ok(binaryKeyOrAddress);
    return key.ok && verifyWithBinaryKey(message, signature, key.value).ok;
  } catch {
    return false;
  }
}

/**
 * Like verify, but says why: the key's own problem (`keys.invalid_address`,
 * `keys.unsupported_key_type`) or `auth.bad_signature`. Key checks are cached with the parsed key,
 * so a hotspot's thousandth report costs only the signature check.
 */
export function verifyWithBinaryKey(message: Uint8Array, signature: Uint8Array, binaryKey: Uint8Array): Result<void> {
  const native = nativeKeyFor(binaryKey);
  if (!native.ok) return native;
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_BYTES || !nativeVerify(null, message, native.value, signature)) {
    return badSignature(signature);
  }
  return ok(undefined);
}

/** The `auth.bad_signature` answer, for callers that verify elsewhere (ingest's worker threads). */
export function badSignature(signature: Uint8Array | undefined): Result<never> {
  return err(new AppError('auth.bad_signature', 'signature does not verify', { signatureBytes: signature?.length }));
}

/**
 * The key checks of verifyWithBinaryKey alone (type byte, length, curve point; cached): ok when a
 * signature by this key can be verified, else the key's own error code.
 */
export function checkVerifyKey(binaryKey: Uint8Array): Result<void> {
  const hex = Buffer.from(binaryKey).toString('hex');
  const native = nativeKeys.get(hex);
  if (native !== undefined) return native.ok ? ok(undefined) : native;
  // Not parsed here yet (its signatures may be verified on another thread): the checks alone, cached.
  let checked = checkedKeys.get(hex);
  if (checked === undefined) {
    const publicKey = publicKeyFromBinaryKey(binaryKey);
    checked = publicKey.ok ? ok(undefined) : publicKey;
    if (checkedKeys.size >= NATIVE_KEY_CACHE_MAX) checkedKeys.clear();
    checkedKeys.set(hex, checked);
  }
  return checked;
}

const NATIVE_KEY_CACHE_MAX = 100_000;
const nativeKeys = new Map<string, Result<KeyObject>>();
const checkedKeys = new Map<string, Result<void>>();
/** DER SubjectPublicKeyInfo header for a raw 32-byte ed25519 key (RFC 8410). */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function nativeKeyFor(binaryKey: Uint8Array): Result<KeyObject> {
  const hex = Buffer.from(binaryKey).toString('hex');
  let native = nativeKeys.get(hex);
  if (native === undefined) {
    const publicKey = publicKeyFromBinaryKey(binaryKey);
    native = publicKey.ok ? ok(createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey.value]), format: 'der', type: 'spki' })) : publicKey;
    if (nativeKeys.size >= NATIVE_KEY_CACHE_MAX) nativeKeys.clear();
    nativeKeys.set(hex, native);
  }
  return native;
}

function encodeAddress(binaryKey: Uint8Array): string {
  return HeliumAddress.fromBin(Buffer.from(binaryKey)).b58;
}

function isCurvePoint(publicKey: Uint8Array): boolean {
  try {
    ed25519.Point.fromBytes(publicKey);
    return true;
  } catch {
    return false;
  }
}

function keyTypeName(keyType: number): string {
  switch (keyType) {
    case KeyTypes.ECC_COMPACT_KEY_TYPE:
      return 'ecc_compact';
    case KeyTypes.MULTISIG_KEY_TYPE:
      return 'multisig';
    case KeyTypes.SECP256K1_KEY_TYPE:
      return 'secp256k1';
    case KeyTypes.RSA_KEY_TYPE:
      return 'rsa';
    default:
      return `unknown(${keyType})`;
  }
}
