import { describe, expect, it } from 'vitest';
import { dcSpending } from './dc-spending';

const NOW = Date.UTC(2026, 10, 21, 15); // Saturday 21 November, 15:00 UTC

describe('DC spending', () => {
  it('averages the last seven full days, shows today apart, and says how long the balance lasts', () => {
    const burns = [
      { day: '2026-11-21', dc: 50 }, // today, still running
      { day: '2026-11-20', dc: 100 },
      { day: '2026-11-18', dc: 200 },
      { day: '2026-11-14', dc: 400 }, // the first of the seven full days
      { day: '2026-11-13', dc: 999 }, // before them
    ];
    expect(dcSpending(1400, burns, NOW)).toEqual({ burnedTodayDc: 50, burnedLast7DaysDc: 700, averageDailyDc: 100, estimatedDaysLeft: 14 });
    expect(dcSpending(1234, burns, NOW).estimatedDaysLeft).toBe(12.3);
  });

  it('has no estimate without burns, and none left for a spent balance', () => {
    expect(dcSpending(500, [], NOW)).toEqual({ burnedTodayDc: 0, burnedLast7DaysDc: 0, averageDailyDc: 0, estimatedDaysLeft: null });
    expect(dcSpending(500, [{ day: '2026-11-21', dc: 10 }], NOW).estimatedDaysLeft).toBeNull();
    expect(dcSpending(0, [{ day: '2026-11-19', dc: 7 }], NOW)).toMatchObject({ averageDailyDc: 1, estimatedDaysLeft: 0 });
  });
});
