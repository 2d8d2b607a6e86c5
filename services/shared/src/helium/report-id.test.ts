import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reportId } from './report-id';

const encoded = Uint8Array.from([1, 2, 3]);
const key = Uint8Array.from([0x01, ...new Uint8Array(32).fill(5)]);

describe('reportId', () => {
  it('is hex SHA-256 of encoded ‖ u64be(receivedAtMs) ‖ key', () => {
    const expected = createHash('sha256')
      .update(encoded)
      .update(Buffer.from('0000018a6a44d400', 'hex')) // 1_694_000_010_240 ms, big-endian
      .update(key)
      .digest('hex');
    expect(reportId(encoded, 1_694_000_010_240, key)).toBe(expected);
  });

  it('changes with each input and is stable otherwise', () => {
    const base = reportId(encoded, 1000, key);
    expect(reportId(encoded, 1000, key)).toBe(base);
    expect(reportId(Uint8Array.from([1, 2, 4]), 1000, key)).not.toBe(base);
    expect(reportId(encoded, 1001, key)).not.toBe(base);
    expect(reportId(encoded, 1000, Uint8Array.from([0x01, ...new Uint8Array(32).fill(6)]))).not.toBe(base);
  });

  it('rejects non-integer or negative receive times', () => {
    expect(() => reportId(encoded, 1.5, key)).toThrow(RangeError);
    expect(() => reportId(encoded, -1, key)).toThrow(RangeError);
  });
});
