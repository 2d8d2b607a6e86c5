import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  addressFromBinaryKey,
  binaryKeyFromAddress,
  checkVerifyKey,
  generateKeypair,
  isValidAddress,
  keypairFromLabel,
  publicKeyFromBinaryKey,
  sign,
  verify,
} from './keys';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** Independent base58check (Bitcoin alphabet, version byte, 4-byte double-SHA-256 checksum). */
function base58check(version: number, payload: Uint8Array): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const body = Buffer.concat([Buffer.from([version]), payload]);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest();
  const full = Buffer.concat([body, sha(sha(body)).subarray(0, 4)]);
  let n = BigInt(`0x${full.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = alphabet[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const byte of full) {
    if (byte !== 0) break;
    out = `1${out}`;
  }
  return out;
}

// RFC 8032 §7.1, TEST 1
const RFC_SECRET = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const RFC_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC_SIGNATURE =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

// Hotspot addresses from Helium's own tests (helium/oracles iot_verifier/tests/integrations/common/mod.rs).
const HELIUM_ED25519_ADDRESS = '13ABbtvMrRK8jgYrT3h6Y9Zu44nS6829kzsamiQn9Eefeu3VAZs';
const HELIUM_ECC_COMPACT_ADDRESS = '112NqN2WWMwtK29PMzRby62fDydBJfsCLkCAf392stdok48ovNT6';

describe('generateKeypair', () => {
  it('derives the RFC 8032 test-1 public key and signature from its seed', () => {
    const kp = generateKeypair(RFC_SECRET);
    expect(hex(kp.publicKey)).toBe(RFC_PUBLIC);
    expect(hex(sign(new Uint8Array(0), kp.secretKey))).toBe(RFC_SIGNATURE);
  });

  it('lays out the binary key as 0x01 ‖ public key and the address as base58check(0x00 ‖ binary key)', () => {
    const kp = generateKeypair(RFC_SECRET);
    expect(hex(kp.binaryKey)).toBe(`01${RFC_PUBLIC}`);
    expect(kp.address).toBe(base58check(0, kp.binaryKey));
    expect(kp.address).toBe('14ab6w719xfTgeZeaLkg4nUUuTDJBDJp4xUVzqkkYB3c5amgUz6');
  });

  it('is deterministic for a seed and random without one', () => {
    const seed = new Uint8Array(32).fill(7);
    expect(generateKeypair(seed)).toEqual(generateKeypair(seed));
    expect(generateKeypair().address).not.toBe(generateKeypair().address);
  });

  it('keypairFromLabel is stable per label and distinct across labels', () => {
    expect(keypairFromLabel('sim/hotspot/1').address).toBe(keypairFromLabel('sim/hotspot/1').address);
    expect(keypairFromLabel('sim/hotspot/1').address).not.toBe(keypairFromLabel('sim/hotspot/2').address);
  });

  it('refuses seeds of the wrong length', () => {
    expect(() => generateKeypair(new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('addresses', () => {
  it("decodes a real Helium ed25519 hotspot address and re-encodes it identically", () => {
    const bin = binaryKeyFromAddress(HELIUM_ED25519_ADDRESS);
    expect(bin.ok).toBe(true);
    if (!bin.ok) return;
    expect(hex(bin.value)).toBe('011c3e2a3775314aa635417da753cf6ea421df8274fea24dd8397129c9c0a1ce8d');
    expect(addressFromBinaryKey(bin.value)).toEqual({ ok: true, value: HELIUM_ED25519_ADDRESS });
    expect(isValidAddress(HELIUM_ED25519_ADDRESS)).toBe(true);
  });

  const pk = fromHex(RFC_PUBLIC);
  const cases: { name: string; address: string; code: string }[] = [
    { name: 'ecc_compact hotspot key (Helium fixture)', address: HELIUM_ECC_COMPACT_ADDRESS, code: 'keys.unsupported_key_type' },
    { name: 'testnet ed25519 key', address: base58check(0, Uint8Array.from([0x11, ...pk])), code: 'keys.unsupported_key_type' },
    { name: 'unknown network nibble', address: base58check(0, Uint8Array.from([0x21, ...pk])), code: 'keys.invalid_address' },
    { name: 'version byte 1', address: base58check(1, Uint8Array.from([0x01, ...pk])), code: 'keys.invalid_address' },
    { name: 'short key', address: base58check(0, Uint8Array.from([0x01, ...pk.subarray(1)])), code: 'keys.invalid_address' },
    { name: 'long key', address: base58check(0, Uint8Array.from([0x01, ...pk, 0])), code: 'keys.invalid_address' },
    { name: 'bad checksum', address: `${HELIUM_ED25519_ADDRESS.slice(0, -1)}t`, code: 'keys.invalid_address' },
    { name: 'non-base58 character', address: HELIUM_ED25519_ADDRESS.replace('A', '0'), code: 'keys.invalid_address' },
    { name: 'empty', address: '', code: 'keys.invalid_address' },
    { name: 'very long', address: '1'.repeat(5000), code: 'keys.invalid_address' },
  ];
  it.each(cases)('rejects $name with $code', ({ address, code }) => {
    const result = binaryKeyFromAddress(address);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
    expect(isValidAddress(address)).toBe(false);
  });

  it('rejects binary keys by the same rules', () => {
    const codeOf = (b: Uint8Array) => {
      const r = addressFromBinaryKey(b);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(codeOf(Uint8Array.from([0x01, ...pk]))).toBe('ok');
    expect(codeOf(new Uint8Array(0))).toBe('keys.invalid_address');
    expect(codeOf(Uint8Array.from([0x00, ...pk]))).toBe('keys.unsupported_key_type');
    expect(codeOf(Uint8Array.from([0x02, ...pk]))).toBe('keys.unsupported_key_type');
    expect(codeOf(Uint8Array.from([0x11, ...pk]))).toBe('keys.unsupported_key_type');
    // y >= p is not a canonical point encoding
    expect(codeOf(Uint8Array.from([0x01, ...new Uint8Array(32).fill(0xff)]))).toBe('keys.invalid_address');
  });

  it('publicKeyFromBinaryKey strips the type byte', () => {
    expect(publicKeyFromBinaryKey(Uint8Array.from([0x01, ...pk]))).toEqual({ ok: true, value: pk });
  });
});

describe('sign / verify', () => {
  const kp = keypairFromLabel('signer');
  const other = keypairFromLabel('other');
  const message = new TextEncoder().encode('beacon');
  const signature = sign(message, kp.secretKey);

  it('verifies against the binary key or the address', () => {
    expect(verify(message, signature, kp.binaryKey)).toBe(true);
    expect(verify(message, signature, kp.address)).toBe(true);
  });

  it('rejects another message, another key and a modified signature', () => {
    expect(verify(new TextEncoder().encode('beacon!'), signature, kp.binaryKey)).toBe(false);
    expect(verify(message, signature, other.binaryKey)).toBe(false);
    const bent = signature.slice();
    bent[10] = bent[10]! ^ 1;
    expect(verify(message, bent, kp.binaryKey)).toBe(false);
  });

  it('rejects a non-canonical S (signature malleability) because verification is strict', () => {
    // S + L, where L is the ed25519 group order: same point arithmetic, different bytes.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).reverse().toString('hex')}`);
    const sPlusL = Buffer.from((s + L).toString(16).padStart(64, '0'), 'hex').reverse();
    expect(verify(message, Uint8Array.from([...signature.subarray(0, 32), ...sPlusL]), kp.binaryKey)).toBe(false);
  });

  it('returns false, never throws, on garbage', () => {
    const garbage: unknown[] = [undefined, null, 42, 'x', new Uint8Array(0), new Uint8Array(64), new Uint8Array(100)];
    for (const sig of garbage) {
      for (const key of garbage) {
        expect(verify(message, sig as Uint8Array, key as Uint8Array)).toBe(false);
      }
    }
    expect(verify(undefined as unknown as Uint8Array, signature, kp.binaryKey)).toBe(false);
    expect(verify(message, signature, 'not an address')).toBe(false);
  });
});

describe('checkVerifyKey', () => {
  const codeOf = (key: Uint8Array) => {
    const r = checkVerifyKey(key);
    return r.ok ? 'ok' : r.error.code;
  };
  // y = 2 is not the y coordinate of any ed25519 point.
  const offCurve = Uint8Array.from([0x01, 2, ...new Uint8Array(31)]);

  it('gives the same verdicts as verifyWithBinaryKey, before and after the key is parsed for verification', () => {
    const kp = keypairFromLabel('check-key');
    for (let round = 0; round < 2; round++) {
      expect(codeOf(kp.binaryKey)).toBe('ok');
      expect(codeOf(Uint8Array.from([0x00, ...kp.publicKey]))).toBe('keys.unsupported_key_type');
      expect(codeOf(kp.binaryKey.subarray(0, 20))).toBe('keys.invalid_address');
      expect(codeOf(offCurve)).toBe('keys.invalid_address');
      expect(verify(new Uint8Array(1), sign(new Uint8Array(1), kp.secretKey), kp.binaryKey)).toBe(true);
    }
  });
});

