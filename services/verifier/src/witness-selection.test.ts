import { readFileSync } from 'node:fs';
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

/** Helium's own selection tests (iot_verifier runner.rs), as the vector file gives them. */
describe('selectWitnesses against the reward-units.json vectors', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../shared/src/testing/vectors/reward-units.json', import.meta.url), 'utf8')) as {
    witness_selection_tests: { name: string; inputs: Record<string, unknown>; expected: Record<string, unknown>; second_case?: { witness_count: number; max_witnesses_per_poc: number; expected: { selected: number; unselected: number } } }[];
  };
  const byName = new Map(vectors.witness_selection_tests.map((t) => [t.name, t]));

  it('claims every selection case the file has', () => {
    expect([...byName.keys()].sort()).toEqual(['max_witnesses_per_poc_test', 'witness_filtering']);
  });

  it('max_witnesses_per_poc_test: 30 valid witnesses given newest first, the 14 earliest selected', () => {
    const t = byName.get('max_witnesses_per_poc_test')!;
    const [count, max] = [t.inputs.witness_count as number, t.inputs.max_witnesses_per_poc as number];
    const now = 1_700_000_000_000;
    const witnesses = Array.from({ length: count }, (_, i) => ({ id: `w${String(i).padStart(2, '0')}`, receivedAtMs: now + i, valid: true })).reverse();
    const selected = selectWitnesses(witnesses, max);
    expect([selected.size, count - selected.size]).toEqual([t.expected.selected, t.expected.unselected]);
    const inOrder = witnesses.filter((w) => selected.has(w.id)).sort((a, b) => a.receivedAtMs - b.receivedAtMs);
    expect([inOrder[0]!.receivedAtMs, inOrder[4]!.receivedAtMs]).toEqual([now, now + 4]);
    const second = t.second_case!;
    const few = selectWitnesses(Array.from({ length: second.witness_count }, (_, i) => ({ id: `v${i}`, receivedAtMs: now + i, valid: true })), second.max_witnesses_per_poc);
    expect([few.size, second.witness_count - few.size]).toEqual([second.expected.selected, second.expected.unselected]);
  });

  it('witness_filtering: only valid witnesses can be selected', () => {
    const t = byName.get('witness_filtering')!;
    const given = t.inputs.witnesses as { status: string; invalid_reason: string }[];
    const witnesses = given.map((g, i) => ({ id: g.invalid_reason, receivedAtMs: i, valid: g.status === 'Valid' }));
    const selected = selectWitnesses(witnesses, t.inputs.max_witnesses_per_poc as number);
    expect(selected.size).toBe(t.expected.included);
    expect([...selected][0]).toBe(t.expected.included_first_reason);
  });
});
