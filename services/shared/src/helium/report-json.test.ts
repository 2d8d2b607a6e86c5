import { describe, expect, it } from 'vitest';
import { keypairFromLabel } from './keys';
import {
  beaconReportFromJson,
  beaconReportToJson,
  entropyReportFromJson,
  entropyReportToJson,
  witnessReportFromJson,
  witnessReportToJson,
  type BeaconReportJson,
} from './report-json';
import {
  decodeBeaconReport,
  encodeBeaconReport,
  signBeaconReport,
  signWitnessReport,
  verifyBeaconReportSignature,
  verifyWitnessReportSignature,
} from './reports';

const hotspot = keypairFromLabel('json/hotspot');
const beacon = signBeaconReport(
  {
    pubKeyBinary: hotspot.binaryKey,
    localEntropy: Uint8Array.from([1, 2, 3, 4]),
    remoteEntropy: new Uint8Array(32).fill(7),
    data: new Uint8Array(51).fill(9),
    frequencyHz: 904_300_000,
    channel: 0,
    datarate: 'SF9BW125',
    txPowerDbm: 27,
    timestampNs: 18_000_000_000_000_000_001n,
    tmst: 99,
  },
  hotspot.secretKey,
);
const witness = signWitnessReport(
  {
    pubKeyBinary: hotspot.binaryKey,
    data: new Uint8Array(51).fill(9),
    timestampNs: 1_700_000_000_000_000_000n,
    tmst: 5,
    signalDbmX10: -1234,
    snrDbX10: -45,
    frequencyHz: 904_300_000,
    datarate: 'SF9BW125',
  },
  hotspot.secretKey,
);

describe('JSON form', () => {
  it('uses base64 bytes and a decimal string for the u64 timestamp', () => {
    const json = beaconReportToJson(beacon);
    expect(json.localEntropy).toBe('AQIDBA==');
    expect(json.timestampNs).toBe('18000000000000000001');
    expect(json.datarate).toBe('SF9BW125');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('round-trips beacon, witness and entropy reports through JSON text', () => {
    expect(beaconReportFromJson(JSON.parse(JSON.stringify(beaconReportToJson(beacon))))).toEqual({ ok: true, value: beacon });
    expect(witnessReportFromJson(JSON.parse(JSON.stringify(witnessReportToJson(witness))))).toEqual({ ok: true, value: witness });
    const entropy = { data: new Uint8Array(32).fill(3), timestampSec: 1_700_000_000, version: 0 };
    expect(entropyReportFromJson(JSON.parse(JSON.stringify(entropyReportToJson(entropy))))).toEqual({ ok: true, value: entropy });
  });

  it('a JSON report verifies over the same protobuf bytes a protobuf client signed', () => {
    const parsed = beaconReportFromJson(JSON.parse(JSON.stringify(beaconReportToJson(beacon))));
    if (!parsed.ok) throw parsed.error;
    expect(Buffer.from(encodeBeaconReport(parsed.value)).equals(Buffer.from(encodeBeaconReport(beacon)))).toBe(true);
    expect(verifyBeaconReportSignature(parsed.value).ok).toBe(true);
    const w = witnessReportFromJson(witnessReportToJson(witness));
    expect(w.ok && verifyWitnessReportSignature(w.value).ok).toBe(true);
  });

  it('JSON ↔ protobuf conversion is lossless both ways', () => {
    const viaProto = decodeBeaconReport(encodeBeaconReport(beacon));
    if (!viaProto.ok) throw viaProto.error;
    expect(beaconReportToJson(viaProto.value)).toEqual(beaconReportToJson(beacon));
  });
});

describe('strict JSON parsing', () => {
  const good = beaconReportToJson(beacon);
  const cases: { name: string; body: unknown; field?: string }[] = [
    { name: 'not an object', body: 'report' },
    { name: 'an array', body: [good] },
    { name: 'null', body: null },
    { name: 'missing field', body: { ...good, signature: undefined }, field: 'signature' },
    { name: 'unknown field', body: { ...good, extra: 1 } },
    { name: 'non-base64 bytes', body: { ...good, data: 'not base64!' }, field: 'data' },
    { name: 'unpadded base64', body: { ...good, localEntropy: 'AQIDBA' }, field: 'localEntropy' },
    { name: 'base64url alphabet', body: { ...good, localEntropy: '-_-_' }, field: 'localEntropy' },
    { name: 'non-canonical padding bits', body: { ...good, localEntropy: 'AQIDBB==' }, field: 'localEntropy' },
    { name: 'bytes as array', body: { ...good, data: [1, 2, 3] }, field: 'data' },
    { name: 'fractional frequency', body: { ...good, frequencyHz: 904.3e6 + 0.5 }, field: 'frequencyHz' },
    { name: 'negative frequency', body: { ...good, frequencyHz: -1 }, field: 'frequencyHz' },
    { name: 'frequency as string', body: { ...good, frequencyHz: '904300000' }, field: 'frequencyHz' },
    { name: 'tx power beyond int32', body: { ...good, txPowerDbm: 2 ** 31 }, field: 'txPowerDbm' },
    { name: 'tmst beyond uint32', body: { ...good, tmst: 2 ** 32 }, field: 'tmst' },
    { name: 'negative tmst', body: { ...good, tmst: -1 }, field: 'tmst' },
    { name: 'timestamp as number', body: { ...good, timestampNs: 1 }, field: 'timestampNs' },
    { name: 'timestamp with leading zero', body: { ...good, timestampNs: '01' }, field: 'timestampNs' },
    { name: 'timestamp negative', body: { ...good, timestampNs: '-1' }, field: 'timestampNs' },
    { name: 'timestamp beyond u64', body: { ...good, timestampNs: '18446744073709551616' }, field: 'timestampNs' },
    { name: 'unknown data rate', body: { ...good, datarate: 'SF13BW125' }, field: 'datarate' },
    { name: 'data rate as enum number', body: { ...good, datarate: 3 }, field: 'datarate' },
    { name: 'huge base64 field', body: { ...good, data: 'A'.repeat(10_000) }, field: 'data' },
  ];
  it.each(cases)('rejects $name with request.invalid', ({ body, field }) => {
    const result = beaconReportFromJson(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('request.invalid');
    if (field) expect(result.error.details?.['field']).toBe(field);
  });

  it('accepts the largest u64 timestamp', () => {
    const body: BeaconReportJson = { ...good, timestampNs: '18446744073709551615' };
    const result = beaconReportFromJson(body);
    expect(result.ok && result.value.timestampNs).toBe(2n ** 64n - 1n);
  });

  it('never throws on odd values', () => {
    const odd: unknown[] = [undefined, 0, true, Symbol('x'), () => 1, { toString: null }, Object.create(null), new Map()];
    for (const value of odd) {
      expect(() => beaconReportFromJson(value)).not.toThrow();
      expect(() => witnessReportFromJson({ ...witnessReportToJson(witness), data: value })).not.toThrow();
    }
  });
});
