/** Every case of rssi.json (Helium iot_verifier poc.rs unit tests) against our checks. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RegionId } from '../regions/types';
import type { WitnessLinkContext } from './context';
import { WITNESS_CHECK_ORDER } from './reasons';
import { FIXTURE_LOCATIONS, hotspot, witnessContext } from './test-fixtures';
import { DEFAULT_POC_THRESHOLDS, HELIUM_POC_THRESHOLDS } from './thresholds';
import { verifyWitness } from './witness-checks';
import {
  checkWitnessFrequency,
  checkWitnessMaxDistance,
  checkWitnessMinDistance,
  checkWitnessRssi,
  linkBudget,
  measureLink,
} from './witness-link-checks';

interface Vector {
  id: string;
  inputs: Record<string, string | number>;
  expected: { verdict?: 'valid' | 'invalid'; reason?: string } & Record<string, unknown>;
}
interface ListCase {
  case: string;
  witness_location: string;
  witness_frequency_hz?: number;
  witness_region?: string;
  witness_signal_ddbm?: number;
  expected: { verdict: 'valid' | 'invalid'; reason?: string };
}
interface RssiFile {
  units_and_rules: {
    constants: Record<string, number | string>;
    witness_check_order: string[];
  };
  locations: Record<string, { h3_hex: string }>;
  vectors: Vector[];
  witness_verification_list: {
    common: {
      beacon_report: { tx_power_dbm: number; frequency_hz: number; datarate: string };
      beaconer: { location: string; gain_ddbi: number; elevation: number; region: string };
      witness_default: {
        gain_ddbi: number;
        elevation: number;
        region: string;
        signal_ddbm: number;
        snr: number;
        frequency_hz: number;
        datarate: string;
      };
    };
    cases: ListCase[];
  };
  derived: { expected_rssi_dbm: Record<string, number> };
}

const file = JSON.parse(
  readFileSync(fileURLToPath(new URL('../testing/vectors/rssi.json', import.meta.url)), 'utf8'),
) as RssiFile;

const loc = (name: string | number): string => {
  const l = file.locations[String(name)];
  if (!l) throw new Error(`unknown location ${name}`);
  return l.h3_hex;
};
/** Helium's enum names (MaxDistanceExceeded) -> our reason strings (max_distance_exceeded). */
const snake = (helium: string): string => helium.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
/** The vectors of one source test; an empty group would make its it.each run nothing, so it throws. */
const vectorsOf = (test: string) => {
  const group = file.vectors.filter((v) => v.id.startsWith(test));
  if (group.length === 0) throw new Error(`no rssi.json vectors start with ${test}`);
  return group;
};

/** A link where only the field under test matters; everything else is the valid resp12 link. */
function link(overrides: Partial<WitnessLinkContext>): WitnessLinkContext {
  return {
    beaconer: { location: loc('LOC0'), gainDbiX10: 12, region: 'EU868' },
    witnessHotspot: { location: loc('LOC4'), gainDbiX10: 20, region: 'EU868' },
    beacon: { frequencyHz: 867_900_000, dataRate: 'SF12BW125', txPowerDbm: 8 },
    witness: { signalDbmX10: -1080, snrDbX10: 35, frequencyHz: 867_900_032, dataRate: 'SF12BW125' },
    ...overrides,
  };
}

function expectVerdict(failure: { reason: string } | null, expected: Vector['expected']): void {
  if (expected.verdict === 'valid') expect(failure).toBeNull();
  else expect(failure?.reason).toBe(snake(String(expected.reason)));
}

it('fixture locations are the rssi.json locations', () => {
  for (const [name, hex] of Object.entries(FIXTURE_LOCATIONS)) expect(hex).toBe(loc(name));
});

describe('test_verify_witness_distance', () => {
  it.each(vectorsOf('witness_distance_'))('$id', (v) => {
    const ctx = link({ witnessHotspot: { location: loc(v.inputs.witness_loc!), gainDbiX10: 20, region: 'EU868' } });
    expectVerdict(checkWitnessMaxDistance(measureLink(ctx)), v.expected);
  });
});

describe('test_verify_witness_cell_distance', () => {
  it.each(vectorsOf('witness_cell_distance_'))('$id', (v) => {
    const ctx = link({ witnessHotspot: { location: loc(v.inputs.witness_loc!), gainDbiX10: 20, region: 'EU868' } });
    expectVerdict(checkWitnessMinDistance(measureLink(ctx)), v.expected);
  });
});

