import { describe, expect, it } from 'vitest';
import { DATA_RATE_NAMES } from './data-rate';
import { heliumProto } from './interop';
import { keypairFromLabel, verify } from './keys';
import { mulberry32 } from '../seeded-random';
import {
  beaconReportSigningBytes,
  decodeBeaconReport,
  decodeEntropyReport,
  decodeWitnessReport,
  encodeBeaconReport,
  encodeEntropyReport,
  encodeWitnessReport,
  MAX_REPORT_BYTES,
  signBeaconReport,
  signWitnessReport,
  timestampMsFromNs,
  timestampNsFromMs,
  verifyBeaconReportSignature,
  verifyWitnessReportSignature,
  witnessReportSigningBytes,
  type BeaconReport,
} from './reports';
import { fieldBytes, fieldVarint } from './testing/proto-writer';
import { sampleReports } from './testing/sample-reports';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const { beaconer, witness, unsignedBeacon, unsignedWitness } = sampleReports('test');


describe('data_rate names', () => {
  it('match the @helium/proto enum values one to one', () => {
    const protoEnum = heliumProto.data_rate as unknown as Record<string, number>;
    DATA_RATE_NAMES.forEach((name, value) => expect(protoEnum[name]).toBe(value));
    expect(Object.keys(protoEnum).filter((k) => Number.isNaN(Number(k)))).toHaveLength(DATA_RATE_NAMES.length);
  });
});

describe('beacon report encoding', () => {
  it('writes canonical proto3: field order, defaults (channel 0, SF12BW125) omitted', () => {
    const expected = [
      ...fieldBytes(2, unsignedBeacon.pubKeyBinary),
      ...fieldBytes(3, unsignedBeacon.localEntropy),
      ...fieldBytes(4, unsignedBeacon.remoteEntropy),
      ...fieldBytes(5, unsignedBeacon.data),
      ...fieldVarint(6, 867_900_000n),
      ...fieldVarint(9, 14n),
      ...fieldVarint(10, unsignedBeacon.timestampNs),
      ...fieldVarint(12, 4_000_000_000n),
    ];
    expect(hex(beaconReportSigningBytes(unsignedBeacon))).toBe(hex(Uint8Array.from(expected)));
  });

  it('puts the signature as field 11 between timestamp and tmst', () => {
    const signed = signBeaconReport(unsignedBeacon, beaconer.secretKey);
    const bytes = encodeBeaconReport(signed);
    const sigField = hex(Uint8Array.from(fieldBytes(11, signed.signature)));
    const tmstField = hex(Uint8Array.from(fieldVarint(12, 4_000_000_000n)));
    expect(hex(bytes).endsWith(sigField + tmstField)).toBe(true);
  });

  it('round-trips, including u64 timestamps above 2^53 and negative tx power', () => {
    const report: BeaconReport = {
      ...unsignedBeacon,
      channel: -3,
      datarate: 'SF7BW500',
      txPowerDbm: -2,
      timestampNs: 2n ** 64n - 1n,
      signature: new Uint8Array(64).fill(9),
    };
    expect(decodeBeaconReport(encodeBeaconReport(report))).toEqual({ ok: true, value: report });
  });

  it('decodes what @helium/proto writes from a fully populated object (explicit defaults included)', () => {
    const signed = signBeaconReport(unsignedBeacon, beaconer.secretKey);
    const protobufjsBytes = heliumProto.poc_lora.lora_beacon_report_req_v1
      .encode({
        pubKey: signed.pubKeyBinary,
        localEntropy: signed.localEntropy,
        remoteEntropy: signed.remoteEntropy,
        data: signed.data,
        frequency: signed.frequencyHz,
        channel: 0,
        datarate: 0,
        txPower: 14,
        timestamp: signed.timestampNs.toString(),
        signature: signed.signature,
        tmst: signed.tmst,
      })
      .finish();
    // explicit zeros make these bytes differ from the canonical form...
    expect(hex(protobufjsBytes)).not.toBe(hex(encodeBeaconReport(signed)));
    // ...but they decode to the same report, whose signature (over the canonical form) verifies.
    const decoded = decodeBeaconReport(protobufjsBytes);
    expect(decoded).toEqual({ ok: true, value: signed });
    expect(decoded.ok && verifyBeaconReportSignature(decoded.value).ok).toBe(true);
  });
});

