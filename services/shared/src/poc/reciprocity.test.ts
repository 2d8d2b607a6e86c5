import { describe, expect, it } from 'vitest';
import { checkBeaconerReciprocity, checkWitnessReciprocity } from './reciprocity';

const H = 3_600_000;
const NOW = Date.UTC(2024, 0, 10);

describe.each([
  ['beaconer (last witness)', checkBeaconerReciprocity, 'gateway_no_valid_witnesses'],
  ['witness (last beacon with witnesses)', checkWitnessReciprocity, 'gateway_no_valid_beacons'],
] as const)('%s', (_, check, reason) => {
  it.each([
    ['never', null, reason],
    ['1 h ago', NOW - H, null],
    ['just under 48 h ago', NOW - 48 * H + 1, null],
    ['exactly 48 h ago', NOW - 48 * H, reason],
    ['3 days ago', NOW - 72 * H, reason],
  ])('%s', (__, lastAtMs, expected) => {
    expect(check(NOW, lastAtMs)?.reason ?? null).toBe(expected);
  });

  it('reports how long ago and honours a custom window', () => {
    expect(check(NOW, NOW - 50 * H)?.details).toMatchObject({ windowMs: 48 * H });
    expect(check(NOW, NOW - 50 * H, 72 * H)).toBeNull();
  });
});

it('details name the side and the gap', () => {
  expect(checkBeaconerReciprocity(NOW, NOW - 50 * H)?.details).toMatchObject({ side: 'beaconer', sinceLastWitnessMs: 50 * H });
  expect(checkWitnessReciprocity(NOW, null)?.details).toMatchObject({ side: 'witness', lastBeaconAtMs: null, sinceLastBeaconMs: null });
});
