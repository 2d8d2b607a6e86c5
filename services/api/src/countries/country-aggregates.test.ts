import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import type { HotspotCoverage } from '../coverage/coverage-snapshot';
import { aggregateHexes } from '../coverage/coverage-snapshot';
import { aggregateCountries, emptyCountry, sortCountries } from './country-aggregates';
import { seededRandom } from '@cov/app/testing/seeded-random';

const hotspot = (address: string, lat: number, lng: number, countryCode: string | null, extra: Partial<HotspotCoverage> = {}): HotspotCoverage => ({
  address,
  cell: latLngToCell(lat, lng, 12),
  lat,
  lng,
  capability: 'full',
  region: 'EU868',
  countryCode,
  gainDbi: 3,
  interactive: true,
  scale: 1,
  pocCount: 2,
  bestRssiDbm: -100,
  medianRssiDbm: -105,
  latestRewards: 10n,
  ...extra,
});

describe('country aggregation', () => {
  it('counts hotspots, data-only ones, interactive ones, hexes, PoCs and latest rewards per country', () => {
    const countries = aggregateCountries([
      hotspot('a', 48.8566, 2.3522, 'FR', { scale: 0.5 }),
      // A few metres from a: the same res-8 hex.
      hotspot('b', 48.8567, 2.3523, 'FR', { interactive: false, scale: 0.2, pocCount: 0, latestRewards: 0n }),
      hotspot('c', 45.764, 4.8357, 'FR', { capability: 'data_only', interactive: false, scale: null, pocCount: 0, latestRewards: 7n }),
      hotspot('d', 52.52, 13.405, 'DE', { scale: 1 }),
      hotspot('e', 40.7128, -74.006, 'US', { region: 'US915' }),
      // Not filled in yet: in no country.
      hotspot('f', 50.85, 4.35, null),
    ]);
    expect([...countries.keys()].sort()).toEqual(['DE', 'FR', 'US']);
    expect(countries.get('FR')).toEqual({
      code: 'FR',
      regions: ['EU868'],
      hotspotCount: 3,
      dataOnlyCount: 1,
      interactiveCount: 1,
      hexCount: 2,
      // Only interactive hotspots' scales count, as in the hexes.
      meanTransmitScale: 0.5,
      pocCount: 2,
      rewardedCount: 2,
      totalRewards: '17',
      meanRewards: '5',
      bbox: expect.any(Array),
    });
    // West, south, east, north of the cell centres (a res-12 centre is within metres of the point).
    countries.get('FR')!.bbox!.forEach((deg, i) => expect(deg).toBeCloseTo([2.3522, 45.764, 4.8357, 48.8567][i]!, 3));
    expect(countries.get('US')?.regions).toEqual(['US915']);
  });

  it("boxes a country's hotspots across the antimeridian the short way round", () => {
    const fiji = aggregateCountries([hotspot('a', -16.5, 179.9999, 'FJ'), hotspot('b', -16.6, -179.995, 'FJ')]).get('FJ')!;
    const [west, , east] = fiji.bbox!;
    // West of 180 to east of it: half a kilometre, not the world between.
    expect(west).toBeGreaterThan(179.99);
    expect(east).toBeLessThan(-179.99);
  });

  it('leaves the reward figures null while no epoch is paid', () => {
    const fr = aggregateCountries([hotspot('a', 48.8566, 2.3522, 'FR', { latestRewards: null })]).get('FR');
    expect([fr?.totalRewards, fr?.meanRewards, fr?.rewardedCount]).toEqual([null, null, 0]);
    expect(emptyCountry('IS', false).totalRewards).toBeNull();
    expect(emptyCountry('IS', true)).toMatchObject({ totalRewards: '0', meanRewards: null, hotspotCount: 0, bbox: null });
  });

  it('adds up to what the hexes count, at any resolution', () => {
    const random = seededRandom(17);
    const codes = ['FR', 'DE', 'US', 'ZZ'];
    const hotspots = Array.from({ length: 400 }, (_, i) =>
      hotspot(`h${i}`, 40 + random.next() * 10, random.next() * 10, codes[i % codes.length]!, {
        interactive: random.next() < 0.6,
        pocCount: Math.floor(random.next() * 5),
        latestRewards: BigInt(Math.floor(random.next() * 3) * 1000),
      }),
    );
    const countries = [...aggregateCountries(hotspots).values()];
    const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
    for (const res of [4, 8]) {
      const hexes = [...aggregateHexes(hotspots, res).values()];
      expect(sum(countries.map((c) => c.hotspotCount))).toBe(sum(hexes.map((h) => h.hotspotCount)));
      expect(sum(countries.map((c) => c.interactiveCount))).toBe(sum(hexes.map((h) => h.interactiveCount)));
      expect(sum(countries.map((c) => c.pocCount))).toBe(sum(hexes.map((h) => h.pocCount)));
      expect(sum(countries.map((c) => c.rewardedCount))).toBe(sum(hexes.map((h) => h.rewardedCount)));
    }
    expect(sum(countries.map((c) => c.hexCount))).toBeGreaterThanOrEqual(aggregateHexes(hotspots, 8).size);
  });

  it('orders by the chosen figure, largest first, ties by code', () => {
    const countries = aggregateCountries([
      hotspot('a', 48.85, 2.35, 'FR', { latestRewards: 1n }),
      hotspot('b', 48.86, 2.36, 'FR', { interactive: false, latestRewards: 1n }),
      hotspot('c', 52.52, 13.4, 'DE', { latestRewards: 50n }),
      hotspot('d', 40.71, -74.0, 'US', { latestRewards: 0n }),
      hotspot('e', 40.72, -74.0, 'US', { latestRewards: 0n }),
    ]).values();
    const all = [...countries];
    expect(sortCountries(all, 'hotspots').map((c) => c.code)).toEqual(['FR', 'US', 'DE']);
    expect(sortCountries(all, 'interactive').map((c) => c.code)).toEqual(['US', 'DE', 'FR']);
    expect(sortCountries(all, 'rewarded').map((c) => c.code)).toEqual(['FR', 'DE', 'US']);
    expect(sortCountries(all, 'rewards').map((c) => c.code)).toEqual(['DE', 'FR', 'US']);
    expect(sortCountries(all, 'code').map((c) => c.code)).toEqual(['DE', 'FR', 'US']);
  });
});
