import { describe, expect, it } from 'vitest';
import { utcDay } from './route-decision';

describe('utcDay', () => {
  it('buckets epoch ms by UTC day, across day boundaries in any order', () => {
    const cases: [number, string][] = [
      [Date.UTC(2026, 10, 21, 23, 59, 59, 999), '2026-11-21'],
      [Date.UTC(2026, 10, 22, 0, 0, 0, 0), '2026-11-22'],
      [Date.UTC(2026, 10, 21, 0, 0, 0, 0), '2026-11-21'],
      [Date.UTC(2026, 10, 20, 23, 59, 59, 999), '2026-11-20'],
      [Date.UTC(2026, 10, 22, 12), '2026-11-22'],
      [0, '1970-01-01'],
    ];
    for (const [ms, day] of cases) expect(utcDay(ms)).toBe(day);
  });
});
