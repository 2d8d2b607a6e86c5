/**
 * Summary statistics over bucket totals, exact where money allows: total, min, max and median are
 * exact base units (a median of an even count is the mean of the middle two, rounded down); avg
 * and stddev are given as decimal strings rounded to 6 places, since they are not amounts anyone
 * is paid.
 */
export interface EarningsSummary {
  total: string;
  min: string;
  max: string;
  median: string;
  avg: string;
  stddev: string;
  buckets: number;
}

function decimal(numerator: bigint, denominator: bigint, places = 6): string {
  const scale = 10n ** BigInt(places);
  const negative = numerator < 0n !== denominator < 0n && numerator !== 0n;
  const n = (numerator < 0n ? -numerator : numerator) * scale;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n + d / 2n) / d; // round half up on the magnitude
  const text = q.toString().padStart(places + 1, '0');
  return `${negative ? '-' : ''}${text.slice(0, -places)}.${text.slice(-places)}`;
}

/**
 * floor(√v) by Newton's method from a power of two above the root: a few dozen steps for any size.
 * (Stepping one unit at a time from a float guess took as many steps as the guess was off, which
 * grows with the amounts: billions for buckets past 2^64.)
 */
function isqrt(v: bigint): bigint {
  if (v < 2n) return v;
  let x = 1n << BigInt(Math.ceil(v.toString(2).length / 2));
  for (;;) {
    const next = (x + v / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

export function summarise(totals: bigint[]): EarningsSummary {
  const n = BigInt(totals.length);
  if (totals.length === 0) return { total: '0', min: '0', max: '0', median: '0', avg: '0.000000', stddev: '0.000000', buckets: 0 };
  const sorted = [...totals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sum = sorted.reduce((s, v) => s + v, 0n);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2n;
  // Population variance = (n·Σx² − (Σx)²) / n²; stddev via an integer square root at 10^6 scale.
  const sumSq = sorted.reduce((s, v) => s + v * v, 0n);
  const varianceNum = n * sumSq - sum * sum;
  const scale = 10n ** 12n;
  const stddevE6 = isqrt((varianceNum * scale) / (n * n));
  return {
    total: sum.toString(),
    min: sorted[0]!.toString(),
    max: sorted[sorted.length - 1]!.toString(),
    median: median.toString(),
    avg: decimal(sum, n),
    stddev: decimal(stddevE6, 1_000_000n),
    buckets: totals.length,
  };
}
