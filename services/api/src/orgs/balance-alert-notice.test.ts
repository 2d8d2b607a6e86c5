import { describe, expect, it } from 'vitest';
import { balanceAlertNotice } from './balance-alert-notice';

describe('low-balance notice', () => {
  it('says how much is left, against what threshold, and how long it lasts at the recent pace', () => {
    const notice = balanceAlertNotice(
      { orgId: 'o1', orgName: 'Acme', balanceDc: 900, thresholdDc: 1000 },
      { burnedTodayDc: 10, burnedLast7DaysDc: 2100, averageDailyDc: 300, estimatedDaysLeft: 3 },
      Date.UTC(2026, 10, 21, 12),
    );
    expect(notice).toEqual({ type: 'dc_balance_low', orgId: 'o1', orgName: 'Acme', balanceDc: 900, thresholdDc: 1000, estimatedDaysLeft: 3, averageDailyDc: 300, at: '2026-11-21T12:00:00.000Z' });
  });
});
