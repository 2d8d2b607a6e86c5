import { describe, expect, it } from 'vitest';
import { epochsStartingIn, isAbsoluteTimeParam, isFixedTimeRange, parseTimeParam, parseTimeRange } from './time-range';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const DAY = 86_400_000;

describe('time parameters', () => {
  it.each([
    ['now', NOW],
    ['-7 day', NOW - 7 * DAY],
    ['-7 days', NOW - 7 * DAY],
    ['-24 hour', NOW - DAY],
    ['-30 minute', NOW - 1_800_000],
    ['-2 week', NOW - 14 * DAY],
    ['2026-11-01', Date.UTC(2026, 10, 1)],
    ['2026-11-01T06:30:00Z', Date.UTC(2026, 10, 1, 6, 30)],
    ['2026-11-01T06:30:00', Date.UTC(2026, 10, 1, 6, 30)],
    ['2026-11-01T06:30:00+02:00', Date.UTC(2026, 10, 1, 4, 30)],
    // An offset's + typed into a URL unencoded arrives as a space.
    ['2026-11-01T06:30:00 02:00', Date.UTC(2026, 10, 1, 4, 30)],
    ['2026-11-01T06:30 0200', Date.UTC(2026, 10, 1, 4, 30)],
    ['2026-11-01 06:30:00.5 02:00', Date.UTC(2026, 10, 1, 4, 30, 0, 500)],
    ['2026-11-01T06:30:00-05:00', Date.UTC(2026, 10, 1, 11, 30)],
  ])('%s', (text, expected) => {
    expect(parseTimeParam(text, NOW, 'min_time')).toBe(expected);
  });

  it.each(['yesterday', '-7 fortnight', '2026-13-45', '2026-02-30', '2026-04-31T00:00:00Z', '11/01/2026', '1700000000', '+999999999999 day', '-999999999999 day'])('refuses %s with a coded error naming the field', (text) => {
    expect(() => parseTimeParam(text, NOW, 'max_time')).toThrow(expect.objectContaining({ code: 'request.invalid', details: { field: 'max_time' } }));
  });

  it('gives an instant asked again, or among many others, the same value, and relative times their own each time', () => {
    const instants = Array.from({ length: 1500 }, (_, i) => [new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), Date.UTC(2026, 0, 1) + i * 60_000] as const);
    for (let pass = 0; pass < 2; pass++) for (const [text, ms] of instants) expect(parseTimeParam(text, NOW, 'min_time')).toBe(ms);
    expect(isAbsoluteTimeParam(instants[0]![0])).toBe(true);
    const longFraction = `2026-11-01T06:30:00.${'5'.repeat(60)}Z`;
    expect([parseTimeParam(longFraction, NOW, 'min_time'), parseTimeParam(longFraction, NOW, 'min_time')]).toEqual([Date.UTC(2026, 10, 1, 6, 30, 0, 555), Date.UTC(2026, 10, 1, 6, 30, 0, 555)]);
    expect([parseTimeParam('-1 day', NOW, 'min_time'), parseTimeParam('-1 day', NOW + DAY, 'min_time'), parseTimeParam('now', NOW + 1, 'max_time')]).toEqual([NOW - DAY, NOW, NOW + 1]);
    expect(() => parseTimeParam('2026-02-30', NOW, 'max_time')).toThrow(expect.objectContaining({ code: 'request.invalid' }));
  });

  it('tells instants from times relative to now', () => {
    expect(['2026-11-01', '2026-11-01T06:30:00Z', ' 2026-11-01 06:30 ', '2026-11-01T06:30:00 02:00'].map(isAbsoluteTimeParam)).toEqual([true, true, true, true]);
    expect(['now', '-7 day', '5 day', '', undefined].map(isAbsoluteTimeParam)).toEqual([false, false, false, false, false]);
  });

  it('tells ranges that name the same instants whenever asked', () => {
    expect([{ max_time: '2026-11-01' }, { min_time: '2026-10-01', max_time: '2026-11-01' }, { min_time: '', max_time: '2026-11-01T00:00:00Z' }].map(isFixedTimeRange)).toEqual([true, true, true]);
    expect([{}, { min_time: '2026-10-01' }, { min_time: '-7 day', max_time: '2026-11-01' }, { max_time: '-1 day' }].map(isFixedTimeRange)).toEqual([false, false, false, false]);
  });

  it('selects the epochs that start in a range', () => {
    expect(epochsStartingIn({ minMs: 2 * DAY, maxMs: 4 * DAY }, DAY)).toEqual({ fromEpoch: 2, toEpoch: 3 });
    expect(epochsStartingIn({ minMs: 2 * DAY + 1, maxMs: 4 * DAY + 1 }, DAY)).toEqual({ fromEpoch: 3, toEpoch: 4 });
    // A range inside one epoch holds no epoch start.
    const inside = epochsStartingIn({ minMs: 2 * DAY + 1, maxMs: 3 * DAY - 1 }, DAY);
    expect(inside.toEpoch).toBeLessThan(inside.fromEpoch);
  });

  it('bounds every range', () => {
    const limits = { defaultSpanMs: 7 * DAY, maxSpanMs: 90 * DAY };
    expect(parseTimeRange({}, NOW, limits)).toEqual({ minMs: NOW - 7 * DAY, maxMs: NOW });
    expect(parseTimeRange({ min_time: '-30 day' }, NOW, limits)).toEqual({ minMs: NOW - 30 * DAY, maxMs: NOW });
    expect(() => parseTimeRange({ min_time: '-400 day' }, NOW, limits)).toThrow(/at most 90 days/);
    expect(() => parseTimeRange({ min_time: 'now', max_time: '-1 day' }, NOW, limits)).toThrow(/before max_time/);
  });
});
