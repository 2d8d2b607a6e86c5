import { describe, expect, it } from 'vitest';
import { applyFraudPolicy } from './fraud-policy';
import type { HotspotInputRow } from './hotspot-input-row';

const row = (address: string, beacon: bigint, witness: bigint, dc = 0n): HotspotInputRow => ({
  address,
  beacons: 1,
  beaconSharesE8: beacon,
  witnesses: 2,
  witnessSharesE8: witness,
  dataDc: dc,
});
const rows = [row('a', 10_000n, 20_001n, 5n), row('b', 7n, 9n)];
const flags = new Map([
  ['a', ['ring', 'location_spoofing', 'ring']],
  ['z', ['replay']],
]);

describe('applyFraudPolicy', () => {
  it.each<['exclude' | 'downgrade' | 'ignore', [bigint, bigint]]>([
    ['exclude', [0n, 0n]],
    ['downgrade', [2_000n, 4_000n]], // × 0.2, floored (20 001 × 0.2 = 4 000.2)
    ['ignore', [10_000n, 20_001n]],
  ])('%s changes only the flagged hotspot’s PoC shares', (policy, [beacon, witness]) => {
    const out = applyFraudPolicy(rows, flags, policy, 2000);
    expect(out.rows[0]).toEqual({ ...rows[0], beaconSharesE8: beacon, witnessSharesE8: witness });
    expect(out.rows[0]!.dataDc).toBe(5n); // data transfer was paid for by device makers
    expect(out.rows[1]).toEqual(rows[1]);
  });

  it('reports one action per flagged hotspot with its distinct kinds, sorted', () => {
    expect(applyFraudPolicy(rows, flags, 'exclude', 2000).actions).toEqual([
      { address: 'a', kinds: ['location_spoofing', 'ring'], action: 'exclude' },
      { address: 'z', kinds: ['replay'], action: 'exclude' },
    ]);
  });

  it('returns the rows untouched without flags', () => {
    expect(applyFraudPolicy(rows, new Map(), 'exclude', 2000)).toEqual({ rows, actions: [] });
  });
});