describe('witness and entropy report encoding', () => {
  it('witness: zigzag sint32 signal, two’s-complement int32 snr, datarate as field 10', () => {
    const expected = [
      ...fieldBytes(2, unsignedWitness.pubKeyBinary),
      ...fieldBytes(3, unsignedWitness.data),
      ...fieldVarint(4, unsignedWitness.timestampNs),
      ...fieldVarint(5, 123_456n),
      ...fieldVarint(6, 2159n), // zigzag(-1080) = 2·1080 − 1
      ...fieldVarint(7, -75n), // int32 negatives are 10-byte varints
      ...fieldVarint(8, 867_900_032n),
      ...fieldVarint(10, 3n), // SF9BW125
    ];
    expect(hex(witnessReportSigningBytes(unsignedWitness))).toBe(hex(Uint8Array.from(expected)));
  });

  it('witness round-trips', () => {
    const signed = signWitnessReport(unsignedWitness, witness.secretKey);
    expect(decodeWitnessReport(encodeWitnessReport(signed))).toEqual({ ok: true, value: signed });
  });

  it('entropy round-trips and encodes data, seconds, version', () => {
    const entropy = { data: new Uint8Array(32).fill(1), timestampSec: 1_677_163_710, version: 0 };
    const bytes = encodeEntropyReport(entropy);
    expect(hex(bytes)).toBe(hex(Uint8Array.from([...fieldBytes(1, entropy.data), ...fieldVarint(2, 1_677_163_710n)])));
    expect(decodeEntropyReport(bytes)).toEqual({ ok: true, value: entropy });
    expect(decodeEntropyReport(encodeEntropyReport({ ...entropy, version: 1 }))).toEqual({ ok: true, value: { ...entropy, version: 1 } });
  });
});

describe('signatures', () => {
  const signed = signBeaconReport(unsignedBeacon, beaconer.secretKey);

  it('signs the encoding with the signature field cleared', () => {
    expect(verify(beaconReportSigningBytes(unsignedBeacon), signed.signature, beaconer.binaryKey)).toBe(true);
    expect(hex(encodeBeaconReport({ ...signed, signature: new Uint8Array(0) }))).toBe(hex(beaconReportSigningBytes(signed)));
    expect(verifyBeaconReportSignature(signed)).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ['data', { data: new Uint8Array(51) }],
    ['frequency', { frequencyHz: 868_100_000 }],
    ['datarate', { datarate: 'SF9BW125' as const }],
    ['tx power', { txPowerDbm: 27 }],
    ['timestamp', { timestampNs: signed.timestampNs + 1n }],
    ['tmst', { tmst: 1 }],
    ['channel', { channel: 1 }],
  ])('a changed %s breaks the signature', (_name, change) => {
    const result = verifyBeaconReportSignature({ ...signed, ...change });
    expect(result.ok ? 'ok' : result.error.code).toBe('auth.bad_signature');
  });

  it('a report claiming another hotspot’s key fails', () => {
    const result = verifyBeaconReportSignature({ ...signed, pubKeyBinary: witness.binaryKey });
    expect(result.ok ? 'ok' : result.error.code).toBe('auth.bad_signature');
  });

  it('reports key problems with the key error codes', () => {
    const ecc = Uint8Array.from([0x00, ...beaconer.publicKey]);
    const r1 = verifyBeaconReportSignature({ ...signed, pubKeyBinary: ecc });
    expect(r1.ok ? 'ok' : r1.error.code).toBe('keys.unsupported_key_type');
    const r2 = verifyBeaconReportSignature({ ...signed, pubKeyBinary: new Uint8Array(0) });
    expect(r2.ok ? 'ok' : r2.error.code).toBe('keys.invalid_address');
  });

  it('can verify against a delegated signer key', () => {
    const session = keypairFromLabel('test/session');
    const bySession = signBeaconReport(unsignedBeacon, session.secretKey);
    expect(verifyBeaconReportSignature(bySession).ok).toBe(false);
    expect(verifyBeaconReportSignature(bySession, session.binaryKey).ok).toBe(true);
  });

  it('witness signatures work the same way', () => {
    const w = signWitnessReport(unsignedWitness, witness.secretKey);
    expect(verifyWitnessReportSignature(w).ok).toBe(true);
    expect(verifyWitnessReportSignature({ ...w, signalDbmX10: -1070 }).ok).toBe(false);
  });

  it('accepts unknown fields and out-of-order fields, as prost does, verifying over the canonical form', () => {
    const canonical = encodeBeaconReport(signed);
    const unknownField = Uint8Array.from(fieldBytes(99, Uint8Array.from([1, 2, 3])));
    const reordered = Uint8Array.from([...unknownField, ...fieldVarint(12, 4_000_000_000n), ...canonical]);
    const decoded = decodeBeaconReport(reordered);
    expect(decoded).toEqual({ ok: true, value: signed });
  });
});

