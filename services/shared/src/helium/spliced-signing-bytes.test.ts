import { describe, expect, it } from 'vitest';
import { heliumProto } from './interop';
import { keypairFromLabel, sign } from './keys';
import { mulberry32 } from '../seeded-random';
import {
  beaconReportSigningBytes,
  beaconReportSplicedSigningBytes,
  decodeBeaconReport,
  decodeWitnessReport,
  encodeBeaconReport,
  encodeWitnessReport,
  signBeaconReport,
  signWitnessReport,
  verifyBeaconReportSignature,
  verifyReceivedBeaconReportSignature,
  verifyReceivedWitnessReportSignature,
  verifyWitnessReportSignature,
  witnessReportSigningBytes,
  witnessReportSplicedSigningBytes,
  type BeaconReport,
  type WitnessReport,
} from './reports';
import { fieldBytes, fieldVarint, varint } from './testing/proto-writer';
import { sampleReports } from './testing/sample-reports';

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : 'undefined');
const { beaconer, witness, unsignedBeacon, unsignedWitness } = sampleReports('test/splice');

const signedBeacon = signBeaconReport(unsignedBeacon, beaconer.secretKey);
const signedWitness = signWitnessReport(unsignedWitness, witness.secretKey);

const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describe('spliced signing bytes of canonical reports', () => {
  it('witness: the encoding without its trailing signature field, a view without copying', () => {
    const encoded = encodeWitnessReport(signedWitness);
    const spliced = witnessReportSplicedSigningBytes(encoded);
    expect(hex(spliced)).toBe(hex(witnessReportSigningBytes(signedWitness)));
    expect(spliced!.buffer).toBe(encoded.buffer);
  });

  it('beacon: the signature (field 11) is cut out from between timestamp and tmst', () => {
    const encoded = encodeBeaconReport(signedBeacon);
    expect(hex(beaconReportSplicedSigningBytes(encoded))).toBe(hex(beaconReportSigningBytes(signedBeacon)));
  });

  it.each<[string, Partial<BeaconReport>]>([
    ['negative int32 (ten-byte varints)', { channel: -3, txPowerDbm: -2, datarate: 'SF7BW500' }],
    ['largest values', { channel: 2 ** 31 - 1, txPowerDbm: -(2 ** 31), timestampNs: 2n ** 64n - 1n, tmst: 2 ** 32 - 1, frequencyHz: Number.MAX_SAFE_INTEGER }],
    ['every default omitted', { localEntropy: new Uint8Array(0), frequencyHz: 0, txPowerDbm: 0, timestampNs: 0n, tmst: 0 }],
  ])('beacon with %s', (_name, change) => {
    const report = { ...signedBeacon, ...change };
    const encoded = encodeBeaconReport(report);
    expect(hex(beaconReportSplicedSigningBytes(encoded))).toBe(hex(beaconReportSigningBytes(report)));
  });

  it.each<[string, Partial<WitnessReport>]>([
    ['positive signal and snr', { signalDbmX10: 55, snrDbX10: 120 }],
    ['extreme sint32 and int32', { signalDbmX10: -(2 ** 31), snrDbX10: -(2 ** 31) }],
    ['largest sint32', { signalDbmX10: 2 ** 31 - 1, tmst: 2 ** 32 - 1 }],
  ])('witness with %s', (_name, change) => {
    const report = { ...signedWitness, ...change };
    const encoded = encodeWitnessReport(report);
    expect(hex(witnessReportSplicedSigningBytes(encoded))).toBe(hex(witnessReportSigningBytes(report)));
  });
});

