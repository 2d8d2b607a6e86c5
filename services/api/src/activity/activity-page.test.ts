import { describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES, compareIds, compareNewestFirst, isActivityCursor, mergePage, parseTypes, sourceAfter, TYPE_RANK, type ActivityKey, type SourceAfter } from './activity-page';

/** What a source's SQL keeps after the cursor (activity-repository.ts afterCursor), on keys of one rank. */
function keptAfter(key: ActivityKey, after: SourceAfter | undefined): boolean {
  if (after === undefined) return true;
  if (after.op === 'time_at_most') return key.timeMs <= after.timeMs;
  if (after.op === 'time_before') return key.timeMs < after.timeMs;
  return key.timeMs < after.timeMs || (key.timeMs === after.timeMs && compareIds(key.id, after.id) < 0);
}

/** Sources as the repository answers them: per rank, after the cursor, newest first, at most `fetch`. */
function askSources(byRank: ActivityKey[][], cursor: ActivityKey | undefined, fetch: number): { key: ActivityKey }[][] {
  return byRank.map((keys, rank) =>
    keys
      .filter((k) => keptAfter(k, sourceAfter(cursor, rank)))
      .sort(compareNewestFirst)
      .slice(0, fetch)
      .map((key) => ({ key })),
  );
}

function walk(byRank: ActivityKey[][], limit: number): ActivityKey[] {
  const seen: ActivityKey[] = [];
  let cursor: ActivityKey | undefined;
  for (let page = 0; page < 10_000; page++) {
    const { items, next } = mergePage(askSources(byRank, cursor, limit + 1), limit);
    expect(items.length).toBeLessThanOrEqual(limit);
    seen.push(...items.map((i) => i.key));
    if (next === null) return seen;
    expect(next).toEqual(items.at(-1)!.key);
    cursor = next;
  }
  throw new Error('pages never ended');
}

/** A small deterministic generator, so a failure replays. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

describe('activity pages', () => {
  it('orders newest first, then by type rank, then by id, across sources', () => {
    const keys: ActivityKey[] = [
      { timeMs: 5, rank: TYPE_RANK.beacon, id: 'b' },
      { timeMs: 9, rank: TYPE_RANK.onboarded, id: '' },
      { timeMs: 5, rank: TYPE_RANK.rewarded, id: '3' },
      { timeMs: 5, rank: TYPE_RANK.beacon, id: 'c' },
    ];
    expect([...keys].sort(compareNewestFirst)).toEqual([keys[1], keys[2], keys[3], keys[0]]);
  });

  it('walks every event exactly once in feed order, whatever the page size, when many share a millisecond', () => {
    const random = lcg(7);
    const byRank: ActivityKey[][] = ACTIVITY_TYPES.map(() => []);
    // Few distinct times, so most pages end inside a millisecond that several types and ids share.
    for (let n = 0; n < 300; n++) {
      const rank = Math.floor(random() * ACTIVITY_TYPES.length);
      byRank[rank]!.push({ timeMs: 1_000 + Math.floor(random() * 6), rank, id: `id-${Math.floor(random() * 1e6)}-${n}` });
    }
    const expected = byRank.flat().sort(compareNewestFirst);
    for (const limit of [1, 2, 3, 7, 50, 299, 300, 500]) expect(walk(byRank, limit)).toEqual(expected);
  });

  it('gives no cursor when the sources together hold no more than the page', () => {
    const one = [{ key: { timeMs: 2, rank: 0, id: '' } }];
    const two = [{ key: { timeMs: 1, rank: 3, id: 'a' } }];
    expect(mergePage([one, two], 2).next).toBeNull();
    expect(mergePage([one, two], 1)).toEqual({ items: one, next: one[0]!.key });
  });

  it('continues a source of a lower rank at the cursor time, of a higher rank before it, of its own rank after its id', () => {
    const cursor = { timeMs: 100, rank: TYPE_RANK.beacon, id: 'm' };
    expect(sourceAfter(cursor, TYPE_RANK.onboarded)).toEqual({ op: 'time_at_most', timeMs: 100 });
    expect(sourceAfter(cursor, TYPE_RANK.rewarded)).toEqual({ op: 'time_before', timeMs: 100 });
    expect(sourceAfter(cursor, TYPE_RANK.beacon)).toEqual({ op: 'time_then_id_before', timeMs: 100, id: 'm' });
    expect(sourceAfter(undefined, TYPE_RANK.beacon)).toBeUndefined();
  });

  it('compares ids in UTF-8 byte order, as collate "C" does, not in UTF-16 code units', () => {
    // U+FF61 is EF BD A1 in UTF-8 and sorts before the emoji (F0 9F 98 80); in UTF-16 the emoji's
    // surrogate D83D sorts first.
    expect('😀' < '\uFF61').toBe(true);
    expect(compareIds('\uFF61', '😀')).toBeLessThan(0);
    expect(compareIds('a', 'b')).toBeLessThan(0);
    expect(compareIds('ab', 'a')).toBeGreaterThan(0);
    expect(compareIds('x', 'x')).toBe(0);
  });

  it('takes the types asked for in feed order, all of them by default, and names an unknown one', () => {
    expect(parseTypes(undefined)).toEqual([...ACTIVITY_TYPES]);
    expect(parseTypes('')).toEqual([...ACTIVITY_TYPES]);
    expect(parseTypes('witness, beacon,witness,')).toEqual(['beacon', 'witness']);
    expect(() => parseTypes('beacon,beacons')).toThrow(expect.objectContaining({ code: 'request.invalid', details: expect.objectContaining({ field: 'types', unknown: ['beacons'] }) }));
  });

  it('accepts only cursors with a time, a known rank and an id', () => {
    expect(isActivityCursor({ t: 5, r: TYPE_RANK.rewarded, i: '3' })).toBe(true);
    for (const bad of [{ t: 5, r: ACTIVITY_TYPES.length, i: '' }, { t: 5, r: -1, i: '' }, { t: 5, r: 1.5, i: '' }, { t: 5, r: 0 }, { t: '5', r: 0, i: '' }, null]) {
      expect(isActivityCursor(bad)).toBe(false);
    }
  });
});
