/**
 * Counters of everything the run did, by dotted name (beacons.transmitted, witnesses.accepted,
 * ingest.rejected.auth.bad_signature, uplinks.heard_copies, ...). They become the run summary.
 */
export class SimStats {
  private readonly counters = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  /** Sorted by name so summaries diff cleanly between runs. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
