/**
 * Remembers lookups that found no route (an unknown DevAddr or JoinEUI/DevEUI) for a short time,
 * so a device or an attacker repeating unroutable packets is dropped at intake, before it holds a
 * dedup window or any memory. Cleared whenever the routing configuration changes, so a new route
 * takes effect at once. Bounded: the oldest entries go first when it is full.
 */
export class NegativeCache {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    const expiresAt = this.entries.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.now()) return true;
    this.entries.delete(key);
    return false;
  }

  add(key: string): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, this.now() + this.ttlMs);
  }

  clear(): void {
    this.entries.clear();
  }
}

export function devAddrMissKey(devAddr: string): string {
  return `a:${devAddr}`;
}

export function joinMissKey(joinEui: string, devEui: string): string {
  return `j:${joinEui}:${devEui}`;
}
