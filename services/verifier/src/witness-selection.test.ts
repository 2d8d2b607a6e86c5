import { describe, expect, it } from 'vitest';
import { selectWitnesses } from './witness-selection';

describe('selectWitnesses', () => {
  const w = (id: string, receivedAtMs: number, valid = true) => ({ id, receivedAtMs, valid });

  it.each([
    ['first valid ones by receive time', [w('c', 30), w('a', 10), w('b', 20)], 2, ['a', 'b']],
    ['invalid ones are skipped, not counted', [w('a', 10, false), w('b', 20), w('c', 30)], 2, ['b', 'c']],
    ['ties broken by id', [w('z', 10), w('y', 10), w('x', 11)], 2, ['y', 'z']],
    ['fewer than the cap', [w('a', 10)], 14, ['a']],
    ['cap 0 selects nobody', [w('a', 10)], 0, []],
  ])('%s', (_name, witnesses, max, expected) => {
    expect([...selectWitnesses(witnesses, max)].sort()).toEqual(expected);
  });
});
