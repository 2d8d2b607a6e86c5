/** The public shapes of countries: a hotspot's country, and a country's figures. */
import { Type, type Static } from 'typebox';
import { countryName } from '@cov/shared/location-region/country-codes';
import type { CountryAggregate } from './country-aggregates';

export const CountryRef = Type.Object({
  code: Type.String({ description: 'ISO 3166-1 alpha-2 code; XK for Kosovo, ZZ for an area the country outlines give no ISO code (Somaliland, N. Cyprus, ...).' }),
  name: Type.String({ description: 'English short name (ISO 3166).' }),
});
export type CountryRef = Static<typeof CountryRef>;

export const countryRef = (code: string): CountryRef => ({ code, name: countryName(code) });

export const CountryView = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    regions: Type.Array(Type.String(), { description: 'LoRaWAN regional plans its hotspots use.' }),
    hotspotCount: Type.Integer({ description: 'Hotspots with an asserted location in the country (data-only ones included).' }),
    dataOnlyCount: Type.Integer(),
    interactiveCount: Type.Integer({ description: 'Of those, hotspots with a valid beacon that had a valid witness in the interactivity window (HIP-17), as the hexes count them.' }),
    hexCount: Type.Integer({ description: 'Distinct H3 res-8 hexes its hotspots stand in.' }),
    meanTransmitScale: Type.Union([Type.Number(), Type.Null()], { description: 'Mean transmit scale of its interactive hotspots; null when none.' }),
    pocCount: Type.Integer({ description: 'Valid beacons from the country in the interactivity window.' }),
    rewardedCount: Type.Integer({ description: 'Hotspots paid something in the latest paid epoch (rewardsEpoch).' }),
    totalRewards: Type.Union([Type.String({ pattern: '^[0-9]+$' }), Type.Null()], { description: 'What the latest paid epoch paid its hotspots, token base units; null while no epoch is paid.' }),
    meanRewards: Type.Union([Type.String({ pattern: '^[0-9]+$' }), Type.Null()], {
      description: 'totalRewards over all its hotspots, those paid nothing counted as 0, rounded down; null while no epoch is paid or without hotspots.',
    }),
    bbox: Type.Union([Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]), Type.Null()], {
      description: '[west, south, east, north] of its hotspots (cell centres): where a map zooms to; null without hotspots.',
    }),
  },
  { $id: 'Country' },
);
export type CountryView = Static<typeof CountryView>;

export const toCountryView = (c: CountryAggregate): CountryView => ({ ...c, name: countryName(c.code) });

export const COUNTRY_CSV_HEADER = [
  'code', 'name', 'regions', 'hotspots', 'data_only', 'interactive', 'hexes_res8', 'mean_transmit_scale', 'pocs', 'rewarded', 'total_rewards', 'mean_rewards', 'west', 'south', 'east', 'north',
] as const;

export const countryCsvRow = (c: CountryView): unknown[] => [
  c.code, c.name, c.regions.join(' '), c.hotspotCount, c.dataOnlyCount, c.interactiveCount, c.hexCount, c.meanTransmitScale, c.pocCount, c.rewardedCount, c.totalRewards, c.meanRewards, ...(c.bbox ?? [null, null, null, null]),
];
