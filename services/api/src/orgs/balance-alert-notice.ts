/**
 * The JSON an organisation's endpoint receives when its DC balance falls under its alert threshold.
 */
import type { DcSpending } from './dc-spending';

export interface BalanceAlertNotice {
  type: 'dc_balance_low';
  orgId: string;
  orgName: string;
  balanceDc: number;
  thresholdDc: number;
  /** Balance / average daily burn over the last 7 full days (fewer for a younger org); null when nothing was burned. */
  estimatedDaysLeft: number | null;
  averageDailyDc: number;
  /** When the API noticed (UTC). */
  at: string;
}

export function balanceAlertNotice(alert: { orgId: string; orgName: string; balanceDc: number; thresholdDc: number }, spending: DcSpending, nowMs: number): BalanceAlertNotice {
  return {
    type: 'dc_balance_low',
    orgId: alert.orgId,
    orgName: alert.orgName,
    balanceDc: alert.balanceDc,
    thresholdDc: alert.thresholdDc,
    estimatedDaysLeft: spending.estimatedDaysLeft,
    averageDailyDc: spending.averageDailyDc,
    at: new Date(nowMs).toISOString(),
  };
}
