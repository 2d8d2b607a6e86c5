/**
 * Tells owners when their hotspots go offline or come back. Each check leases the subscribed
 * owners no other API replica holds, computes their hotspots' status the way hotspot views do
 * (hotspot-status.ts), and posts one notice per owner with every change since the status last
 * told. A failed post records nothing as told, so the next check tells it again.
 */
import type { Clock } from '@cov/shared/clock';
import type { Logger } from '@cov/shared/logger';
import type { Sql } from '@cov/shared/db/client';
import { postNotice } from '../alerts/notice-delivery';
import { isOnline, lastActivities, lastSeenMs } from '../registry/hotspot-status';
import { hotspotStatusNotice, statusChanges, type HotspotSeen } from './hotspot-status-changes';
import { knownStatusesOf, leaseOwners, ownersHotspots, recordFailed, recordTold } from './owner-alerts-repository';

export interface OwnerAlertNotifierDeps {
  sql: Sql;
  clock: Clock;
  logger: Logger;
  onlineWindowMs: number;
  timeoutMs: number;
  allowPrivateAddresses: boolean;
  /** How long a check holds an owner (longer than a check can take). */
  leaseMs: number;
}

/** Owners a check takes at most (the rest wait for the next), and notices posted at once. */
export const OWNERS_PER_CHECK = 100;
const POSTS_AT_ONCE = 8;

export class OwnerAlertNotifier {
  constructor(private readonly deps: OwnerAlertNotifierDeps) {}

  async check(): Promise<{ sent: number; failed: number }> {
    const { sql, clock } = this.deps;
    const nowMs = clock.nowMs();
    const owners = await leaseOwners(sql, nowMs, this.deps.leaseMs, OWNERS_PER_CHECK);
    if (owners.length === 0) return { sent: 0, failed: 0 };
    const hotspotsBy = await ownersHotspots(sql, owners.map((o) => o.owner));
    const activities = await lastActivities(sql, [...hotspotsBy.values()].flat());
    const toldBy = await knownStatusesOf(sql, owners.map((o) => o.owner));
    let sent = 0;
    let failed = 0;
    const tell = async (o: (typeof owners)[number]): Promise<void> => {
      const seen: HotspotSeen[] = (hotspotsBy.get(o.owner) ?? []).map((address) => {
        const last = lastSeenMs(activities, address);
        return { address, online: isOnline(last, nowMs, this.deps.onlineWindowMs), lastSeenMs: last };
      });
      const { changes, firstSeen } = statusChanges(seen, toldBy.get(o.owner) ?? new Map());
      const asTold = (hs: readonly { address: string; online: boolean }[]) => hs.map((h) => ({ address: h.address, online: h.online, changedAtMs: nowMs }));
      if (changes.length === 0) {
        await recordTold(sql, o.owner, asTold(firstSeen), null, nowMs);
        return;
      }
      const error = await postNotice(o.url, o.authHeader, hotspotStatusNotice(o.owner, changes, nowMs), this.deps.timeoutMs, this.deps.allowPrivateAddresses);
      if (error === undefined) {
        sent++;
        await recordTold(sql, o.owner, asTold([...firstSeen, ...changes]), clock.nowMs(), nowMs);
      } else {
        failed++;
        this.deps.logger.warn({ owner: o.owner, error }, 'hotspot status notice not delivered; told again at the next check');
        await recordFailed(sql, o.owner, error, asTold(firstSeen), nowMs);
      }
    };
    // A few posts at once: one slow endpoint must not hold every other owner's notice.
    for (let i = 0; i < owners.length; i += POSTS_AT_ONCE) await Promise.all(owners.slice(i, i + POSTS_AT_ONCE).map(tell));
    return { sent, failed };
  }
}
