import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  canonicalJson,
  ed25519PublicKey,
  manifestHash,
  signManifestHash,
  verifyManifestSignature,
} from './manifest-canonical';

// RFC 8032 section 7.1, TEST 1: secret key and public key.
const RFC8032_SECRET = Uint8Array.from(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'));
const RFC8032_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

describe('canonicalJson', () => {
  it('sorts keys, drops whitespace and undefined, and writes bigints as decimal strings', () => {
    const value = { z: 1n, a: { y: [3, 'x', null, true], b: undefined }, m: 2 ** 70 };
    expect(canonicalJson(value)).toBe('{"a":{"y":[3,"x",null,true]},"m":1.1805916207174113e+21,"z":"1"}');
  });

  it('keeps bigints beyond 2^53 exact', () => {
    expect(canonicalJson({ amount: 2n ** 64n - 1n })).toBe('{"amount":"18446744073709551615"}');
  });

  it('orders keys by UTF-16 code units as RFC 8785 requires', () => {
    expect(canonicalJson({ b: 1, a: 1, B: 1, é: 1, '1': 1 })).toBe('{"1":1,"B":1,"a":1,"b":1,"é":1}');
  });

  it('is independent of key insertion order', () => {
    expect(canonicalJson({ a: 1, b: { c: 1, d: 2 } })).toBe(canonicalJson({ b: { d: 2, c: 1 }, a: 1 }));
  });

  it.each([
    ['a Map', { m: new Map() }],
    ['NaN', { n: Number.NaN }],
    ['a function', { f: () => 1 }],
    ['a class instance', { d: new Uint8Array(2) }],
  ])('refuses %s instead of writing something lossy', (_n, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('manifestHash', () => {
  it('is sha256 of the canonical UTF-8 bytes', () => {
    const value = { epoch: 20_000n, note: 'ü' };
    const expected = createHash('sha256').update(Buffer.from('{"epoch":"20000","note":"ü"}', 'utf8')).digest('hex');
    expect(Buffer.from(canonicalBytes(value)).toString('utf8')).toBe('{"epoch":"20000","note":"ü"}');
    expect(manifestHash(value).hex).toBe(expected);
    expect(manifestHash(value).bytes.length).toBe(32);
  });
});

describe('manifest signatures', () => {
  it('derives the RFC 8032 public key from its secret key', () => {
    expect(Buffer.from(ed25519PublicKey(RFC8032_SECRET)).toString('hex')).toBe(RFC8032_PUBLIC);
  });

  it('signs the hash so that the matching public key verifies it and nothing else does', () => {
    const hash = manifestHash({ epoch: 1n, root: 'ab' }).bytes;
    const signature = signManifestHash(hash, RFC8032_SECRET);
    const publicKey = ed25519PublicKey(RFC8032_SECRET);
    expect(signature.length).toBe(64);
    expect(verifyManifestSignature({ hash, signature, publicKey })).toBe(true);

    const otherHash = manifestHash({ epoch: 2n, root: 'ab' }).bytes;
    expect(verifyManifestSignature({ hash: otherHash, signature, publicKey })).toBe(false);
    const badSig = Uint8Array.from(signature);
    badSig[10]! ^= 1;
    expect(verifyManifestSignature({ hash, signature: badSig, publicKey })).toBe(false);
    const otherKey = ed25519PublicKey(new Uint8Array(32).fill(7));
    expect(verifyManifestSignature({ hash, signature, publicKey: otherKey })).toBe(false);
  });

  it('returns false for malformed lengths rather than throwing', () => {
    const hash = new Uint8Array(32);
    expect(verifyManifestSignature({ hash, signature: new Uint8Array(10), publicKey: new Uint8Array(32) })).toBe(false);
    expect(verifyManifestSignature({ hash, signature: new Uint8Array(64), publicKey: new Uint8Array(31) })).toBe(false);
    expect(verifyManifestSignature({ hash, signature: new Uint8Array(64), publicKey: new Uint8Array(32).fill(0xff) })).toBe(false);
  });

  it('refuses to sign with a malformed key or hash', () => {
    expect(() => signManifestHash(new Uint8Array(31), RFC8032_SECRET)).toThrow(RangeError);
    expect(() => signManifestHash(new Uint8Array(32), new Uint8Array(64))).toThrow(RangeError);
  });
});
