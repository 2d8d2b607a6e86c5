/**
 * The JSON an organisation's endpoint receives when its DC balance falls under its alert threshold,
 * and the stable word a failed post is recorded as.
 */
import type { DcSpending } from './dc-spending';

export interface BalanceAlertNotice {
  type: 'dc_balance_low';
  orgId: string;
  orgName: string;
  balanceDc: number;
  thresholdDc: number;
  /** Balance / average daily burn over the last 7 days; null when nothing was burned. */
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

/** `status_503` for an answer other than 2xx; `timeout`; a system error's code (`ECONNREFUSED`); else `unreachable`. */
export function deliveryError(outcome: { status: number } | unknown): string {
  if (outcome !== null && typeof outcome === 'object' && 'status' in outcome && typeof (outcome as { status: unknown }).status === 'number') return `status_${(outcome as { status: number }).status}`;
  const e = outcome as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? 'unreachable';
}
