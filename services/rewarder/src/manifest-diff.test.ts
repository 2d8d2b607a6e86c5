import { describe, expect, it } from 'vitest';
import { jsonDifferences } from './manifest-diff';

describe('jsonDifferences', () => {
  it('is empty for equal documents whatever the key order', () => {
    expect(jsonDifferences({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toEqual([]);
  });

  it('names changed, added and removed values by path', () => {
    expect(jsonDifferences({ a: 1, b: { c: 2 }, l: [1, 2] }, { a: 1, b: { c: 3, d: 4 }, l: [1] })).toEqual([
      { path: 'b.c', published: 2, recomputed: 3 },
      { path: 'b.d', published: undefined, recomputed: 4 },
      { path: 'l[1]', published: 2, recomputed: undefined },
    ]);
  });

  it('matches hotspot lists by address, so one missing hotspot is one difference', () => {
    const before = [{ address: 'a', x: '1' }, { address: 'b', x: '2' }, { address: 'c', x: '3' }];
    const after = [{ address: 'a', x: '1' }, { address: 'c', x: '3' }];
    expect(jsonDifferences({ hotspots: before }, { hotspots: after })).toEqual([
      { path: 'hotspots[address=b]', published: { address: 'b', x: '2' }, recomputed: undefined },
    ]);
  });

  it('stops at the limit', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(jsonDifferences(many, {}, 10)).toHaveLength(10);
  });
});
