/**
 * The JSON an organisation's endpoint receives when its DC balance falls under its alert threshold.
 */
import type { DcBalanceLowNotice } from '@cov/shared/alerts/notice-schemas';
import type { DcSpending } from './dc-spending';

/** Its schema, published in the OpenAPI document: shared/alerts/notice-schemas.ts. */
export type BalanceAlertNotice = DcBalanceLowNotice;

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
