/**
 * Tells owners when their hotspots go offline or come back, when one's proof-of-coverage
 * reports start being all rejected or pass again (poc-health.ts), and when an interactive one's
 * transmit scale moves (scale-change.ts). Each check leases the subscribed
 * owners no other API replica holds, computes their hotspots' status the way hotspot views do
 * (hotspot-status.ts), and posts one notice per owner with every change since the status last
 * told. A failed post records nothing as told, so the next check tells it again. Owners who opted
 * into epoch rewards also get, once per paid epoch (oldest untold first, one per check), what it
 * paid each of their hotspots (epoch-rewards-notice.ts).
 */
import type { Clock } from '@cov/shared/clock';
import type { Logger } from '@cov/shared/logger';
import type { Sql } from '@cov/shared/db/client';
import { postNotice } from '../alerts/notice-delivery';
import { isOnline, lastActivities, lastSeenMs } from '../registry/hotspot-status';
import { hotspotStatusNotice, statusChanges, type HotspotSeen } from './hotspot-status-changes';
import {
  epochAmounts,
  knownStatusesOf,
  leaseOwners,
  nextPaidEpoch,
  ownersHotspots,
  pocReportCounts,
  recordFailed,
  recordRewardsFailed,
  recordRewardsTold,
  recordTold,
  type SubscribedOwner,
  type ToldStatus,
} from './owner-alerts-repository';
import { epochRewardsNotice } from './epoch-rewards-notice';
import { latestPaidEpoch } from '@cov/shared/earnings/epoch-totals';
import type { Signing } from '@cov/shared/routing/webhook-signature';
import { pocChange, pocHealth, type PocChange, type PocHealth } from './poc-health';
import { scaleChange, scaleE4, scaleToRecord, type ScaleChange } from './scale-change';
import type { Snapshot } from '../coverage/coverage-snapshot';

export interface OwnerAlertNotifierDeps {
  sql: Sql;
  clock: Clock;
  logger: Logger;
  onlineWindowMs: number;
  /** The coverage snapshot hotspot views read their transmit scale from. */
  coverage: { get(): Promise<Snapshot> };
  timeoutMs: number;
  allowPrivateAddresses: boolean;
  /** How long a check holds an owner (longer than a check can take). */
  leaseMs: number;
}

/**
 * PoC verdicts are judged over two online windows: four beacon intervals, a day by default, so a
 * hotspot has beaconed about four times and witnessed whatever it heard.
 */
