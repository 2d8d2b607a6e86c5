import { describe, expect, it } from 'vitest';
import { NegativeCache, devAddrMissKey, joinMissKey } from './negative-cache';

describe('negative cache', () => {
  it('remembers a miss for its TTL only', () => {
    let now = 0;
    const cache = new NegativeCache(1000, () => now);
    cache.add(devAddrMissKey('fc014c00'));
    expect(cache.has(devAddrMissKey('fc014c00'))).toBe(true);
    expect(cache.has(devAddrMissKey('fc014c01'))).toBe(false);
    now = 999;
    expect(cache.has(devAddrMissKey('fc014c00'))).toBe(true);
    now = 1000;
    expect(cache.has(devAddrMissKey('fc014c00'))).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('is bounded, evicting the oldest, and can be cleared', () => {
    const cache = new NegativeCache(1000, () => 0, 2);
    cache.add('a');
    cache.add('b');
    cache.add('c');
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([false, true, true]);
    cache.clear();
    expect(cache.has('b')).toBe(false);
  });

  it('does nothing with a zero TTL and keeps join and DevAddr keys apart', () => {
    const off = new NegativeCache(0, () => 0);
    off.add('a');
    expect(off.has('a')).toBe(false);
    expect(joinMissKey('0102030405060708', '0000000000000000')).not.toBe(devAddrMissKey('0102030405060708'));
  });
});
