import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../seeded-random';
import { readVarint, readVarint32 } from './proto-wire';

/** Reference reader: BigInt all the way. */
function referenceVarint(bytes: Uint8Array, offset: number, maxBytes = 10): { value: bigint; nextOffset: number } | undefined {
  let value = 0n;
  for (let i = 0; i < maxBytes; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) return undefined;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return value < 1n << 64n ? { value, nextOffset: offset + i + 1 } : undefined;
  }
  return undefined;
}

describe('readVarint', () => {
  it.each<[string, number[], bigint | undefined]>([
    ['zero', [0x00], 0n],
    ['one byte', [0x7f], 127n],
    ['two bytes', [0x80, 0x01], 128n],
    ['2^49 - 1 (seven bytes)', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], 2n ** 49n - 1n],
    ['2^49 (eight bytes)', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 2n ** 49n],
    ['2^64 - 1', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 2n ** 64n - 1n],
    ['2^64 (too large)', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02], undefined],
    ['eleven bytes', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], undefined],
    ['truncated', [0x80], undefined],
  ])('%s', (_name, bytes, value) => {
    expect(readVarint(Uint8Array.from(bytes), 0)?.value).toBe(value);
  });

  it('matches a BigInt reference on random input, at any offset and length limit', () => {
    const rand = mulberry32(5);
    for (let i = 0; i < 20_000; i++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(rand() * 12) }, () => (rand() < 0.7 ? 0x80 : 0) | Math.floor(rand() * 128));
      const offset = Math.floor(rand() * 2);
      const maxBytes = rand() < 0.2 ? 5 : 10;
      expect(readVarint(bytes, offset, maxBytes)).toEqual(referenceVarint(bytes, offset, maxBytes));
    }
  });

  it('readVarint32 refuses values above 2^32 - 1', () => {
    expect(readVarint32(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 0)).toEqual({ value: 2 ** 32 - 1, nextOffset: 5 });
    expect(readVarint32(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x10]), 0)).toBeUndefined();
  });
});
