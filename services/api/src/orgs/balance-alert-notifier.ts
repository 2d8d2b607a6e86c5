/**
 * Posts organisations' low-balance notices. Each check arms again the alerts whose balance
 * recovered (a top-up), then claims the armed ones whose balance is under the threshold and posts
 * one notice each. A post that fails arms the alert again, so the next check retries it; so an
 * endpoint that is down gets one attempt per check, not a storm. Signed with the org's webhook
 * secret, when it has one, as its packets are.
 */
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import type postgres from 'postgres';
import { orgSigningAt } from '@cov/shared/routing/org-signing-secrets';
import { postNotice } from '../alerts/notice-delivery';
import { balanceAlertNotice } from './balance-alert-notice';
import { claimDueAlerts, rearmRecoveredAlerts, recordAlertFailed, recordAlertSent } from './balance-alerts-repository';
import { orgDcSpending } from './dc-spending';

export interface BalanceAlertNotifierDeps {
  db: Db;
  sql: postgres.ISql;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  allowPrivateAddresses: boolean;
}

export class BalanceAlertNotifier {
  constructor(private readonly deps: BalanceAlertNotifierDeps) {}

  /** One check; returns the notices posted and failed. */
  async check(): Promise<{ sent: number; failed: number }> {
    const { sql, clock } = this.deps;
    await rearmRecoveredAlerts(sql);
    const due = await claimDueAlerts(sql, clock.nowMs());
    let sent = 0;
    let failed = 0;
    // One at a time: a handful a check at most, and the embedded database serves one query at a time anyway.
    for (const alert of due) {
      const error = await this.post(alert);
      if (error === undefined) {
        sent++;
        await recordAlertSent(sql, alert.orgId, clock.nowMs());
      } else {
        failed++;
        this.deps.logger.warn({ org: alert.orgId, error }, 'low-balance notice not delivered; retried at the next check');
        await recordAlertFailed(sql, alert.orgId, error);
      }
    }
    return { sent, failed };
  }

  private async post(alert: Awaited<ReturnType<typeof claimDueAlerts>>[number]): Promise<string | undefined> {
    const nowMs = this.deps.clock.nowMs();
    const notice = balanceAlertNotice(alert, await orgDcSpending(this.deps.db, { id: alert.orgId, createdAtMs: alert.orgCreatedAtMs }, alert.balanceDc, nowMs), nowMs);
    return postNotice(alert.url, alert.authHeader, notice, this.deps.timeoutMs, this.deps.allowPrivateAddresses, await orgSigningAt(this.deps.db, alert.orgId, nowMs));
  }
}
