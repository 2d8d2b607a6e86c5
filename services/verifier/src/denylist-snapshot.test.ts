import { describe, expect, it } from 'vitest';
import { denylistSnapshot, edgeKey, EMPTY_DENYLIST, isEdgeDenied } from './denylist-snapshot';

describe('denylist snapshot', () => {
  it('treats edges as undirected', () => {
    expect(edgeKey('b', 'a')).toBe(edgeKey('a', 'b'));
    const s = denylistSnapshot(3, [{ kind: 'edge', address: 'x', otherAddress: 'w' }]);
    expect([isEdgeDenied(s, 'w', 'x'), isEdgeDenied(s, 'x', 'w'), isEdgeDenied(s, 'x', 'y')]).toEqual([true, true, false]);
  });

  it('separates keys from edges and keeps the version', () => {
    const s = denylistSnapshot(7, [
      { kind: 'key', address: 'k', otherAddress: null },
      { kind: 'edge', address: 'a', otherAddress: 'b' },
    ]);
    expect(s.version).toBe(7);
    expect([...s.deniedKeys]).toEqual(['k']);
    expect(s.deniedKeys.has('a')).toBe(false);
  });

  it('denies nothing when nothing was ever listed (Helium denied everything without a filter)', () => {
    expect(EMPTY_DENYLIST.version).toBe(0);
    expect(EMPTY_DENYLIST.deniedKeys.size + EMPTY_DENYLIST.deniedEdges.size).toBe(0);
  });
});
