import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BEACON_PAYLOAD_BYTES, beaconPayload, beaconSeed } from './payload';
import {
  HELIUM_ENTROPY_TIMESTAMP_MS,
  HELIUM_LOCAL_ENTROPY,
  HELIUM_POC_DATA,
  HELIUM_REMOTE_ENTROPY,
} from './helium-fixture.test-data';

/**
 * An independent ChaCha block function written from RFC 8439 §2.1–2.3 (quarter round, state
 * layout, serialisation), with the round count as a parameter. It shares no code with
 * @noble/ciphers, so agreeing with it (and with Helium's fixture) checks both the library call
 * (key, nonce, counter) and our reading of rand_chacha's u8 sampling.
 */
function referenceChachaBlock(key: Uint8Array, nonce: Uint8Array, counter: number, rounds: number): Uint8Array {
  const words = (b: Uint8Array) => Array.from({ length: b.length / 4 }, (_, i) => new DataView(b.buffer, b.byteOffset).getUint32(i * 4, true));
  const state = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, ...words(key), counter >>> 0, ...words(nonce)];
  const x = state.slice();
  const rotl = (v: number, n: number) => ((v << n) | (v >>> (32 - n))) >>> 0;
  const qr = (a: number, b: number, c: number, d: number) => {
    x[a] = (x[a]! + x[b]!) >>> 0; x[d] = rotl(x[d]! ^ x[a]!, 16);
    x[c] = (x[c]! + x[d]!) >>> 0; x[b] = rotl(x[b]! ^ x[c]!, 12);
    x[a] = (x[a]! + x[b]!) >>> 0; x[d] = rotl(x[d]! ^ x[a]!, 8);
    x[c] = (x[c]! + x[d]!) >>> 0; x[b] = rotl(x[b]! ^ x[c]!, 7);
  };
  for (let i = 0; i < rounds; i += 2) {
    qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15);
    qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14);
  }
  const out = new Uint8Array(64);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) view.setUint32(i * 4, (x[i]! + state[i]!) >>> 0, true);
  return out;
}

/** rand_chacha ChaCha12Rng::from_seed(seed), sampled as u8 = low byte of each next_u32(). */
function referencePayload(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const block = referenceChachaBlock(seed, new Uint8Array(12), Math.floor(i / 16), 12);
    out[i] = block[(i % 16) * 4]!;
  }
  return out;
}

function referenceSeed(remote: Uint8Array, remoteTsSec: number, local: Uint8Array, localTsSec: number): Uint8Array {
  const le = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b;
  };
  return new Uint8Array(createHash('sha256').update(remote).update(le(remoteTsSec)).update(local).update(le(localTsSec)).digest());
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('reference ChaCha block (validates the independent implementation itself)', () => {
  it('matches RFC 8439 §2.3.2 (20 rounds, key 00..1f, nonce 00000009 0000004a 00000000, counter 1)', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = Buffer.from('000000090000004a00000000', 'hex');
    expect(hex(referenceChachaBlock(key, nonce, 1, 20))).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
        'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
  });

  it('matches RFC 8439 A.1 test vector #1 (20 rounds, all-zero key and nonce, counter 0)', () => {
    expect(hex(referenceChachaBlock(new Uint8Array(32), new Uint8Array(12), 0, 20)).slice(0, 32)).toBe('76b8e0ada0f13d90405d6ae55386bd28');
  });
});

describe('beaconSeed / beaconPayload', () => {
  const remote = { data: HELIUM_REMOTE_ENTROPY, timestampSec: HELIUM_ENTROPY_TIMESTAMP_MS / 1000 };
  const local = { data: HELIUM_LOCAL_ENTROPY, timestampSec: 0 };

  it("reproduces Helium's fixture beacon payload (known answer)", () => {
    expect(Array.from(beaconPayload(beaconSeed(remote, local)))).toEqual(Array.from(HELIUM_POC_DATA));
  });

  it('derives the same known answer with the independent SHA-256 and ChaCha12 implementations', () => {
    const seed = referenceSeed(HELIUM_REMOTE_ENTROPY, remote.timestampSec, HELIUM_LOCAL_ENTROPY, 0);
    expect(hex(beaconSeed(remote, local))).toBe(hex(seed));
    expect(hex(referencePayload(seed, BEACON_PAYLOAD_BYTES))).toBe(hex(HELIUM_POC_DATA));
  });

  it('is not simply the first 51 keystream bytes (rand samples a u8 from a whole u32 word)', () => {
    const seed = beaconSeed(remote, local);
    expect(hex(referenceChachaBlock(seed, new Uint8Array(12), 0, 12).slice(0, 51))).not.toBe(hex(HELIUM_POC_DATA));
  });

  it('hashes the entropy timestamp in seconds: the same value in ms gives another payload', () => {
    const inMs = beaconPayload(beaconSeed({ ...remote, timestampSec: HELIUM_ENTROPY_TIMESTAMP_MS }, local));
    expect(hex(inMs)).not.toBe(hex(HELIUM_POC_DATA));
  });

  it('agrees with the reference on varied inputs, including negative and non-zero local timestamps', () => {
    for (let i = 0; i < 25; i++) {
      const draw = createHash('sha256').update(`case-${i}`).digest();
      const r = new Uint8Array(draw.subarray(0, 32));
      const l = new Uint8Array(createHash('sha256').update(draw).digest().subarray(0, 4));
      const rTs = (i % 5 === 0 ? -1 : 1) * draw.readUIntBE(0, 5);
      const lTs = i % 3 === 0 ? 0 : draw.readUInt32BE(8);
      const ours = beaconPayload(beaconSeed({ data: r, timestampSec: rTs }, { data: l, timestampSec: lTs }));
      expect(hex(ours)).toBe(hex(referencePayload(referenceSeed(r, rTs, l, lTs), BEACON_PAYLOAD_BYTES)));
    }
  });

  it('supports payloads longer than one ChaCha block', () => {
    const seed = beaconSeed(remote, local);
    expect(hex(beaconPayload(seed, 100))).toBe(hex(referencePayload(seed, 100)));
  });

  it('rejects timestamps that are not whole seconds', () => {
    expect(() => beaconSeed({ ...remote, timestampSec: 1.5 }, local)).toThrow(RangeError);
  });
});
