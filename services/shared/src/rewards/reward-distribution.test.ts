import { describe, expect, it } from 'vitest';
import { rewardDistribution, rewardStanding } from './reward-distribution';

const amounts = (...values: number[]) => values.map(BigInt);

describe('rewardDistribution', () => {
  it('gives nearest-rank quantiles of the paid totals, each an amount some hotspot was paid', () => {
    // 1..100 in a shuffled order: the p-th quantile is p itself.
    const shuffled = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    expect(rewardDistribution(amounts(...shuffled))).toEqual({ hotspots: 100, mean: '50', p10: '10', p25: '25', median: '50', p75: '75', p90: '90', max: '100' });
    // Ten hotspots: rank ceil(p × 10 / 100).
    expect(rewardDistribution(amounts(5, 1, 9, 3, 7, 2, 8, 4, 10, 6))).toMatchObject({ p10: '1', p25: '3', median: '5', p75: '8', p90: '9', max: '10', mean: '5' });
  });

  it('handles one hotspot, none, and amounts beyond 2^53 exactly', () => {
    expect(rewardDistribution(amounts(42))).toEqual({ hotspots: 1, mean: '42', p10: '42', p25: '42', median: '42', p75: '42', p90: '42', max: '42' });
    expect(rewardDistribution([])).toEqual({ hotspots: 0, mean: '0', p10: '0', p25: '0', median: '0', p75: '0', p90: '0', max: '0' });
    const big = 2n ** 60n;
    expect(rewardDistribution([big + 1n, big + 3n])).toMatchObject({ mean: (big + 2n).toString(), median: (big + 1n).toString(), max: (big + 3n).toString() });
  });

  it('rounds the mean down, as amounts are split', () => {
    expect(rewardDistribution(amounts(1, 2)).mean).toBe('1');
  });
});

describe('rewardStanding', () => {
  const d = rewardDistribution(amounts(...Array.from({ length: 100 }, (_, i) => i + 1)));
  it.each([
    [100, 'top_10_percent'],
    [90, 'top_10_percent'],
    [89, 'top_25_percent'],
    [75, 'top_25_percent'],
    [50, 'top_half'],
    [49, 'bottom_half'],
    [25, 'bottom_half'],
    [24, 'bottom_25_percent'],
    [1, 'bottom_25_percent'],
  ] as const)('puts a total of %i in %s', (total, standing) => {
    expect(rewardStanding(BigInt(total), d)).toBe(standing);
  });
});