const POC_WINDOW_ONLINE_WINDOWS = 2;

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
    const all = [...hotspotsBy.values()].flat();
    const activities = await lastActivities(sql, all.map((h) => h.address));
    const pocCounts = await pocReportCounts(
      sql,
      all.filter((h) => h.pocEligible).map((h) => h.address),
      nowMs - POC_WINDOW_ONLINE_WINDOWS * this.deps.onlineWindowMs,
    );
    const toldBy = await knownStatusesOf(sql, owners.map((o) => o.owner));
    const snapshot = await this.deps.coverage.get();
    /** The scale × 10^4 of an interactive hotspot; undefined for one that is not (its scale means nothing). */
    const scaleNow = (address: string): number | undefined => {
      const c = snapshot.hotspot(address);
      return c?.interactive && c.scale !== null ? scaleE4(c.scale) : undefined;
    };
    // One look for the whole check: an owner is asked about epochs only when one is paid past what it was told.
    const latestEpoch = owners.some((o) => o.rewardsEpochTold !== undefined) ? await latestPaidEpoch(sql) : null;
    let sent = 0;
    let failed = 0;
    const tell = async (o: (typeof owners)[number]): Promise<void> => {
      const owned = hotspotsBy.get(o.owner) ?? [];
      // First, while the lease holds (telling the status releases it), so no other replica posts the same epoch.
      if (o.rewardsEpochTold !== undefined && latestEpoch !== null && (o.rewardsEpochTold === null || o.rewardsEpochTold < latestEpoch)) {
        const outcome = await this.tellEpochRewards(o, o.rewardsEpochTold, owned.map((h) => h.address));
        if (outcome === 'sent') sent++;
        else if (outcome === 'failed') failed++;
      }
      const told = toldBy.get(o.owner) ?? new Map<string, ToldStatus>();
      const seen: HotspotSeen[] = owned.map(({ address }) => {
        const last = lastSeenMs(activities, address);
        return { address, online: isOnline(last, nowMs, this.deps.onlineWindowMs), lastSeenMs: last };
      });
      const { changes } = statusChanges(seen, told);
      const health = new Map(owned.filter((h) => h.pocEligible).map((h) => [h.address, pocHealth(pocCounts.get(h.address) ?? NO_REPORTS)]));
      const pocChanges = [...health].map(([address, h]) => pocChange(address, h, told.get(address)?.pocFailing)).filter((c): c is PocChange => c !== undefined);
      const scales = new Map(owned.filter((h) => h.pocEligible).map((h) => [h.address, scaleNow(h.address)]));
      const scaleChanges = [...scales].map(([address, now]) => scaleChange(address, now, told.get(address)?.scaleE4)).filter((c): c is ScaleChange => c !== undefined);
      const records = statusRecords(seen, told, health, scales, nowMs);
      if (changes.length === 0 && pocChanges.length === 0 && scaleChanges.length === 0) {
        await recordTold(sql, o.owner, records.ifTold, null, nowMs);
        return;
      }
      const notice = hotspotStatusNotice(o.owner, changes, pocChanges, scaleChanges, nowMs);
      const error = await postNotice(o.url, o.authHeader, notice, this.deps.timeoutMs, this.deps.allowPrivateAddresses, signingOf(o, clock.nowMs()));
      if (error === undefined) {
        sent++;
        await recordTold(sql, o.owner, records.ifTold, clock.nowMs(), nowMs);
      } else {
        failed++;
        this.deps.logger.warn({ owner: o.owner, error }, 'hotspot status notice not delivered; told again at the next check');
        await recordFailed(sql, o.owner, error, records.ifNotTold, nowMs);
      }
    };
    // A few posts at once: one slow endpoint must not hold every other owner's notice.
    for (let i = 0; i < owners.length; i += POSTS_AT_ONCE) await Promise.all(owners.slice(i, i + POSTS_AT_ONCE).map(tell));
    return { sent, failed };
  }

  /** Posts the first paid epoch after `toldEpoch`, if there is one, and records it as told once taken. */
  private async tellEpochRewards(o: SubscribedOwner, toldEpoch: number | null, fleet: string[]): Promise<'sent' | 'failed' | 'nothing'> {
    const { sql, clock } = this.deps;
    const { owner, url, authHeader } = o;
    const epoch = await nextPaidEpoch(sql, toldEpoch);
    if (!epoch) return 'nothing';
    const notice = epochRewardsNotice(owner, epoch, fleet, await epochAmounts(sql, epoch.epoch, fleet), clock.nowMs());
    const error = await postNotice(url, authHeader, notice, this.deps.timeoutMs, this.deps.allowPrivateAddresses, signingOf(o, clock.nowMs()));
    if (error !== undefined) {
      this.deps.logger.warn({ owner, epoch: epoch.epoch, error }, 'epoch rewards notice not delivered; told again at the next check');
      await recordRewardsFailed(sql, owner, error);
      return 'failed';
    }
    await recordRewardsTold(sql, owner, toldEpoch, epoch.epoch, clock.nowMs());
    return 'sent';
  }
}

/** A subscription's secret signs its notices; one from before notices were signed posts them unsigned. */
const signingOf = (o: SubscribedOwner, nowMs: number): Signing => ({ secrets: o.signingSecret === null ? [] : [o.signingSecret], nowMs });

const NO_REPORTS = { valid: 0, invalidByReason: new Map<string, number>() };

/**
 * The statuses to record: `ifTold` when the notice went out (or there was nothing to tell), every
 * hotspot whose record moves; `ifNotTold` when the post failed, only what was not news (hotspots
 * seen for the first time, and a first verdict that PoC is fine), so the next check tells the rest
 * again.
 */
function statusRecords(
  seen: readonly HotspotSeen[],
  told: ReadonlyMap<string, ToldStatus>,
  health: ReadonlyMap<string, PocHealth>,
  scales: ReadonlyMap<string, number | undefined>,
  nowMs: number,
): { ifTold: ToldStatus[]; ifNotTold: ToldStatus[] } {
  const ifTold: ToldStatus[] = [];
  const ifNotTold: ToldStatus[] = [];
  for (const h of seen) {
    const before = told.get(h.address);
    const poc = health.get(h.address);
    const pocNow = poc === undefined || poc.state === 'unknown' ? (before?.pocFailing ?? null) : poc.state === 'failing';
    const scaleNow = scaleToRecord(scales.get(h.address), before?.scaleE4);
    const onlineMoved = before === undefined || before.online !== h.online;
    if (onlineMoved || pocNow !== (before?.pocFailing ?? null) || scaleNow !== (before?.scaleE4 ?? null)) {
      ifTold.push({ address: h.address, online: h.online, changedAtMs: onlineMoved ? nowMs : before.changedAtMs, pocFailing: pocNow, scaleE4: scaleNow });
    }
    // A scale first seen is not news either.
    if (before === undefined) ifNotTold.push({ address: h.address, online: h.online, changedAtMs: nowMs, pocFailing: pocNow === false ? false : null, scaleE4: scaleNow });
  }
  return { ifTold, ifNotTold };
}
