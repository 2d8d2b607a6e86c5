/**
 * The rule of owners' status alerts: compare each hotspot's status now (online: some activity
 * within two beacon intervals) with the one last told. A hotspot seen for the first time since the
 * subscription is recorded as it is, not told (subscribing is not news); a hotspot whose status
 * differs from the one told is a change, and goes in the owner's next notice.
 */
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import type { PocChange } from './poc-health';
import type { ScaleChange } from './scale-change';
import type { HotspotStatusNotice } from '@cov/shared/alerts/notice-schemas';

export interface HotspotSeen {
  address: string;
  online: boolean;
  /** Its latest beacon, witness or carried packet (ms), 0 if none. */
  lastSeenMs: number;
}

export interface StatusChange {
  address: string;
  online: boolean;
  lastSeenMs: number;
}

export function statusChanges(seen: readonly HotspotSeen[], told: ReadonlyMap<string, { online: boolean }>): { changes: StatusChange[]; firstSeen: HotspotSeen[] } {
  const changes: StatusChange[] = [];
  const firstSeen: HotspotSeen[] = [];
  for (const h of seen) {
    const before = told.get(h.address);
    if (before === undefined) firstSeen.push(h);
    else if (before.online !== h.online) changes.push({ address: h.address, online: h.online, lastSeenMs: h.lastSeenMs });
  }
  return { changes, firstSeen };
}

/** Its schema, published in the OpenAPI document: shared/alerts/notice-schemas.ts. */
export type { HotspotStatusNotice };

export function hotspotStatusNotice(owner: string, changes: readonly StatusChange[], pocChanges: readonly PocChange[], scaleChanges: readonly ScaleChange[], nowMs: number): HotspotStatusNotice {
  return {
    type: 'hotspot_status',
    owner,
    changes: changes.map((c) => ({ hotspot: c.address, name: hotspotName(c.address), online: c.online, lastSeenAt: c.lastSeenMs > 0 ? new Date(c.lastSeenMs).toISOString() : null })),
    pocChanges: pocChanges.map((c) => ({ hotspot: c.address, name: hotspotName(c.address), failing: c.failing, reason: c.reason, invalidReports: c.invalidReports })),
    scaleChanges: scaleChanges.map((c) => ({ hotspot: c.address, name: hotspotName(c.address), fromScale: c.fromScaleE4 / 10_000, toScale: c.toScaleE4 / 10_000 })),
    at: new Date(nowMs).toISOString(),
  };
}
