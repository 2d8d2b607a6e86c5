/**
 * Which hotspot a report's key belongs to. Every report needs this and reports arrive by the
 * thousand per second, so answers are cached for a minute (misses for a few seconds, so a hotspot
 * onboarded a moment ago is soon accepted). Freshness is operational, so real time is used here,
 * not the domain clock.
 */
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import { findHotspotsByPublicKeys, type HotspotRow } from '@cov/shared/registry/hotspots-repository';

export interface KnownHotspot {
  address: string;
  capability: HotspotRow['capability'];
  publicKey: Uint8Array;
}

const HIT_TTL_MS = 60_000;
const MISS_TTL_MS = 5_000;
const MAX_ENTRIES = 200_000;

export class HotspotKeyCache {
  private readonly entries = new Map<string, { value: KnownHotspot | null; expiresAt: number }>();
  constructor(private readonly db: Db) {}

  async get(binaryKey: Uint8Array): Promise<KnownHotspot | undefined> {
    return (await this.getMany([binaryKey]))[0];
  }

  /**
   * One answer per key, in order; unknown keys are undefined. Misses are fetched in one query;
   * if the database does not answer it, service.unavailable (nothing is cached).
   */
  async getMany(binaryKeys: Uint8Array[]): Promise<(KnownHotspot | undefined)[]> {
    const now = performance.now();
    const hexes = binaryKeys.map((k) => Buffer.from(k).toString('hex'));
    const missing = [...new Set(hexes.filter((h) => !((this.entries.get(h)?.expiresAt ?? 0) > now)))];
    if (missing.length > 0) {
      const rows = await findHotspotsByPublicKeys(this.db, missing.map((h) => Uint8Array.from(Buffer.from(h, 'hex')))).catch((e: unknown) => {
        // The sender did nothing wrong: its reports are refused as retryable, as when a store fails.
        throw new AppError('service.unavailable', 'hotspot keys could not be looked up; retry', undefined, { cause: e });
      });
      const found = new Map(rows.map((r) => [Buffer.from(r.publicKey).toString('hex'), r]));
      if (this.entries.size + missing.length > MAX_ENTRIES) this.entries.clear();
      for (const h of missing) {
        const r = found.get(h);
        this.entries.set(h, r ? { value: { address: r.address, capability: r.capability, publicKey: r.publicKey }, expiresAt: now + HIT_TTL_MS } : { value: null, expiresAt: now + MISS_TTL_MS });
      }
    }
    return hexes.map((h) => this.entries.get(h)?.value ?? undefined);
  }
}
