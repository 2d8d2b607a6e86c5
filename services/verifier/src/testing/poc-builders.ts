/**
 * Builders for verifier tests and the benchmark: registered hotspots, entropy rows and signed
 * beacon/witness report rows exactly as ingest stores them (Helium wire format, report ids from
 * helium/report-id), with beacons built by the shared beacon construction.
 */
import { createHash } from 'node:crypto';
import { beaconRegionPlanFrom, buildBeacon } from '@cov/shared/beacon/beacon';
import type { Db } from '@cov/shared/db/client';
import { entropyValues } from '@cov/shared/db/schema/entropy';
import { makers } from '@cov/shared/db/schema/makers';
import { beaconReports, witnessReports } from '@cov/shared/db/schema/reports';
import { latLngToAssertedCell, parentCell } from '@cov/shared/geo/h3-cells';
import type { DataRateName } from '@cov/shared/helium/data-rate';
import { keypairFromLabel, type Keypair } from '@cov/shared/helium/keys';
import { reportId } from '@cov/shared/helium/report-id';
import { encodeBeaconReport, encodeWitnessReport, signBeaconReport, signWitnessReport, timestampNsFromMs } from '@cov/shared/helium/reports';
import { linkBudget } from '@cov/shared/poc/witness-link-checks';
import { getRegionPlan, type RegionId } from '@cov/shared/regions/region-plan';
import { insertHotspot } from '@cov/shared/registry/hotspots-repository';

export type BeaconRow = typeof beaconReports.$inferInsert;
export type WitnessRow = typeof witnessReports.$inferInsert;

export interface TestHotspot {
  key: Keypair;
  address: string;
  cell: string | null;
  region: RegionId | null;
  gainDbiX10: number;
}

export async function insertTestMaker(db: Db, name = 'verifier-test-maker'): Promise<string> {
  const [row] = await db.insert(makers).values({ name, createdAt: new Date(0) }).returning({ id: makers.id });
  return row!.id;
}

/** Cell of a point `northKm` / `eastKm` away from (lat, lng), flat-earth approximation. */
export function cellNear(lat: number, lng: number, northKm: number, eastKm: number): string {
  const r = latLngToAssertedCell(lat + northKm / 111.32, lng + eastKm / (111.32 * Math.cos((lat * Math.PI) / 180)));
  if (!r.ok) throw r.error;
  return r.value;
}

export interface HotspotSpec {
  label: string;
  cell: string | null;
  region?: RegionId | null;
  gainDbiX10?: number;
  capability?: 'full' | 'data_only';
}

/** Registers a hotspot with its asserted location through the registry repository. */
export async function insertTestHotspot(db: Db, makerId: string, spec: HotspotSpec): Promise<TestHotspot> {
  const key = keypairFromLabel(spec.label);
  const region = spec.region === undefined ? (spec.cell ? 'EU868' : null) : spec.region;
  const gainDbiX10 = spec.gainDbiX10 ?? 12;
  const inserted = await insertHotspot(db, {
    address: key.address,
    publicKey: key.binaryKey,
    ownerAddress: keypairFromLabel(`${spec.label}/owner`).address,
    makerId,
    capability: spec.capability ?? 'full',
    gatewayEui: createHash('sha256').update(key.binaryKey).digest('hex').slice(0, 16).toUpperCase(),
    onboardedAt: new Date(0),
    ...(spec.cell ? { locationCell: spec.cell, locationCellRes8: parentCell(spec.cell, 8), gainDbiX10, elevationM: 5, region } : {}),
  });
  if (!inserted) throw new Error(`hotspot ${spec.label} already exists`);
  return { key, address: key.address, cell: spec.cell, region, gainDbiX10 };
}

export interface TestEntropy {
  data: Uint8Array;
  timestampSec: number;
  version: number;
}

export function testEntropy(label: string, timestampSec: number): TestEntropy {
  return { data: new Uint8Array(createHash('sha256').update(`entropy:${label}`).digest()), timestampSec, version: 0 };
}

export async function insertEntropy(db: Db, entropies: readonly TestEntropy[]): Promise<void> {
  await db.insert(entropyValues).values(entropies.map((e) => ({ ...e, signature: new Uint8Array(64) })));
}

export interface BeaconSpec {
  hotspot: Pick<TestHotspot, 'key'>;
  entropy: TestEntropy;
  receivedAtMs: number;
  region?: RegionId;
  localEntropy?: Uint8Array;
  txPowerDbm?: number;
  /** Alter the report after construction (e.g. a wrong frequency); it is signed afterwards. */
  tamper?: { frequencyHz?: number; datarate?: DataRateName };
  /** Skip ed25519 signing (benchmarks generating millions of rows; the verifier never reads it). */
  unsigned?: boolean;
}