describe('test_verify_witness_rssi', () => {
  // Vectors do not say the region; LOC0 is in Malta but these use US915 frequencies, as the source does.
  const rssiLink = (v: Vector, region: RegionId): WitnessLinkContext =>
    link({
      beaconer: { location: loc(v.inputs.beacon_loc!), gainDbiX10: Number(v.inputs.beacon_gain_ddbi), region },
      witnessHotspot: { location: loc(v.inputs.witness_loc!), gainDbiX10: Number(v.inputs.witness_gain_ddbi), region },
      beacon: { frequencyHz: 904_500_000, dataRate: 'SF9BW125', txPowerDbm: Number(v.inputs.beacon_tx_power_dbm) },
      witness: {
        signalDbmX10: Number(v.inputs.witness_signal_ddbm),
        snrDbX10: 50,
        frequencyHz: Number(v.inputs.witness_freq_hz),
        dataRate: 'SF9BW125',
      },
    });

  it.each(vectorsOf('witness_rssi_'))('$id (Helium thresholds and ours agree)', (v) => {
    expectVerdict(checkWitnessRssi(measureLink({ ...rssiLink(v, 'US915'), thresholds: HELIUM_POC_THRESHOLDS })), v.expected);
    expectVerdict(checkWitnessRssi(measureLink(rssiLink(v, 'US915'))), v.expected);
  });

  it('expected RSSI matches the derived numbers exactly', () => {
    const ok = vectorsOf('witness_rssi_ok')[0]!;
    const bad = vectorsOf('witness_rssi_bad')[0]!;
    const d = file.derived.expected_rssi_dbm;
    expect(linkBudget(rssiLink(ok, 'US915'))?.expectedMaxRssiDbm).toBe(
      d['witness_rssi_ok (LOC0-LOC1, 27 dBm, gains 80/12, 904700032 Hz)'],
    );
    expect(linkBudget(rssiLink(bad, 'US915'))?.expectedMaxRssiDbm).toBe(
      d['witness_rssi_bad (LOC0-LOC2, 27 dBm, gains 12/12, 904499968 Hz)'],
    );
    const listLink = link({});
    expect(linkBudget(listLink)?.expectedMaxRssiDbm).toBe(d['witness list (LOC0-LOC4, 8 dBm, gains 12/20, 867900032 Hz)']);
  });
});

describe('test_verify_witness_frequency', () => {
  it.each(vectorsOf('witness_freq_'))('$id', (v) => {
    const ctx = link({
      beacon: { frequencyHz: Number(v.inputs.beacon_freq_hz), dataRate: 'SF12BW125', txPowerDbm: 8 },
      witness: { signalDbmX10: -1080, snrDbX10: 35, frequencyHz: Number(v.inputs.witness_freq_hz), dataRate: 'SF12BW125' },
    });
    expectVerdict(checkWitnessFrequency(measureLink(ctx)), v.expected);
  });
});

describe('test_witness_verification_list (end to end through verifyWitness)', () => {
  const { common, cases } = file.witness_verification_list;

  it.each(cases)('$case', (c) => {
    const w = common.witness_default;
    const ctx = witnessContext({
      beaconer: hotspot({
        location: loc(common.beaconer.location),
        gainDbiX10: common.beaconer.gain_ddbi,
        elevationM: common.beaconer.elevation,
        region: common.beaconer.region as RegionId,
      }),
      witnessHotspot: hotspot({
        pubKey: 'witness',
        location: loc(c.witness_location),
        gainDbiX10: w.gain_ddbi,
        elevationM: w.elevation,
        region: (c.witness_region ?? w.region) as RegionId,
      }),
    });
    ctx.beacon = {
      ...ctx.beacon,
      txPowerDbm: common.beacon_report.tx_power_dbm,
      frequencyHz: common.beacon_report.frequency_hz,
      dataRate: common.beacon_report.datarate,
    };
    ctx.witness = {
      ...ctx.witness,
      signalDbmX10: c.witness_signal_ddbm ?? w.signal_ddbm,
      snrDbX10: w.snr,
      frequencyHz: c.witness_frequency_hz ?? w.frequency_hz,
      dataRate: w.datarate,
    };
    for (const thresholds of [undefined, HELIUM_POC_THRESHOLDS]) {
      const verdict = verifyWitness({ ...ctx, ...(thresholds ? { thresholds } : {}) });
      if (c.expected.verdict === 'valid') expect(verdict).toMatchObject({ valid: true });
      else expect(verdict).toMatchObject({ valid: false, reason: snake(String(c.expected.reason)) });
    }
  });
});

it("Helium's witness check order is a subsequence of ours", () => {
  const helium = file.units_and_rules.witness_check_order.map((entry) => snake(/\((\w+)\)/.exec(entry)![1]!));
  const positions = helium.map((reason) => (WITNESS_CHECK_ORDER as readonly string[]).indexOf(reason));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
});

it("Helium's constants in rssi.json are our thresholds (both sets)", () => {
  const c = file.units_and_rules.constants;
  for (const t of [DEFAULT_POC_THRESHOLDS, HELIUM_POC_THRESHOLDS]) {
    expect(t.maxDistanceKm).toBe(c.POC_DISTANCE_LIMIT_km);
    expect(t.minCellDistance).toBe(c.POC_CELL_DISTANCE_MINIMUM);
    expect(t.cellDistanceResolution).toBe(c.POC_CELL_PARENT_RES);
    expect(t.frequencyToleranceHz).toBe(c.frequency_tolerance_hz);
    expect(t.rssiMarginDb).toBe(0);
  }
});

it('every rssi.json vector has a test that runs it', () => {
  // Groups run above; the two distance vectors run in geo/geo.test.ts, calc_expected_rssi in rf/rf.test.ts.
  const elsewhere = ['calc_distance_london', 'calc_cell_distance_london', 'calc_expected_rssi'];
  const here = ['witness_distance_', 'witness_cell_distance_', 'witness_rssi_', 'witness_freq_'].flatMap((p) => vectorsOf(p).map((v) => v.id));
  expect([...here, ...elsewhere].sort()).toEqual(file.vectors.map((v) => v.id).sort());
  expect(file.witness_verification_list.cases).toHaveLength(6);
});
