/**
 * How an epoch's rewards spread over the hotspots it paid, so an owner can tell whether a hotspot
 * earns like most others or lags (the old explorer drew the network's average under every
 * hotspot's earnings chart). Amounts are a hotspot's total (beacon + witness + data) in token base
 * units. Quantiles are nearest-rank: the smallest total with at least p % of the paid hotspots at
 * or below it, so every figure is an amount some hotspot was actually paid, and the figures come
 * out the same however often they are computed. Hotspots paid nothing are not in an epoch's
 * rewards, so they are not counted here either.
 */

export interface RewardDistribution {
  /** Hotspots paid something in the epoch. */
  hotspots: number;
  /** Amounts in token base units, as decimal strings (they exceed 2^53); "0" when none was paid. */
  mean: string;
  p10: string;
  p25: string;
  median: string;
  p75: string;
  p90: string;
  max: string;
}

/** Where a hotspot's total falls among the epoch's paid hotspots, by the distribution's quantiles. */
export type RewardStanding = 'top_10_percent' | 'top_25_percent' | 'top_half' | 'bottom_half' | 'bottom_25_percent';

/** The value at nearest rank ceil(pct/100 × n) of an ascending list (exact integer arithmetic). */
function nearestRank(sorted: readonly bigint[], pct: number): bigint {
  const rank = Math.max(1, Math.ceil((pct * sorted.length) / 100));
  return sorted[rank - 1]!;
}

export function rewardDistribution(totals: readonly bigint[]): RewardDistribution {
  if (totals.length === 0) return { hotspots: 0, mean: '0', p10: '0', p25: '0', median: '0', p75: '0', p90: '0', max: '0' };
  const sorted = [...totals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sum = sorted.reduce((s, v) => s + v, 0n);
  const q = (pct: number) => nearestRank(sorted, pct).toString();
  return {
    hotspots: sorted.length,
    // Rounded down, as every other amount split here is.
    mean: (sum / BigInt(sorted.length)).toString(),
    p10: q(10),
    p25: q(25),
    median: q(50),
    p75: q(75),
    p90: q(90),
    max: sorted[sorted.length - 1]!.toString(),
  };
}

export function rewardStanding(total: bigint, d: RewardDistribution): RewardStanding {
  if (total >= BigInt(d.p90)) return 'top_10_percent';
  if (total >= BigInt(d.p75)) return 'top_25_percent';
  if (total >= BigInt(d.median)) return 'top_half';
  if (total >= BigInt(d.p25)) return 'bottom_half';
  return 'bottom_25_percent';
}
