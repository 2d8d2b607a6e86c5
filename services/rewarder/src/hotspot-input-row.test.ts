import { describe, expect, it } from 'vitest';
import { mergeInputRows, type HotspotInputRow } from './hotspot-input-row';

const r = (address: string, over: Partial<HotspotInputRow>): HotspotInputRow => ({
  address,
  beacons: 0,
  beaconSharesE8: 0n,
  witnesses: 0,
  witnessSharesE8: 0n,
  dataDc: 0n,
  ...over,
});

describe('mergeInputRows', () => {
  it('adds the PoC and data sides of a hotspot and sorts by address (code units, not locale)', () => {
    const merged = mergeInputRows([r('b', { beacons: 1, beaconSharesE8: 5n }), r('Z', { witnesses: 2, witnessSharesE8: 7n })], [r('b', { dataDc: 9n }), r('a', { dataDc: 1n })]);
    expect(merged).toEqual([r('Z', { witnesses: 2, witnessSharesE8: 7n }), r('a', { dataDc: 1n }), r('b', { beacons: 1, beaconSharesE8: 5n, dataDc: 9n })]);
  });
});