describe('decoding bad input', () => {
  const valid = encodeBeaconReport(signBeaconReport(unsignedBeacon, beaconer.secretKey));
  const codeOf = (bytes: Uint8Array) => {
    const r = decodeBeaconReport(bytes);
    return r.ok ? 'ok' : r.error.code;
  };

  it.each([
    ['truncated in the middle of a field', valid.subarray(0, 40), 'proto.malformed'],
    ['truncated varint', Uint8Array.from([0x30, 0xff]), 'proto.malformed'],
    ['bytes field sent as a varint', Uint8Array.from([0x10, 0x01]), 'proto.malformed'],
    ['varint field sent as bytes', Uint8Array.from([0x32, 0x01, 0x00]), 'proto.malformed'],
    ['field number 0', Uint8Array.from([0x00, 0x01]), 'proto.malformed'],
    ['start-group wire type', Uint8Array.from([0x0b, 0x0c]), 'proto.malformed'],
    ['wire type 7', Uint8Array.from([0x0f]), 'proto.malformed'],
    ['length past the end', Uint8Array.from([0x12, 0x7f, 0x00]), 'proto.malformed'],
    ['unknown data rate 99', Uint8Array.from(fieldVarint(8, 99n)), 'proto.malformed'],
    ['frequency above 2^53', Uint8Array.from(fieldVarint(6, 2n ** 60n)), 'proto.malformed'],
    ['varint above 2^64', Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), 'proto.malformed'],
    ['oversized report', new Uint8Array(MAX_REPORT_BYTES + 1), 'request.too_large'],
    ['empty message (all defaults)', new Uint8Array(0), 'ok'],
  ])('%s -> %s', (_name, bytes, code) => {
    expect(codeOf(bytes)).toBe(code);
  });

  it('returns proto.malformed for non-bytes input', () => {
    expect(codeOf('hello' as unknown as Uint8Array)).toBe('proto.malformed');
    expect(codeOf(undefined as unknown as Uint8Array)).toBe('proto.malformed');
  });
});

describe('fuzz: decoders never throw', () => {
  const prng = mulberry32;
  const decoders = [decodeBeaconReport, decodeWitnessReport, decodeEntropyReport];
  const validSamples = [
    encodeBeaconReport(signBeaconReport(unsignedBeacon, beaconer.secretKey)),
    encodeWitnessReport(signWitnessReport(unsignedWitness, witness.secretKey)),
  ];

  it('on random bytes', () => {
    const rand = prng(1);
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256));
      for (const decode of decoders) expect(() => decode(bytes)).not.toThrow();
    }
  });

  it('on mutated valid reports, and whatever decodes re-encodes to a stable form', () => {
    const rand = prng(2);
    for (let i = 0; i < 3000; i++) {
      const bytes = validSamples[i % 2]!.slice(0, Math.floor(rand() * 260));
      for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      const beacon = decodeBeaconReport(bytes);
      const witnessReport = decodeWitnessReport(bytes);
      if (beacon.ok) expect(decodeBeaconReport(encodeBeaconReport(beacon.value))).toEqual(beacon);
      if (witnessReport.ok) expect(decodeWitnessReport(encodeWitnessReport(witnessReport.value))).toEqual(witnessReport);
    }
  });
});

describe('timestamp helpers', () => {
  it('convert between ms and ns', () => {
    expect(timestampNsFromMs(1_677_163_710_123)).toBe(1_677_163_710_123_000_000n);
    expect(timestampMsFromNs(1_677_163_710_123_999_999n)).toBe(1_677_163_710_123);
  });
});