export function beaconRow(spec: BeaconSpec): BeaconRow {
  const region = spec.region ?? 'EU868';
  const localEntropy = spec.localEntropy ?? new Uint8Array(createHash('sha256').update(`local:${spec.hotspot.key.address}:${spec.receivedAtMs}`).digest().subarray(0, 4));
  const built = buildBeacon({
    remoteEntropy: { data: spec.entropy.data, timestampSec: spec.entropy.timestampSec, version: spec.entropy.version },
    localEntropy: { data: localEntropy, timestampSec: 0 },
    region: beaconRegionPlanFrom(getRegionPlan(region)),
  });
  if (!built.ok) throw new Error(`cannot build beacon: ${built.error.code}`);
  const unsigned = {
    pubKeyBinary: spec.hotspot.key.binaryKey,
    localEntropy,
    remoteEntropy: spec.entropy.data,
    data: built.value.payload,
    frequencyHz: spec.tamper?.frequencyHz ?? built.value.frequencyHz,
    channel: 0,
    datarate: spec.tamper?.datarate ?? (built.value.dataRate as DataRateName),
    txPowerDbm: spec.txPowerDbm ?? 14,
    timestampNs: timestampNsFromMs(spec.receivedAtMs - 300),
    tmst: 1234,
  };
  const report = spec.unsigned ? { ...unsigned, signature: new Uint8Array(64) } : signBeaconReport(unsigned, spec.hotspot.key.secretKey);
  const encoded = encodeBeaconReport(report);
  return {
    id: reportId(encoded, spec.receivedAtMs, report.pubKeyBinary),
    hotspotAddress: spec.hotspot.key.address,
    receivedAtMs: spec.receivedAtMs,
    payload: report.data,
    localEntropy: report.localEntropy,
    remoteEntropy: report.remoteEntropy,
    frequencyHz: report.frequencyHz,
    channel: report.channel,
    dataRate: report.datarate,
    txPowerDbm: report.txPowerDbm,
    reportedTimestampNs: report.timestampNs,
    tmst: report.tmst,
    encoded,
  };
}

export interface WitnessSpec {
  hotspot: Pick<TestHotspot, 'key'>;
  beacon: Pick<BeaconRow, 'payload' | 'frequencyHz' | 'dataRate'>;
  receivedAtMs: number;
  signalDbmX10: number;
  snrDbX10?: number;
  frequencyHz?: number;
  datarate?: DataRateName;
  unsigned?: boolean;
}

export function witnessRow(spec: WitnessSpec): WitnessRow {
  const unsigned = {
    pubKeyBinary: spec.hotspot.key.binaryKey,
    data: spec.beacon.payload,
    timestampNs: timestampNsFromMs(spec.receivedAtMs - 200),
    tmst: 4321,
    signalDbmX10: spec.signalDbmX10,
    snrDbX10: spec.snrDbX10 ?? 55,
    frequencyHz: spec.frequencyHz ?? spec.beacon.frequencyHz,
    datarate: spec.datarate ?? (spec.beacon.dataRate as DataRateName),
  };
  const report = spec.unsigned ? { ...unsigned, signature: new Uint8Array(64) } : signWitnessReport(unsigned, spec.hotspot.key.secretKey);
  const encoded = encodeWitnessReport(report);
  return {
    id: reportId(encoded, spec.receivedAtMs, report.pubKeyBinary),
    hotspotAddress: spec.hotspot.key.address,
    receivedAtMs: spec.receivedAtMs,
    payload: report.data,
    reportedTimestampNs: report.timestampNs,
    tmst: report.tmst,
    signalDbmX10: report.signalDbmX10,
    snrDbX10: report.snrDbX10,
    frequencyHz: report.frequencyHz,
    dataRate: report.datarate,
    encoded,
  };
}

/**
 * An RSSI (dBm x 10) `belowBoundDb` under the free-space bound between two placed hotspots, i.e.
 * what an honest receiver with some terrain loss would report.
 */
export function plausibleSignalDbmX10(
  beaconer: Pick<TestHotspot, 'cell' | 'region' | 'gainDbiX10'>,
  witness: Pick<TestHotspot, 'cell' | 'region' | 'gainDbiX10'>,
  beacon: { frequencyHz: number; dataRate: string; txPowerDbm: number },
  belowBoundDb = 12,
): number {
  const budget = linkBudget({
    beaconer: { location: beaconer.cell!, gainDbiX10: beaconer.gainDbiX10, region: beaconer.region! },
    witnessHotspot: { location: witness.cell!, gainDbiX10: witness.gainDbiX10, region: witness.region! },
    beacon,
    witness: { signalDbmX10: 0, snrDbX10: 0, frequencyHz: beacon.frequencyHz, dataRate: beacon.dataRate },
  });
  if (!budget) throw new Error('link budget not computable');
  return Math.round((budget.expectedMaxRssiDbm - belowBoundDb) * 10);
}

export async function insertReports(db: Db, beacons: readonly BeaconRow[], witnesses: readonly WitnessRow[]): Promise<void> {
  for (let i = 0; i < beacons.length; i += 1000) await db.insert(beaconReports).values(beacons.slice(i, i + 1000));
  for (let i = 0; i < witnesses.length; i += 1000) await db.insert(witnessReports).values(witnesses.slice(i, i + 1000));
}
