/** One hotspot's aggregated inputs for an epoch, as read from the verdict and router tables. */
export interface HotspotInputRow {
  address: string;
  /** Valid beacons with at least one rewarded witness. */
  beacons: number;
  /** Σ beaconer hex scale × beacon units, × 10^8. */
  beaconSharesE8: bigint;
  /** Rewarded (valid, selected) witness reports. */
  witnesses: number;
  /** Σ beaconer hex scale × witness units, × 10^8. */
  witnessSharesE8: bigint;
  /** Data credits burned for packet copies this hotspot carried. */
  dataDc: bigint;
}

export const compareAddresses = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Merges rows of the same hotspot (PoC side and data side arrive separately) and sorts by address. */
export function mergeInputRows(...sources: readonly (readonly HotspotInputRow[])[]): HotspotInputRow[] {
  const byAddress = new Map<string, HotspotInputRow>();
  for (const rows of sources) {
    for (const r of rows) {
      const prev = byAddress.get(r.address);
      byAddress.set(
        r.address,
        prev
          ? {
              address: r.address,
              beacons: prev.beacons + r.beacons,
              beaconSharesE8: prev.beaconSharesE8 + r.beaconSharesE8,
              witnesses: prev.witnesses + r.witnesses,
              witnessSharesE8: prev.witnessSharesE8 + r.witnessSharesE8,
              dataDc: prev.dataDc + r.dataDc,
            }
          : { ...r },
      );
    }
  }
  return [...byAddress.values()].sort((a, b) => compareAddresses(a.address, b.address));
}
