/**
 * Gateway EUI -> registered hotspot, cached. Every datagram from a forwarder names its EUI, so the
 * registry is asked once per EUI and again only after `knownTtlMs` (to pick up a new location);
 * unknown EUIs are remembered as unknown for `unknownTtlMs`, so a stranger's stream of datagrams
 * costs one query per TTL rather than one per datagram. Concurrent lookups of one EUI share a query.
 */
import type { Db } from '@cov/shared/db/client';
import { findHotspotByGatewayEui } from '@cov/shared/registry/hotspots-repository';
import type { HotspotInfo } from './uplink-copy';

interface Entry {
  hotspot: HotspotInfo | null;
  expiresAt: number;
}

export type HotspotLookup = (gatewayEui: string) => Promise<HotspotInfo | null>;

export function registryLookup(db: Db): HotspotLookup {
  return async (eui) => {
    const row = await findHotspotByGatewayEui(db, eui);
    return row ? { address: row.address, gatewayEui: row.gatewayEui.toLowerCase(), locationCell: row.locationCell, region: row.region } : null;
  };
}

export class GatewayDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<HotspotInfo | null>>();

  constructor(
    private readonly lookup: HotspotLookup,
    private readonly options: { knownTtlMs: number; unknownTtlMs: number; now: () => number; maxEntries?: number },
  ) {}

  /** The cached answer, or undefined when the registry must be asked. */
  cached(gatewayEui: string): HotspotInfo | null | undefined {
    const e = this.entries.get(gatewayEui);
    if (!e) return undefined;
    if (e.expiresAt <= this.options.now()) return undefined;
    return e.hotspot;
  }

  async resolve(gatewayEui: string): Promise<HotspotInfo | null> {
    const hit = this.cached(gatewayEui);
    if (hit !== undefined) return hit;
    let pending = this.inFlight.get(gatewayEui);
    if (!pending) {
      pending = this.lookup(gatewayEui)
        .then((hotspot) => {
          this.remember(gatewayEui, hotspot);
          return hotspot;
        })
        .finally(() => this.inFlight.delete(gatewayEui));
      this.inFlight.set(gatewayEui, pending);
    }
    return pending;
  }

  /** Forget everything (e.g. after a hotspot was onboarded and must be recognised at once). */
  clear(): void {
    this.entries.clear();
  }

  private remember(gatewayEui: string, hotspot: HotspotInfo | null): void {
    const ttl = hotspot ? this.options.knownTtlMs : this.options.unknownTtlMs;
    if (ttl <= 0) return;
    if (this.entries.size >= (this.options.maxEntries ?? 200_000)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(gatewayEui, { hotspot, expiresAt: this.options.now() + ttl });
  }
}
