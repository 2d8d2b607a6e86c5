import { describe, expect, it } from 'vitest';
import { dcSpending, spendingDays } from './dc-spending';

const NOW = Date.UTC(2026, 10, 21, 15); // Saturday 21 November, 15:00 UTC
const LONG_AGO = Date.UTC(2025, 0, 1);

describe('DC spending', () => {
  it('averages the last seven full days, shows today apart, and says how long the balance lasts', () => {
    const burns = [
      { day: '2026-11-21', dc: 50 }, // today, still running
      { day: '2026-11-20', dc: 100 },
      { day: '2026-11-18', dc: 200 },
      { day: '2026-11-14', dc: 400 }, // the first of the seven full days
      { day: '2026-11-13', dc: 999 }, // before them
    ];
    expect(dcSpending(1400, burns, NOW, LONG_AGO)).toEqual({ burnedTodayDc: 50, burnedLast7DaysDc: 700, averageDailyDc: 100, estimatedDaysLeft: 14 });
    expect(dcSpending(1234, burns, NOW, LONG_AGO).estimatedDaysLeft).toBe(12.3);
  });

  it('has no estimate without burns, and none left for a spent balance', () => {
    expect(dcSpending(500, [], NOW, LONG_AGO)).toEqual({ burnedTodayDc: 0, burnedLast7DaysDc: 0, averageDailyDc: 0, estimatedDaysLeft: null });
    expect(dcSpending(500, [{ day: '2026-11-21', dc: 10 }], NOW, LONG_AGO).estimatedDaysLeft).toBeNull();
    expect(dcSpending(0, [{ day: '2026-11-19', dc: 7 }], NOW, LONG_AGO)).toMatchObject({ averageDailyDc: 1, estimatedDaysLeft: 0 });
  });

  it('averages a young org over the full days it has existed, not over seven', () => {
    // Created Wednesday 18 November at 09:00: 19 and 20 November are its full days; the 18th is partial.
    const created = Date.UTC(2026, 10, 18, 9);
    const burns = [
      { day: '2026-11-21', dc: 40 },
      { day: '2026-11-20', dc: 100 },
      { day: '2026-11-19', dc: 100 },
      { day: '2026-11-18', dc: 30 },
    ];
    // Over seven days: 230 / 7 = 32.9 a day and 9.1 days left, three times too long.
    expect(dcSpending(300, burns, NOW, created)).toEqual({ burnedTodayDc: 40, burnedLast7DaysDc: 230, averageDailyDc: 100, estimatedDaysLeft: 3 });
    expect(spendingDays(created, NOW)).toBe(2);
    expect(spendingDays(Date.UTC(2026, 10, 19), NOW)).toBe(2); // created at midnight: that day is full
    expect(spendingDays(Date.UTC(2026, 10, 21, 1), NOW)).toBe(0);
    expect(spendingDays(LONG_AGO, NOW)).toBe(7);
    // Not a full day old: no estimate yet, as with no burns.
    expect(dcSpending(300, [{ day: '2026-11-21', dc: 40 }], NOW, Date.UTC(2026, 10, 21, 1)).estimatedDaysLeft).toBeNull();
  });
});
