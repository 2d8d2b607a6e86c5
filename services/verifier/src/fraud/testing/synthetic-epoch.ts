/**
 * A synthetic epoch for testing the analytics without a database: hotspots placed like a real
 * deployment (dense core, suburbs, villages, farms), a channel like the simulator's (log-distance
 * exponent by environment, shadowing fixed per link, fading per packet, never above free space,
 * SF12 sensitivity), four beacons per hotspot, every report judged from the *asserted* locations
 * as the verifier does, and labelled cheaters behaving as firmware-sim's do.
 */
import { latLngToAssertedCell } from '@cov/shared/geo/h3-cells';
import { freeSpacePathLossDb, logDistancePathLossDb } from '@cov/shared/rf/path-loss';
import type { EdgeEvidence, EpochEvidence, FraudKind, HotspotReportCounts } from '../epoch-evidence';

export type SyntheticKind = FraudKind | 'rssi_too_strong' | 'rssi_on_model';

interface Spot {
  lat: number;
  lng: number;
}

interface Hotspot {
  address: string;
  truePosition: Spot;
  asserted: Spot;
  cell: string;
  gainDbiX10: number;
  lossDb: number;
  exponent: number;
  label: SyntheticKind | null;
  ring?: number;
}

export interface SyntheticOptions {
  seed: number;
  core: number;
  suburbs: number;
  villages: number;
  villageSize: number;
  spoofers: number;
  rings: number[];
  tooStrong: number;
  onModel: number;
  replayers: number;
  spammers: number;
  clockSkewed: number;
  beaconsPerHotspot: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = {
  seed: 7,
  core: 140,
  suburbs: 100,
  villages: 6,
  villageSize: 5,
  spoofers: 6,
  rings: [3, 4, 5],
  tooStrong: 3,
  onModel: 3,
  replayers: 3,
  spammers: 3,
  clockSkewed: 3,
  beaconsPerHotspot: 4,
};

const CENTRE: Spot = { lat: 48.137, lng: 11.575 };
const FREQUENCY_HZ = 868_100_000;
const MAX_EIRP_DBM = 16.1;
const SENSITIVITY_DBM = -137;
const FADING_DB = 1.5;

/** Deterministic PRNG (mulberry32) with normal draws. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }
  normal(mean = 0, sd = 1): number {
    const u = Math.max(1e-12, this.next());
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

function offset(from: Spot, distanceKm: number, bearingDeg: number): Spot {
  const b = (bearingDeg * Math.PI) / 180;
  return {
    lat: from.lat + (distanceKm * Math.cos(b)) / 111.32,
    lng: from.lng + (distanceKm * Math.sin(b)) / (111.32 * Math.cos((from.lat * Math.PI) / 180)),
  };
}

function distanceM(a: Spot, b: Spot): number {
  const x = (b.lng - a.lng) * Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180)) * 111_320;
  const y = (b.lat - a.lat) * 111_320;
  return Math.hypot(x, y);
}

const cellOf = (s: Spot): string => {
  const r = latLngToAssertedCell(s.lat, s.lng);
  if (!r.ok) throw r.error;
  return r.value;
};

interface Observation {
  beaconer: Hotspot;
  witness: Hotspot;
  pathLossDb: number;
  distanceM: number;
  badRssi: boolean;
}

export interface SyntheticEpoch {
  evidence: EpochEvidence;
  labels: Map<string, SyntheticKind | null>;
  rings: string[][];
}

export function syntheticEpoch(overrides: Partial<SyntheticOptions> = {}): SyntheticEpoch {
  const o = { ...DEFAULT_SYNTHETIC, ...overrides };
  const rng = new Rng(o.seed);
  const hotspots: Hotspot[] = [];
  const make = (position: Spot, exponent: number): Hotspot => {
    const h: Hotspot = {
      address: `h${String(hotspots.length).padStart(4, '0')}`,
      truePosition: position,
      asserted: position,
      cell: cellOf(position),
      gainDbiX10: Math.round(rng.uniform(12, 90)),
      lossDb: rng.uniform(0.5, 3) + (rng.next() < 0.3 ? rng.uniform(4, 10) : 0),
      exponent,
      label: null,
    };
    hotspots.push(h);
    return h;
  };
  for (let i = 0; i < o.core; i++) make(offset(CENTRE, Math.sqrt(rng.next()) * 4, rng.uniform(0, 360)), 3.6 - rng.uniform(0, 0.4));
  for (let i = 0; i < o.suburbs; i++) make(offset(CENTRE, rng.uniform(4, 14), rng.uniform(0, 360)), 3.3 - rng.uniform(0, 0.3));
  for (let v = 0; v < o.villages; v++) {
    const village = offset(CENTRE, rng.uniform(18, 35), (360 / o.villages) * v);
    for (let i = 0; i < o.villageSize; i++) make(offset(village, rng.uniform(0.4, 1.5), rng.uniform(0, 360)), 3.0);
  }
  const honestPool = [...hotspots];
  let next = 0;
  const take = (): Hotspot => honestPool[(next = (next + 37) % honestPool.length)]!;
  const labelled = (kind: SyntheticKind): Hotspot => {
    let h = take();
    while (h.label !== null) h = take();
    h.label = kind;
    return h;
  };

  for (let i = 0; i < o.spoofers; i++) {
    const h = labelled('location_spoofer');
    h.asserted = offset(h.truePosition, rng.uniform(15, 60), rng.uniform(0, 360));
    h.cell = cellOf(h.asserted);
  }
  const rings: string[][] = [];
  o.rings.forEach((size, r) => {
    const farm = offset(CENTRE, rng.uniform(25, 40), rng.uniform(0, 360));
    const centre = offset(farm, rng.uniform(20, 40), rng.uniform(0, 360));
    const members: string[] = [];
    for (let k = 0; k < size; k++) {
      const h = make(offset(farm, rng.uniform(0.002, 0.03), rng.uniform(0, 360)), 3.0);
      h.label = 'gaming_ring';
      h.ring = r;
      h.asserted = offset(centre, rng.uniform(1.2, 4), (360 / size) * k + rng.uniform(-20, 20));
      h.cell = cellOf(h.asserted);
      members.push(h.address);
    }
    // An honest farm or two near the ring's hardware hears its real beacons.
    make(offset(farm, rng.uniform(1, 3), rng.uniform(0, 360)), 3.0);
    rings.push(members);
  });
  for (let i = 0; i < o.tooStrong; i++) labelled('rssi_too_strong');
  for (let i = 0; i < o.onModel; i++) labelled('rssi_on_model');

  const shadowing = new Map<string, number>();
  const linkShadowDb = (a: Hotspot, b: Hotspot): number => {
    const key = a.address < b.address ? `${a.address}|${b.address}` : `${b.address}|${a.address}`;
    let s = shadowing.get(key);
    if (s === undefined) shadowing.set(key, (s = rng.normal(0, 7)));
    return s;
  };
  const gainDbi = (h: Hotspot) => h.gainDbiX10 / 10;
  const txPowerDbm = (h: Hotspot) => Math.trunc(MAX_EIRP_DBM - Math.trunc(h.gainDbiX10 / 10));
  const boundDbm = (b: Hotspot, w: Hotspot, d: number) => txPowerDbm(b) + Math.trunc(b.gainDbiX10 / 10) + Math.trunc(w.gainDbiX10 / 10) - freeSpacePathLossDb(d, FREQUENCY_HZ);

  const observations: Observation[] = [];
  const report = (b: Hotspot, w: Hotspot, rssiDbm: number) => {
    const d = distanceM(b.asserted, w.asserted);
    if (d < 400 || d > 100_000) return; // below_min_distance / max_distance_exceeded: no RF evidence
    const bound = boundDbm(b, w, d);
    observations.push({ beaconer: b, witness: w, distanceM: d, pathLossDb: bound - rssiDbm + 20 * Math.log10(d), badRssi: rssiDbm > bound });
  };

  for (const b of hotspots) {
    for (let beacon = 0; beacon < o.beaconsPerHotspot; beacon++) {
      for (const w of hotspots) {
        if (w === b) continue;
        if (b.ring !== undefined && w.ring === b.ring) {
          // Invented: a textbook curve from the asserted geometry plus noise, kept within the checks.
          const d = Math.max(1, distanceM(b.asserted, w.asserted));
          const model = txPowerDbm(b) + gainDbi(b) + gainDbi(w) - logDistancePathLossDb(d, FREQUENCY_HZ, 3);
          const rssi = Math.floor(Math.max(SENSITIVITY_DBM + 2, Math.min(boundDbm(b, w, d) - 1, model + rng.normal(0, 4))));
          report(b, w, rssi);
          continue;
        }
        if (w.ring !== undefined) continue; // ring members report only what they invent
        const dTrue = Math.max(1, distanceM(b.truePosition, w.truePosition));
        const exponent = (b.exponent + w.exponent) / 2;
        const pathLoss = Math.max(freeSpacePathLossDb(dTrue, FREQUENCY_HZ), logDistancePathLossDb(dTrue, FREQUENCY_HZ, exponent) + linkShadowDb(b, w) + rng.normal(0, FADING_DB));
        const received = txPowerDbm(b) + gainDbi(b) - b.lossDb - pathLoss + gainDbi(w) - w.lossDb;
        if (received < SENSITIVITY_DBM) continue;
        const dAsserted = Math.max(1, distanceM(b.asserted, w.asserted));
        let rssi = Math.round(received);
        if (w.label === 'rssi_too_strong') rssi = Math.ceil(boundDbm(b, w, dAsserted) + rng.uniform(2, 12));
        else if (w.label === 'rssi_on_model') rssi = Math.round(txPowerDbm(b) + gainDbi(b) + gainDbi(w) - logDistancePathLossDb(dAsserted, FREQUENCY_HZ, 2.8));
        report(b, w, rssi);
      }
    }
  }

  const edges = new Map<string, { b: Hotspot; w: Hotspot; values: number[]; d: number; bad: number }>();
  for (const ob of observations) {
    const key = `${ob.beaconer.address}>${ob.witness.address}`;
    const e = edges.get(key) ?? { b: ob.beaconer, w: ob.witness, values: [], d: ob.distanceM, bad: 0 };
    e.values.push(ob.pathLossDb);
    if (ob.badRssi) e.bad++;
    edges.set(key, e);
  }
  const edgeEvidence: EdgeEvidence[] = [...edges.values()].map((e) => {
    const mean = e.values.reduce((s, v) => s + v, 0) / e.values.length;
    return {
      beaconer: e.b.address,
      witness: e.w.address,
      count: e.values.length,
      meanPathLossDb: mean,
      sumSquaredDeviationDb2: e.values.reduce((s, v) => s + (v - mean) ** 2, 0),
      distanceM: e.d,
      badRssiCount: e.bad,
      beaconerCell: e.b.cell,
      witnessCell: e.w.cell,
    };
  });

  const counts: HotspotReportCounts[] = hotspots.map((h) => ({
    address: h.address,
    beacons: o.beaconsPerHotspot,
    extraBeacons: 0,
    repeatedBeacons: 0,
    duplicateWitnesses: rng.next() < 0.05 ? 1 : 0, // honest network retries
    repeatedWitnesses: 0,
    medianClockOffsetMs: -Math.round(rng.uniform(50, 3000)),
    clockSamples: o.beaconsPerHotspot,
  }));
  const honestCounts = counts.filter((c) => hotspots.find((h) => h.address === c.address)!.label === null);
  const relabel = (n: number, kind: SyntheticKind, change: (c: HotspotReportCounts) => void) => {
    for (let i = 0; i < n; i++) {
      const c = honestCounts[(i * 53 + 11 + kind.length * 7) % honestCounts.length]!;
      const h = hotspots.find((x) => x.address === c.address)!;
      if (h.label !== null) continue;
      h.label = kind;
      change(c);
    }
  };
  relabel(o.replayers, 'replayer', (c) => {
    c.repeatedBeacons = 2;
    c.repeatedWitnesses = Math.round(rng.uniform(3, 12));
  });
  relabel(o.spammers, 'beacon_spammer', (c) => {
    c.extraBeacons = Math.round(rng.uniform(4, 12));
    c.beacons += c.extraBeacons;
  });
  relabel(o.clockSkewed, 'clock_skew', (c) => {
    c.medianClockOffsetMs = (rng.next() < 0.5 ? -1 : 1) * Math.round(rng.uniform(120_000, 6 * 3_600_000));
  });

  return { evidence: { epoch: 1, edges: edgeEvidence, counts }, labels: new Map(hotspots.map((h) => [h.address, h.label])), rings };
}

/** The flag kind a labelled cheater should get. */
export function expectedFlagKind(label: SyntheticKind): FraudKind {
  return label === 'rssi_too_strong' || label === 'rssi_on_model' ? 'fabricated_rssi' : label;
}
