/**
 * Per-country figures, computed from the coverage snapshot's hotspots: the same rows, interactive
 * rule, transmit scales and latest-epoch totals the hexes and the map show, so a country's counts
 * equal the sums over its hexes (the old explorers' city and country rankings disagreed with their
 * maps because each was counted by its own job).
 */
import { cellToParent } from 'h3-js';
import type { HotspotCoverage } from '../coverage/coverage-snapshot';
import { extentOf } from '../coverage/extent';

/** The resolution hexes are counted at: Helium's public, coarse location (about 0.74 km²). */
export const COUNTRY_HEX_RES = 8;

export interface CountryAggregate {
  code: string;
  /** LoRaWAN regional plans its hotspots use, sorted (one for most countries). */
  regions: string[];
  hotspotCount: number;
  dataOnlyCount: number;
  interactiveCount: number;
  /** Distinct res-8 hexes its hotspots stand in. */
  hexCount: number;
  /** Mean transmit scale of its interactive hotspots with a scale (null if none), as the hexes compute it. */
  meanTransmitScale: number | null;
  pocCount: number;
  rewardedCount: number;
  /** What the latest paid epoch paid its hotspots (token base units); null while no epoch is paid. */
  totalRewards: string | null;
  /** That total over all its hotspots, paid or not (rounded down); null while no epoch is paid. */
  meanRewards: string | null;
  /**
   * [west, south, east, north] of its hotspots' cell centres: where a map zooms to show them; west >
   * east when the box crosses the antimeridian (Fiji), as GET /v1/coverage/extent gives it. null without hotspots.
   */
  bbox: [number, number, number, number] | null;
}

interface Tally {
  regions: Set<string>;
  hotspots: number;
  dataOnly: number;
  interactive: number;
  hexes: Set<string>;
  scaleSum: number;
  scaled: number;
  pocs: number;
  rewarded: number;
  rewardsTotal: bigint | null;
  members: HotspotCoverage[];
}

export function aggregateCountries(hotspots: readonly HotspotCoverage[]): Map<string, CountryAggregate> {
  const tallies = new Map<string, Tally>();
  for (const h of hotspots) {
    if (h.countryCode === null) continue;
    let t = tallies.get(h.countryCode);
    if (!t) tallies.set(h.countryCode, (t = { regions: new Set(), hotspots: 0, dataOnly: 0, interactive: 0, hexes: new Set(), scaleSum: 0, scaled: 0, pocs: 0, rewarded: 0, rewardsTotal: null, members: [] }));
    t.regions.add(h.region);
    t.hotspots++;
    if (h.capability === 'data_only') t.dataOnly++;
    if (h.interactive) {
      t.interactive++;
      if (h.scale !== null) {
        t.scaleSum += h.scale;
        t.scaled++;
      }
    }
    t.hexes.add(cellToParent(h.cell, COUNTRY_HEX_RES));
    t.pocs += h.pocCount;
    if (h.latestRewards !== null) {
      t.rewardsTotal = (t.rewardsTotal ?? 0n) + h.latestRewards;
      if (h.latestRewards > 0n) t.rewarded++;
    }
    t.members.push(h);
  }
  const out = new Map<string, CountryAggregate>();
  for (const [code, t] of tallies) {
    out.set(code, {
      code,
      regions: [...t.regions].sort(),
      hotspotCount: t.hotspots,
      dataOnlyCount: t.dataOnly,
      interactiveCount: t.interactive,
      hexCount: t.hexes.size,
      meanTransmitScale: t.scaled ? Math.round((t.scaleSum / t.scaled) * 10_000) / 10_000 : null,
      pocCount: t.pocs,
      rewardedCount: t.rewarded,
      totalRewards: t.rewardsTotal === null ? null : t.rewardsTotal.toString(),
      meanRewards: t.rewardsTotal === null ? null : (t.rewardsTotal / BigInt(t.hotspots)).toString(),
      bbox: extentOf(t.members),
    });
  }
  return out;
}

/** An empty country: what a page of a country without located hotspots shows. */
export function emptyCountry(code: string, rewardsPaid: boolean): CountryAggregate {
  return {
    code,
    regions: [],
    hotspotCount: 0,
    dataOnlyCount: 0,
    interactiveCount: 0,
    hexCount: 0,
    meanTransmitScale: null,
    pocCount: 0,
    rewardedCount: 0,
    totalRewards: rewardsPaid ? '0' : null,
    meanRewards: null,
    bbox: null,
  };
}

export type CountryOrder = 'hotspots' | 'interactive' | 'rewarded' | 'rewards' | 'code';

/** Largest first by the chosen figure (code: A to Z), ties by code, so the order is total and stable. */
export function sortCountries(countries: Iterable<CountryAggregate>, order: CountryOrder): CountryAggregate[] {
  const key = (c: CountryAggregate): bigint => {
    switch (order) {
      case 'hotspots':
        return BigInt(c.hotspotCount);
      case 'interactive':
        return BigInt(c.interactiveCount);
      case 'rewarded':
        return BigInt(c.rewardedCount);
      case 'rewards':
        return BigInt(c.totalRewards ?? '0');
      case 'code':
        return 0n;
    }
  };
  return [...countries].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka > kb ? -1 : 1;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}
