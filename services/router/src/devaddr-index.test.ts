import { describe, expect, it } from 'vitest';
import { DevAddrIndex } from './devaddr-index';

describe('DevAddr index', () => {
  const index = new DevAddrIndex([
    { start: 0xfc014c00, end: 0xfc014c07, value: 'r1' },
    { start: 0xfc014c04, end: 0xfc014c0f, value: 'r2' },
    { start: 0xfc014c20, end: 0xfc014c20, value: 'r3' },
    { start: 0x48000000, end: 0x49ffffff, value: 'r4' },
    { start: 0x10, end: 0x0f, value: 'bad' },
  ]);

  it.each([
    [0xfc014bff, []],
    [0xfc014c00, ['r1']],
    [0xfc014c03, ['r1']],
    [0xfc014c04, ['r1', 'r2']],
    [0xfc014c07, ['r1', 'r2']],
    [0xfc014c08, ['r2']],
    [0xfc014c0f, ['r2']],
    [0xfc014c10, []],
    [0xfc014c20, ['r3']],
    [0xfc014c21, []],
    [0x48000000, ['r4']],
    [0x49ffffff, ['r4']],
    [0x4a000000, []],
    [0x10, []],
    [0xffffffff, []],
  ])('0x%s is covered by %j', (addr, expected) => {
    expect([...index.find(addr)].sort()).toEqual(expected);
  });

  it('ignores inverted ranges and a route listed twice over the same span', () => {
    const twice = new DevAddrIndex([
      { start: 0, end: 7, value: 'r' },
      { start: 4, end: 9, value: 'r' },
    ]);
    expect(twice.find(5)).toEqual(['r']);
    expect(twice.find(9)).toEqual(['r']);
    expect(new DevAddrIndex([]).find(1)).toEqual([]);
  });
});