describe('non-canonical encodings are left to the re-encode', () => {
  const canonical = encodeBeaconReport(signedBeacon);
  const withoutTmst = canonical.subarray(0, canonical.length - fieldVarint(12, 4_000_000_000n).length);

  it.each<[string, Uint8Array]>([
    ['an unknown field', Uint8Array.from([...canonical, ...fieldBytes(99, Uint8Array.from([1, 2, 3]))])],
    ['fields out of order', Uint8Array.from([...fieldVarint(12, 4_000_000_000n), ...withoutTmst])],
    ['a repeated field', Uint8Array.from([...canonical, ...fieldVarint(12, 4_000_000_000n)])],
    ['an explicit zero', Uint8Array.from([...fieldBytes(2, beaconer.binaryKey), ...fieldVarint(7, 0n)])],
    ['an explicit empty bytes field', Uint8Array.from(fieldBytes(3, new Uint8Array(0)))],
    ['a padded varint', Uint8Array.from([...withoutTmst, 0x60, 0x81, 0x00])],
    ['a padded length', Uint8Array.from([0x12, 0x81, 0x00, 0x01])],
    ['a padded tag', Uint8Array.from([0xe0, 0x00, 0x01])],
    ['a five-byte negative int32', Uint8Array.from([0x48, 0xfe, 0xff, 0xff, 0xff, 0x0f])],
    ['a uint32 above 2^32', Uint8Array.from([0x60, 0x80, 0x80, 0x80, 0x80, 0x10])],
    ['a ten-byte int32 that is not a sign extension', Uint8Array.from([0x48, 0xfe, 0xff, 0xff, 0xff, 0x07, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['a truncated field', canonical.subarray(0, 40)],
    ['a wrong wire type', Uint8Array.from([0x10, 0x01])],
  ])('%s', (_name, bytes) => {
    expect(beaconReportSplicedSigningBytes(bytes)).toBeUndefined();
  });

  it('a report written by @helium/proto with explicit defaults still verifies (re-encode path)', () => {
    const explicitDefaults = heliumProto.poc_lora.lora_beacon_report_req_v1
      .encode({
        pubKey: signedBeacon.pubKeyBinary,
        localEntropy: signedBeacon.localEntropy,
        remoteEntropy: signedBeacon.remoteEntropy,
        data: signedBeacon.data,
        frequency: signedBeacon.frequencyHz,
        channel: 0,
        datarate: 0,
        txPower: 14,
        timestamp: signedBeacon.timestampNs.toString(),
        signature: signedBeacon.signature,
        tmst: signedBeacon.tmst,
      })
      .finish();
    expect(beaconReportSplicedSigningBytes(explicitDefaults)).toBeUndefined();
    const decoded = decodeBeaconReport(explicitDefaults);
    expect(decoded.ok && verifyReceivedBeaconReportSignature(explicitDefaults, decoded.value)).toEqual({ ok: true, value: undefined });
  });

  it('a report with unknown and reordered fields verifies over its canonical form, as before', () => {
    const reordered = Uint8Array.from([...fieldBytes(99, Uint8Array.from([1, 2, 3])), ...fieldVarint(12, 4_000_000_000n), ...withoutTmst]);
    const decoded = decodeBeaconReport(reordered);
    expect(decoded.ok && verifyReceivedBeaconReportSignature(reordered, decoded.value)).toEqual({ ok: true, value: undefined });
  });
});

describe('verifying a received report', () => {
  it('accepts a canonical report through the spliced bytes', () => {
    const encoded = encodeWitnessReport(signedWitness);
    expect(verifyReceivedWitnessReportSignature(encoded, signedWitness)).toEqual({ ok: true, value: undefined });
    expect(verifyReceivedBeaconReportSignature(encodeBeaconReport(signedBeacon), signedBeacon)).toEqual({ ok: true, value: undefined });
  });

  it('rejects a tampered canonical report, and a tampered non-canonical one', () => {
    const tampered = { ...signedWitness, signalDbmX10: -1070 };
    const encoded = encodeWitnessReport(tampered);
    expect(witnessReportSplicedSigningBytes(encoded)).toBeDefined();
    expect(codeOf(verifyReceivedWitnessReportSignature(encoded, tampered))).toBe('auth.bad_signature');

    const nonCanonical = Uint8Array.from([...encoded, ...fieldBytes(99, Uint8Array.from([7]))]);
    expect(witnessReportSplicedSigningBytes(nonCanonical)).toBeUndefined();
    const decoded = decodeWitnessReport(nonCanonical);
    expect(decoded.ok && codeOf(verifyReceivedWitnessReportSignature(nonCanonical, decoded.value))).toBe('auth.bad_signature');
  });

  it('rejects a report signed over non-canonical bytes, as Helium does (the signature covers the canonical form)', () => {
    // The signer covered an unknown field; prost drops it on re-encode, so Helium rejects this.
    const unknown = Uint8Array.from(fieldBytes(99, Uint8Array.from([1])));
    const signedBytes = Uint8Array.from([...witnessReportSigningBytes(unsignedWitness), ...unknown]);
    const signature = sign(signedBytes, witness.secretKey);
    const received = Uint8Array.from([...encodeWitnessReport({ ...signedWitness, signature }), ...unknown]);
    const decoded = decodeWitnessReport(received);
    expect(decoded.ok && codeOf(verifyReceivedWitnessReportSignature(received, decoded.value))).toBe('auth.bad_signature');
  });

  it('keeps the key error codes', () => {
    const ecc = Uint8Array.from([0x00, ...witness.publicKey]);
    const report = { ...signedWitness, pubKeyBinary: ecc };
    expect(codeOf(verifyReceivedWitnessReportSignature(encodeWitnessReport(report), report))).toBe('keys.unsupported_key_type');
  });

  it('delegated signer keys work on both paths', () => {
    const session = keypairFromLabel('test/splice/session');
    const bySession = signWitnessReport(unsignedWitness, session.secretKey);
    const encoded = encodeWitnessReport(bySession);
    expect(verifyReceivedWitnessReportSignature(encoded, bySession).ok).toBe(false);
    expect(verifyReceivedWitnessReportSignature(encoded, bySession, session.binaryKey).ok).toBe(true);
  });
});

describe('fuzz: splicing never changes a verdict', () => {
  it('on mutated reports, whenever the splice is defined it equals the re-encoded signing bytes, and verdicts match', () => {
    const rand = mulberry32(7);
    const samples = [encodeBeaconReport(signedBeacon), encodeWitnessReport(signedWitness)];
    let spliced = 0;
    for (let i = 0; i < 4000; i++) {
      const source = samples[i % 2]!;
      // A copy: the encoders return Buffers, whose slice() is a view.
      const bytes = Uint8Array.from(source.subarray(0, source.length - Math.floor(rand() * 3) * Math.floor(rand() * 40)));
      const mutations = Math.floor(rand() * 3);
      for (let k = 0; k < mutations; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      if (i % 2 === 0) {
        const decoded = decodeBeaconReport(bytes);
        const cut = beaconReportSplicedSigningBytes(bytes);
        if (!decoded.ok) continue;
        if (cut) {
          spliced++;
          expect(hex(cut)).toBe(hex(beaconReportSigningBytes(decoded.value)));
        }
        if (i % 10 === 0) expect(codeOf(verifyReceivedBeaconReportSignature(bytes, decoded.value))).toBe(codeOf(verifyBeaconReportSignature(decoded.value)));
      } else {
        const decoded = decodeWitnessReport(bytes);
        const cut = witnessReportSplicedSigningBytes(bytes);
        if (!decoded.ok) continue;
        if (cut) {
          spliced++;
          expect(hex(cut)).toBe(hex(witnessReportSigningBytes(decoded.value)));
        }
        if (i % 10 === 1) expect(codeOf(verifyReceivedWitnessReportSignature(bytes, decoded.value))).toBe(codeOf(verifyWitnessReportSignature(decoded.value)));
      }
    }
    // The property must have been exercised, not vacuously true.
    expect(spliced).toBeGreaterThan(500);
  });
});

describe('fuzz: generated messages with edge-case varints', () => {
  const interesting = [0n, 1n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n - 2n ** 31n, 2n ** 64n - 2n ** 31n - 1n, 2n ** 64n - 75n];
  /** Shortest form, or padded with continuation bytes (non-canonical, still decodable). */
  const encodeVarint = (v: bigint, padding: number) => {
    const bytes = varint(v);
    if (padding === 0 || bytes.length + padding > 10) return bytes;
    bytes[bytes.length - 1]! |= 0x80;
    for (let i = 1; i < padding; i++) bytes.push(0x80);
    bytes.push(0x00);
    return bytes;
  };

  it('whenever the splice is defined it equals the re-encoded signing bytes', () => {
    const rand = mulberry32(11);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    let spliced = 0;
    for (let i = 0; i < 5000; i++) {
      const fields = [2, 3, 4, 5, 6, 7, 8, 10, 11].filter(() => rand() < 0.8);
      if (rand() < 0.1) fields.push(pick([4, 5, 99]));
      if (rand() < 0.1) fields.reverse();
      const bytes: number[] = [];
      for (const field of fields) {
        if (field === 2 || field === 3 || field === 11 || field === 99) {
          bytes.push(...fieldBytes(field, field === 2 ? witness.binaryKey : new Uint8Array(rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 64)).fill(i & 0xff)));
        } else {
          const value = field === 10 ? BigInt(Math.floor(rand() * 12)) : pick(interesting);
          bytes.push(...varint(BigInt(field << 3)), ...encodeVarint(value, rand() < 0.1 ? 1 + Math.floor(rand() * 3) : 0));
        }
      }
      const message = Uint8Array.from(bytes);
      const decoded = decodeWitnessReport(message);
      const cut = witnessReportSplicedSigningBytes(message);
      if (!decoded.ok || !cut) continue;
      spliced++;
      expect(hex(cut)).toBe(hex(witnessReportSigningBytes(decoded.value)));
    }
    expect(spliced).toBeGreaterThan(200);
  });
});
