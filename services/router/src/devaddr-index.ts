/**
 * Finds every route whose DevAddr ranges contain an address. Ranges may overlap (the reference
 * says HPR allows it), so the inclusive ranges are cut into disjoint segments, each knowing all the
 * values covering it; a lookup is one binary search instead of a scan of every range.
 */

export interface AddrRange<T> {
  /** Inclusive unsigned 32-bit bounds. */
  start: number;
  end: number;
  value: T;
}

export class DevAddrIndex<T> {
  /** Segment i covers [starts[i], ends[i]] and is covered by values[i] (possibly empty). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly values: T[][] = [];

  constructor(ranges: readonly AddrRange<T>[]) {
    const valid = ranges.filter((r) => r.start <= r.end);
    const cuts = new Set<number>();
    for (const r of valid) {
      cuts.add(r.start);
      cuts.add(r.end + 1);
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const start = points[i]!;
      const end = points[i + 1]! - 1;
      const covering = valid.filter((r) => r.start <= start && r.end >= end).map((r) => r.value);
      if (covering.length === 0) continue;
      this.starts.push(start);
      this.ends.push(end);
      this.values.push([...new Set(covering)]);
    }
  }

  get segmentCount(): number {
    return this.starts.length;
  }

  find(addr: number): readonly T[] {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! > addr) hi = mid - 1;
      else if (this.ends[mid]! < addr) lo = mid + 1;
      else return this.values[mid]!;
    }
    return [];
  }
}
