import { describe, expect, it } from 'vitest';
import { summarise } from './earnings-stats';

describe('earnings summary', () => {
  it('is exact for money and precise for the statistics', () => {
    expect(summarise([2n, 4n, 4n, 4n, 5n, 5n, 7n, 9n])).toEqual({ total: '40', min: '2', max: '9', median: '4', avg: '5.000000', stddev: '2.000000', buckets: 8 });
    expect(summarise([1n, 2n])).toMatchObject({ median: '1', avg: '1.500000', stddev: '0.500000' });
    const big = 12345678901234567890n;
    expect(summarise([big, big + 2n])).toMatchObject({ total: (2n * big + 2n).toString(), median: (big + 1n).toString(), stddev: '1.000000' });
    expect(summarise([])).toMatchObject({ total: '0', buckets: 0 });
  });

  it("stays exact for buckets far past 2^64 (a busy hotspot's weeks) and answers at once", () => {
    // The integer square root behind stddev used to walk one unit at a time from a float guess,
    // whose error grows with the amounts: tens of seconds of blocked event loop for these.
    expect(summarise([0n, 60_000_000_000_000_000_001n]).stddev).toBe('30000000000000000000.500000');
    expect(summarise([12_345_678_901_234_567_891n, 3n, 77_777_777_777_777_777_777n]).stddev).toBe('34129098153549427171.493974');
  });
});
