/**
 * Ingress checks on a registered hotspot's uplinks, first in the pipeline after the CRC check
 * (so a forwarder passing on bad-CRC frames does not spend its rate), as Helium's packet router
 * runs them (reference §3.2):
 * - a hotspot on the network's denylist (its `key` entries, the list the verifier applies to
 *   proof-of-coverage) carries no packets: they would be bought and earn it data-transfer rewards;
 * - each hotspot may hand in at most `maxUplinksPerS` uplinks a second (HPR: 25), as a token
 *   bucket holding one second's worth, so a broken or hostile forwarder cannot flood the router
 *   and its own share of data-transfer rewards.
 * What is refused is counted under its drop reason; the datagram itself is still acknowledged (it
 * was well formed).
 */
import type { Sql } from '@cov/shared/db/client';
import type { DropReason } from './router-metrics';

/** Buckets looked at per sweep (once a second): a full pass over 400,000 hotspots takes 80 s. */
const SWEEP_ENTRIES_PER_CALL = 5000;

export interface GatewayIngressOptions {
  /** Uplinks per second per hotspot; 0 for no limit. */
  maxUplinksPerS: number;
  /** Monotonic ms. */
  now: () => number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** The denylist's denied keys at its latest version (version 0: nothing ever listed). */
export interface DeniedHotspots {
  version: number;
  addresses: ReadonlySet<string>;
}

export class GatewayIngress {
  private denied: DeniedHotspots = { version: 0, addresses: new Set() };
  private readonly buckets = new Map<string, Bucket>();
  private sweeping: MapIterator<[string, Bucket]> | undefined;

  constructor(private readonly options: GatewayIngressOptions) {}

  get denylistVersion(): number {
    return this.denied.version;
  }

  /** Replaces the denied hotspots (a new denylist version). */
  setDenied(denied: DeniedHotspots): void {
    this.denied = denied;
  }

  /** Why an uplink from this hotspot is refused, or undefined when it may go on. */
  refuse(hotspotAddress: string): DropReason | undefined {
    if (this.denied.addresses.size > 0 && this.denied.addresses.has(hotspotAddress)) return 'gateway_denied';
    return this.takeToken(hotspotAddress) ? undefined : 'gateway_throttled';
  }

  private takeToken(hotspotAddress: string): boolean {
    const rate = this.options.maxUplinksPerS;
    if (rate <= 0) return true;
    const nowMs = this.options.now();
    const b = this.buckets.get(hotspotAddress);
    if (b === undefined) {
      this.buckets.set(hotspotAddress, { tokens: rate - 1, atMs: nowMs });
      return true;
    }
    b.tokens = Math.min(rate, b.tokens + ((nowMs - b.atMs) * rate) / 1000);
    b.atMs = nowMs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /**
   * Forgets buckets that have refilled (hotspots quiet for a second or more), to bound memory: at
   * most `maxEntries` per call, going on from where the last call stopped, so a network of
   * hundreds of thousands of hotspots never costs one long pause of the event loop.
   */
  sweep(maxEntries = SWEEP_ENTRIES_PER_CALL): void {
    const rate = this.options.maxUplinksPerS;
    const nowMs = this.options.now();
    this.sweeping ??= this.buckets.entries();
    for (let i = 0; i < maxEntries; i++) {
      const next = this.sweeping.next();
      if (next.done) {
        this.sweeping = undefined; // a new pass next time
        return;
      }
      const [address, b] = next.value;
      // A Map iterator stays valid while entries are deleted, the current one included.
      if (b.tokens + ((nowMs - b.atMs) * rate) / 1000 >= rate) this.buckets.delete(address);
    }
  }

  get trackedHotspots(): number {
    return this.buckets.size;
  }
}

/**
 * The denylist's denied keys if its latest version is not `knownVersion`, else undefined. Edge
 * entries concern witnessing pairs and do not stop a hotspot from carrying packets.
 */
export async function loadDeniedHotspots(sql: Sql, knownVersion: number): Promise<DeniedHotspots | undefined> {
  const [row] = await sql<{ version: number }[]>`select coalesce(max(version), 0)::int as version from denylist_versions`;
  const version = row?.version ?? 0;
  if (version === knownVersion) return undefined;
  const rows = await sql<{ address: string }[]>`
    select address from denylist_entries
    where kind = 'key' and added_in_version <= ${version} and (removed_in_version is null or removed_in_version > ${version})`;
  return { version, addresses: new Set(rows.map((r) => r.address)) };
}
