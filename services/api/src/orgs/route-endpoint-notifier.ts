/**
 * Posts organisations' route endpoint alerts: when the router backs a route's endpoint off (it
 * failed several deliveries in a row, and the route's packets are not bought until it answers
 * again), and when the endpoint takes a packet again. A device maker whose LNS went down otherwise
 * learns of it from its customers. Sent to the URL of the org's alert (its low-balance alert, with
 * `endpointAlerts`), signed with the org's webhook secret as its packets are; a failed post is
 * retried at the next check.
 */
import { orgSigningAt } from '@cov/shared/routing/org-signing-secrets';
import { postNotice } from '../alerts/notice-delivery';
import type { BalanceAlertNotifierDeps } from './balance-alert-notifier';
import { recordAlertError, recordAlertSent } from './balance-alerts-repository';
import { claimDueEndpointNotices, unclaimEndpointNotice } from './route-endpoint-alerts-repository';
import { routeEndpointNotice } from './route-endpoint-notice';

export class RouteEndpointNotifier {
  // The low-balance notifier's: the same subscription, URL and post rules.
  constructor(private readonly deps: BalanceAlertNotifierDeps) {}

  async check(): Promise<{ sent: number; failed: number }> {
    const { sql, clock } = this.deps;
    const due = await claimDueEndpointNotices(sql, clock.nowMs());
    let sent = 0;
    let failed = 0;
    // One at a time: outages are rare, and the embedded database serves one query at a time anyway.
    for (const notice of due) {
      const nowMs = clock.nowMs();
      const error = await postNotice(notice.url, notice.authHeader, routeEndpointNotice(notice, nowMs), this.deps.timeoutMs, this.deps.allowPrivateAddresses, await orgSigningAt(this.deps.db, notice.orgId, nowMs));
      if (error === undefined) {
        sent++;
        // The alert's lastSentAt and lastError tell of its latest post, whichever notice it carried.
        await recordAlertSent(sql, notice.orgId, nowMs);
      } else {
        failed++;
        this.deps.logger.warn({ org: notice.orgId, route: notice.routeId, kind: notice.kind, error }, 'route endpoint notice not delivered; retried at the next check');
        await unclaimEndpointNotice(sql, notice);
        // Unlike a low-balance notice's failure, this one does not arm the low-balance alert again.
        await recordAlertError(sql, notice.orgId, error);
      }
    }
    return { sent, failed };
  }
}
