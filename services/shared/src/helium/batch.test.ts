import { describe, expect, it } from 'vitest';
import { decodeDelimitedBatch, DEFAULT_BATCH_LIMITS, encodeDelimitedBatch, splitDelimitedBatch } from './batch';
import { heliumProto } from './interop';
import { keypairFromLabel } from './keys';
import { decodeWitnessReport, encodeWitnessReport, signWitnessReport, type WitnessReport } from './reports';

const hotspot = keypairFromLabel('batch/hotspot');
function witness(i: number): WitnessReport {
  return signWitnessReport(
    {
      pubKeyBinary: hotspot.binaryKey,
      data: new Uint8Array(51).fill(i),
      timestampNs: BigInt(1_700_000_000_000 + i) * 1_000_000n,
      tmst: i,
      signalDbmX10: -1000 - i,
      snrDbX10: 50,
      frequencyHz: 868_100_000,
      datarate: 'SF12BW125',
    },
    hotspot.secretKey,
  );
}
const reports = [0, 1, 2, 3, 4].map(witness);
const limits = { maxMessages: 10, maxBytes: 10_000, maxMessageBytes: 1000 };

describe('length-delimited batches', () => {
  it('round-trips a batch of reports', () => {
    const batch = encodeDelimitedBatch(reports.map(encodeWitnessReport));
    expect(decodeDelimitedBatch(batch, decodeWitnessReport, limits)).toEqual({ ok: true, value: reports });
  });

  it('is the framing protobufjs encodeDelimited writes and decodeDelimited reads', () => {
    const writer = heliumProto.poc_lora.lora_witness_report_req_v1;
    const viaProtobufjs = Buffer.concat(reports.map((r) => writer.encodeDelimited({ pubKey: r.pubKeyBinary, data: r.data, tmst: r.tmst }).finish()));
    const split = splitDelimitedBatch(viaProtobufjs, limits);
    expect(split.ok && split.value.map((m) => decodeWitnessReport(m).ok)).toEqual([true, true, true, true, true]);

    const ours = encodeDelimitedBatch(reports.map(encodeWitnessReport));
    const first = writer.decodeDelimited(ours);
    expect(first.tmst).toBe(0);
    expect(Buffer.from(first.signature).equals(Buffer.from(reports[0]!.signature))).toBe(true);
  });

  it('uses multi-byte varint prefixes for messages of 128 bytes or more', () => {
    const big = new Uint8Array(300).fill(1);
    const batch = encodeDelimitedBatch([big]);
    expect(Array.from(batch.subarray(0, 2))).toEqual([0xac, 0x02]); // 300 = 0b10_0101100
    const split = splitDelimitedBatch(batch, limits);
    expect(split.ok && split.value[0]!.length).toBe(300);
  });

  it('handles empty batches and empty messages', () => {
    expect(splitDelimitedBatch(new Uint8Array(0), limits)).toEqual({ ok: true, value: [] });
    const split = splitDelimitedBatch(encodeDelimitedBatch([new Uint8Array(0), new Uint8Array(0)]), limits);
    expect(split.ok && split.value.length).toBe(2);
  });

  const codeOf = (bytes: Uint8Array, l = limits) => {
    const r = splitDelimitedBatch(bytes, l);
    return r.ok ? 'ok' : r.error.code;
  };

  it.each([
    ['too many messages', encodeDelimitedBatch(Array.from({ length: 11 }, () => new Uint8Array(1))), 'request.too_large'],
    ['batch over the byte limit', new Uint8Array(10_001), 'request.too_large'],
    ['one message over the per-message limit', encodeDelimitedBatch([new Uint8Array(1001)]), 'request.too_large'],
    ['prefix longer than the rest', Uint8Array.from([0x05, 1, 2]), 'proto.malformed'],
    ['truncated prefix', Uint8Array.from([0x80]), 'proto.malformed'],
    ['prefix over 5 bytes', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'proto.malformed'],
    ['huge declared length', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 'request.too_large'],
  ])('%s -> %s', (_name, bytes, code) => {
    expect(codeOf(bytes)).toBe(code);
  });

  it('names the failing message when one in the batch does not decode', () => {
    const messages = reports.map(encodeWitnessReport);
    messages[3] = Uint8Array.from([0x10, 0x01]);
    const result = decodeDelimitedBatch(encodeDelimitedBatch(messages), decodeWitnessReport, limits);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('proto.malformed');
      expect(result.error.details?.['index']).toBe(3);
    }
  });

  it('has sane defaults', () => {
    expect(DEFAULT_BATCH_LIMITS.maxMessages).toBeGreaterThan(0);
    expect(DEFAULT_BATCH_LIMITS.maxBytes).toBeGreaterThanOrEqual(DEFAULT_BATCH_LIMITS.maxMessageBytes);
  });

  it('never throws on random bytes', () => {
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: next() * 4 }, next);
      expect(() => decodeDelimitedBatch(bytes, decodeWitnessReport)).not.toThrow();
    }
  });
});
