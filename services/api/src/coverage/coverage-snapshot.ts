/**
 * The one coverage aggregation. Every analyst view (hex lists in a bbox or polygon, the map page,
 * hex details, "is this point covered") reads the same snapshot, and its transmit scales come from
 * the same density computation and interactive-hotspot rule the rewarder pays with, so counts never
 * disagree between them.
 *
 * Per hotspot it holds: asserted res-12 cell, capability, whether it is interactive, its transmit
 * scale, valid PoCs and witness RSSI of its beacons over the interactivity window, and what the
 * latest paid epoch paid it (the old explorer's earnings layer; network-explorer's rewarded count).
 * Per hex (any res 4-10) the aggregates are computed from those on demand and cached until the next
 * snapshot.
 * A snapshot is rebuilt when older than its time-to-live, so heavy map traffic costs a handful of
 * queries a minute, not one per request.
 */
import { cellToLatLng, cellToParent } from 'h3-js';
import type { Clock } from '@cov/shared/clock';
import type { Database } from '@cov/shared/db/client';
import { computeHexDensity, HIP104_HEX_DENSITY_PARAMS, type HexDensityMap } from '@cov/shared/rewards/hex-density';
import { INTERACTIVITY_WINDOW_MS, interactiveHotspotsAt } from '@cov/shared/coverage/interactive-hotspots';
import { epochTotals, latestPaidEpoch } from '@cov/shared/earnings/epoch-totals';
import { shownTransmitScale } from './poc-eligibility';
import { aggregateCountries, type CountryAggregate } from '../countries/country-aggregates';
import type { DensityInput } from './siting-estimate';

export interface HotspotCoverage {
  address: string;
  cell: string;
  lat: number;
  lng: number;
  capability: 'full' | 'data_only';
  /** LoRaWAN regional plan of its location. */
  region: string;
  /** ISO 3166-1 alpha-2 code of its country (country-codes.ts); null until the API fills in a row located before countries were kept. */
  countryCode: string | null;
  /** Asserted antenna gain, dBi (what "is this point covered" estimates with). */
  gainDbi: number;
  interactive: boolean;
  /**
   * Transmit scale the density rule gives it now (0.2 default when not interactive); null for a
   * data-only hotspot, which takes no part in proof-of-coverage (poc-eligibility.ts).
   */
  scale: number | null;
  pocCount: number;
  bestRssiDbm: number | null;
  medianRssiDbm: number | null;
  /** Its total (beacon + witness + data) in the latest paid epoch: 0 when paid nothing; null while no epoch is paid. */
  latestRewards: bigint | null;
}

export interface HexAggregate {
  h3: string;
  res: number;
  lat: number;
  lng: number;
  hotspotCount: number;
  interactiveCount: number;
  /** Mean transmit scale of the hex's interactive hotspots with a scale (null if none). */
  meanTransmitScale: number | null;
  /** Strongest valid witness RSSI of any beacon from the hex. */
  bestRssiDbm: number | null;
  /** Median over the hex's hotspots of the median witness RSSI of their beacons. */
  medianRssiDbm: number | null;
  pocCount: number;
  /** Hotspots of the hex paid something in the latest paid epoch. */
  rewardedCount: number;
  /** Mean latest-epoch total over all the hex's hotspots, paid or not (token base units, rounded down); null while no epoch is paid. */
  meanRewards: string | null;
}

