import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { RegionLookup, countryAt } from './region-lookup';

describe('region lookup from the bundled country outlines', () => {
  const lookup = new RegionLookup(7);
  it.each([
    ['Paris', 48.8566, 2.3522, 'EU868'],
    ['lower Manhattan (waterfront, outside the smoothed outline)', 40.7075, -74.0113, 'US915'],
    ['Denver', 39.7392, -104.9903, 'US915'],
    ['Sydney', -33.8688, 151.2093, 'AU915'],
    ['São Paulo', -23.5505, -46.6333, 'AU915'],
    ['Tokyo', 35.6762, 139.6503, 'AS923_1'],
    ['Jakarta', -6.2088, 106.8456, 'AS923_2'],
    ['Manila', 14.5995, 120.9842, 'AS923_3'],
    ['Tel Aviv', 32.0853, 34.7818, 'AS923_4'],
    ['Seoul', 37.5665, 126.978, 'KR920'],
    ['Mumbai', 19.076, 72.8777, 'IN865'],
    ['Moscow', 55.7558, 37.6173, 'RU864'],
    ['Beijing', 39.9042, 116.4074, 'CN470'],
    ['Nairobi', -1.2921, 36.8219, 'EU868'],
  ])('%s -> %s', (_name, lat, lng, region) => {
    expect(lookup.regionAt(lat, lng)?.region).toBe(region);
  });

  it('finds no region in the open ocean', () => {
    expect(lookup.regionAt(35, -40)).toBeUndefined();
    expect(lookup.regionAt(-40, -120)).toBeUndefined();
  });

  it('caches a coarse cell only when the whole cell lies in one country', () => {
    const l = new RegionLookup(7);
    const cache = (l as unknown as { cache: Map<string, unknown> }).cache;
    l.regionAt(48.8566, 2.3522);
    expect(cache.has(latLngToCell(48.8566, 2.3522, 7))).toBe(true);
    // Strasbourg and Kehl face each other across the Rhine, inside one coarse res-3 cell.
    const coarse = new RegionLookup(3);
    const coarseCache = (coarse as unknown as { cache: Map<string, unknown> }).cache;
    expect(latLngToCell(48.5734, 7.7521, 3)).toBe(latLngToCell(48.5716, 7.8156, 3));
    expect(coarse.regionAt(48.5734, 7.7521)?.country).toBe('France');
    expect(coarseCache.has(latLngToCell(48.5734, 7.7521, 3))).toBe(false);
    expect(coarse.regionAt(48.5716, 7.8156)?.country).toBe('Germany');
    expect(countryAt(48.5716, 7.8156)?.name).toBe('Germany');
  });
});
