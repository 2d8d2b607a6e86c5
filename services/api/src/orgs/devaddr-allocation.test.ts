import { describe, expect, it } from 'vitest';
import { firstFreeBlock, insideBlocks, isValidBlockSize, mergeTouching, netIdAddrRange } from './devaddr-allocation';

describe('DevAddr block allocation', () => {
  it('knows the ranges of the Helium NetIDs', () => {
    expect(netIdAddrRange('C00053')).toEqual({ start: 0xfc014c00, end: 0xfc014fff });
    expect(netIdAddrRange('60002D')).toEqual({ start: 0xe05a0000, end: 0xe05bffff });
    expect(netIdAddrRange('00003c')).toEqual({ start: 0x78000000, end: 0x79ffffff });
    expect(netIdAddrRange('xyz')).toBeNull();
  });

  it.each([
    [8, true],
    [10, true],
    [1024, true],
    [6, false],
    [9, false],
    [0, false],
    [8.5, false],
  ])('a block of %s addresses is valid: %s', (n, valid) => {
    expect(isValidBlockSize(n)).toBe(valid);
  });

  const range = { start: 0xfc014c00, end: 0xfc014fff };

  it('allocates first-fit from the start of the range, even-aligned, reusing gaps', () => {
    expect(firstFreeBlock(range, [], 8)).toEqual({ start: 0xfc014c00, end: 0xfc014c07 });
    const taken = [
      { start: 0xfc014c00, end: 0xfc014c07 },
      { start: 0xfc014c10, end: 0xfc014c1f },
    ];
    expect(firstFreeBlock(range, taken, 8)).toEqual({ start: 0xfc014c08, end: 0xfc014c0f });
    expect(firstFreeBlock(range, taken, 10)).toEqual({ start: 0xfc014c20, end: 0xfc014c29 });
    // After a 10-block the next start is still even.
    const after = firstFreeBlock(range, [...taken, { start: 0xfc014c20, end: 0xfc014c29 }], 8)!;
    expect(after.start % 2).toBe(0);
  });

  it('returns null when the NetID range is full or the size is not allowed', () => {
    expect(firstFreeBlock(range, [{ start: 0xfc014c00, end: 0xfc014ff7 }], 8)).toEqual({ start: 0xfc014ff8, end: 0xfc014fff });
    expect(firstFreeBlock(range, [{ start: 0xfc014c00, end: 0xfc014ff9 }], 8)).toBeNull();
    expect(firstFreeBlock(range, [], 1026)).toBeNull();
    expect(firstFreeBlock(range, [], 7)).toBeNull();
    expect(firstFreeBlock(range, [], 1024)).toEqual(range);
  });

  it('checks that a route range lies inside an org block', () => {
    const blocks = [{ start: 0xfc014c00, end: 0xfc014c07 }];
    expect(insideBlocks({ start: 0xfc014c00, end: 0xfc014c07 }, blocks)).toBe(true);
    expect(insideBlocks({ start: 0xfc014c03, end: 0xfc014c03 }, blocks)).toBe(true);
    expect(insideBlocks({ start: 0xfc014c04, end: 0xfc014c08 }, blocks)).toBe(false);
    expect(insideBlocks({ start: 0xfc014bff, end: 0xfc014c00 }, blocks)).toBe(false);
  });

  it('takes a range across blocks that touch, as the org owns every address of it', () => {
    const grown = [
      { start: 0xfc014c08, end: 0xfc014c0f },
      { start: 0xfc014c00, end: 0xfc014c07 },
      { start: 0xfc014c20, end: 0xfc014c27 },
    ];
    expect(insideBlocks({ start: 0xfc014c00, end: 0xfc014c0f }, grown)).toBe(true);
    expect(insideBlocks({ start: 0xfc014c04, end: 0xfc014c0b }, grown)).toBe(true);
    // A gap between blocks is someone else's.
    expect(insideBlocks({ start: 0xfc014c00, end: 0xfc014c20 }, grown)).toBe(false);
    expect(mergeTouching(grown)).toEqual([
      { start: 0xfc014c00, end: 0xfc014c0f },
      { start: 0xfc014c20, end: 0xfc014c27 },
    ]);
  });
});