export interface Snapshot {
  builtAtMs: number;
  /** The latest paid epoch, whose rewards the hexes show; null while none is. */
  rewardsEpoch: number | null;
  hotspots: HotspotCoverage[];
  density: HexDensityMap | undefined;
  /** What `density` was computed from: each interactive hotspot counted, with the cell counted (siting estimates recount a neighbourhood of them). */
  densityInputs: readonly DensityInput[];
  /** One hotspot's coverage by address (status reads look up a page of hotspots at a time). */
  hotspot(address: string): HotspotCoverage | undefined;
  hexes(res: number): Map<string, HexAggregate>;
  /** Per country code, from the same hotspots as the hexes (a hotspot without a country yet is in none). */
  countries(): Map<string, CountryAggregate>;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export function aggregateHexes(hotspots: readonly HotspotCoverage[], res: number): Map<string, HexAggregate> {
  const groups = new Map<string, HotspotCoverage[]>();
  for (const h of hotspots) {
    const parent = cellToParent(h.cell, res);
    const list = groups.get(parent);
    if (list) list.push(h);
    else groups.set(parent, [h]);
  }
  const out = new Map<string, HexAggregate>();
  for (const [h3, members] of groups) {
    const interactive = members.filter((m) => m.interactive);
    const scales = interactive.flatMap((m) => (m.scale === null ? [] : [m.scale]));
    const [lat, lng] = cellToLatLng(h3);
    const rssi = members.flatMap((m) => (m.bestRssiDbm === null ? [] : [m.bestRssiDbm]));
    const medians = members.flatMap((m) => (m.medianRssiDbm === null ? [] : [m.medianRssiDbm]));
    const paid = members.flatMap((m) => (m.latestRewards === null ? [] : [m.latestRewards]));
    out.set(h3, {
      h3,
      res,
      lat,
      lng,
      hotspotCount: members.length,
      interactiveCount: interactive.length,
      meanTransmitScale: scales.length ? Math.round((scales.reduce((s, x) => s + x, 0) / scales.length) * 10_000) / 10_000 : null,
      bestRssiDbm: rssi.length ? Math.max(...rssi) : null,
      medianRssiDbm: median(medians),
      pocCount: members.reduce((s, m) => s + m.pocCount, 0),
      rewardedCount: paid.filter((r) => r > 0n).length,
      meanRewards: paid.length ? (paid.reduce((s, r) => s + r, 0n) / BigInt(members.length)).toString() : null,
    });
  }
  return out;
}

export class CoverageSnapshots {
  private current: Snapshot | undefined;
  private building: Promise<Snapshot> | undefined;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly epochLengthMs: number,
    private readonly ttlMs: number,
    /** The settings' FRAUD_POLICY: under `exclude` flagged hotspots count as the rewarder counts them, not at all. */
    private readonly fraudPolicy: 'exclude' | 'downgrade' | 'ignore' = 'ignore',
  ) {}

  /** The current snapshot, rebuilt (once, however many callers wait) when older than the TTL. */
  async get(): Promise<Snapshot> {
    const now = this.clock.nowMs();
    if (this.current && now - this.current.builtAtMs < this.ttlMs) return this.current;
    this.building ??= this.build(now).finally(() => {
      this.building = undefined;
    });
    this.current = await this.building;
    return this.current;
  }

  /**
   * Hotspots fraud analytics flagged in the latest epoch they have analysed (the verifier's
   * `fraud_analysis` cursor is that epoch's end). The rewarder leaves an epoch's flagged hotspots out
   * of its density map and its interactive count under `exclude`; the live view does the same with
   * the latest flags there are, so the scales it shows neighbours are the ones they are paid at, and
   * a cheater's claimed coverage covers no point.
   */
  private async flaggedInLatestAnalysedEpoch(): Promise<Set<string>> {
    const rows = await this.database.sql<{ address: string }[]>`
      select distinct f.hotspot_address as address
      from fraud_flags f, verifier_cursors c
      where c.name = 'fraud_analysis' and f.epoch = floor((c.value_ms - 1) / ${this.epochLengthMs})`;
    return new Set(rows.map((r) => r.address));
  }

  /**
   * What the latest paid epoch paid each of these hotspots (0 when nothing; null while no epoch is
   * paid). A snapshot of the same epoch as the last one takes the last one's figures and reads only
   * hotspots new to it: the epoch's rows are read whole once a day, not every 30 s, and no second
   * copy of them is kept beside the snapshot (a map of 400,000 addresses to amounts measured 97 MB).
   */
  private async latestRewards(addresses: readonly string[]): Promise<{ epoch: number | null; of: (address: string) => bigint | null }> {
    const epoch = await latestPaidEpoch(this.database.sql);
    if (epoch === null) return { epoch, of: () => null };
    const previous = this.current?.rewardsEpoch === epoch ? this.current : undefined;
    const read = await epochTotals(this.database.sql, epoch, previous ? addresses.filter((a) => !previous.hotspot(a)) : undefined);
    return { epoch, of: (a) => read.get(a) ?? previous?.hotspot(a)?.latestRewards ?? 0n };
  }

  private async build(nowMs: number): Promise<Snapshot> {
    const { sql } = this.database;
    const fromMs = nowMs - INTERACTIVITY_WINDOW_MS;
    const [asserted, interactiveNow, pocs] = await Promise.all([
      sql<{ address: string; cell: string; capability: 'full' | 'data_only'; region: string; countryCode: string | null; gainDbiX10: number | null }[]>`
        select address, location_cell as cell, capability, region, country_code as "countryCode", gain_dbi_x10 as "gainDbiX10"
        from hotspots where location_cell is not null`,
      interactiveHotspotsAt(sql, nowMs, INTERACTIVITY_WINDOW_MS, this.epochLengthMs),
      sql<{ address: string; pocs: number; best: number | null; median: number | null }[]>`
        select b.hotspot_address as address, count(distinct b.beacon_id)::int as pocs,
               max(w.signal_dbm_x10)::int as best,
               percentile_cont(0.5) within group (order by w.signal_dbm_x10) as median
        from beacon_verdicts b
        left join witness_verdicts w on w.beacon_id = b.beacon_id and w.valid
        where b.valid and b.received_at_ms >= ${fromMs} and b.received_at_ms < ${nowMs}
        group by b.hotspot_address`,
    ]);
    const paid = await this.latestRewards(asserted.map((h) => h.address));
    const excluded = this.fraudPolicy === 'exclude' ? await this.flaggedInLatestAnalysedEpoch() : new Set<string>();
    const interactive = interactiveNow.filter((h) => !excluded.has(h.address));
    const density = interactive.length ? computeHexDensity(interactive.map((h) => h.cell), HIP104_HEX_DENSITY_PARAMS) : undefined;
    const densityMap = density?.ok ? density.value : undefined;
    const interactiveSet = new Set(interactive.map((h) => h.address));
    const interactiveCell = new Map(interactive.map((h) => [h.address, h.cell]));
    const pocBy = new Map(pocs.map((p) => [p.address, p]));
    const hotspots: HotspotCoverage[] = asserted.map((h) => {
      const [lat, lng] = cellToLatLng(h.cell);
      const p = pocBy.get(h.address);
      const isInteractive = interactiveSet.has(h.address);
      const scaleCell = interactiveCell.get(h.address) ?? h.cell;
      return {
        address: h.address,
        cell: h.cell,
        lat,
        lng,
        capability: h.capability,
        region: h.region,
        countryCode: h.countryCode,
        gainDbi: (h.gainDbiX10 ?? 0) / 10,
        interactive: isInteractive,
        scale: shownTransmitScale(h.capability, densityMap && isInteractive ? densityMap.scaleOf(scaleCell).scale : HIP104_HEX_DENSITY_PARAMS.defaultScaleE4 / 10_000),
        pocCount: p?.pocs ?? 0,
        bestRssiDbm: p?.best != null ? p.best / 10 : null,
        medianRssiDbm: p?.median != null ? Math.round(Number(p.median)) / 10 : null,
        latestRewards: paid.of(h.address),
      };
    });
    const byRes = new Map<number, Map<string, HexAggregate>>();
    let countries: Map<string, CountryAggregate> | undefined;
    const byAddress = new Map(hotspots.map((h) => [h.address, h]));
    return {
      builtAtMs: nowMs,
      rewardsEpoch: paid.epoch,
      hotspots,
      density: densityMap,
      densityInputs: interactive.map((h) => ({ address: h.address, cell: h.cell })),
      hotspot: (address) => byAddress.get(address),
      hexes(res: number) {
        let m = byRes.get(res);
        if (!m) byRes.set(res, (m = aggregateHexes(hotspots, res)));
        return m;
      },
      countries: () => (countries ??= aggregateCountries(hotspots)),
    };
  }
}
