import { describe, expect, it } from 'vitest';
import type { HotspotInfo } from '@cov/shared/poc/context';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { denylistSnapshot, EMPTY_DENYLIST } from './denylist-snapshot';
import { beaconRow, cellNear, plausibleSignalDbmX10, testEntropy, witnessRow, type TestHotspot } from './testing/poc-builders';
import { verifyPoc, type PocInputs, type StoredBeacon, type StoredWitness } from './verify-poc';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 5, 6, 0, 0);
const entropy = testEntropy('unit', T / 1000);

function place(label: string, north: number, east: number): TestHotspot {
  const key = keypairFromLabel(`verify-poc/${label}`);
  return { key, address: key.address, cell: cellNear(35.9, 14.45, north, east), region: 'EU868', gainDbiX10: 12 };
}
const A = place('A', 0, 0);
const B = place('B', 3, 1);
const C = place('C', -4, 5);
const D = place('D', 6, -2);

const info = (h: TestHotspot, overrides: Partial<HotspotInfo> = {}): HotspotInfo => ({
  pubKey: h.address,
  location: h.cell,
  gainDbiX10: h.gainDbiX10,
  elevationM: 0,
  region: h.region,
  capability: 'full',
  denied: false,
  ...overrides,
});

const beacon = beaconRow({ hotspot: A, entropy, receivedAtMs: T + 60_000, unsigned: true });
const stored: StoredBeacon = {
  id: beacon.id!,
  hotspotAddress: A.address,
  receivedAtMs: beacon.receivedAtMs,
  payload: beacon.payload,
  localEntropy: beacon.localEntropy,
  remoteEntropy: beacon.remoteEntropy,
  frequencyHz: beacon.frequencyHz,
  dataRate: beacon.dataRate,
  txPowerDbm: beacon.txPowerDbm!,
};

function heard(h: TestHotspot, dtMs: number, extra: Partial<StoredWitness> = {}): StoredWitness {
  const row = witnessRow({
    hotspot: h,
    beacon,
    receivedAtMs: stored.receivedAtMs + dtMs,
    signalDbmX10: plausibleSignalDbmX10(A, h, { frequencyHz: stored.frequencyHz, dataRate: stored.dataRate, txPowerDbm: stored.txPowerDbm }),
    unsigned: true,
  });
  return { id: row.id!, hotspotAddress: h.address, receivedAtMs: row.receivedAtMs, payload: row.payload, signalDbmX10: row.signalDbmX10, snrDbX10: row.snrDbX10, frequencyHz: row.frequencyHz, dataRate: row.dataRate, ...extra };
}

function inputs(overrides: Partial<PocInputs> = {}, infos: Record<string, HotspotInfo> = {}): PocInputs {
  const registry: Record<string, HotspotInfo> = { [A.address]: info(A), [B.address]: info(B), [C.address]: info(C), [D.address]: info(D), ...infos };
  return {
    beacon: stored,
    entropy: { timestampSec: entropy.timestampSec, version: 0 },
    previousBeaconAtMs: T - 6 * HOUR,
    payloadOwnerBeaconId: null,
    witnesses: [heard(B, 500), heard(C, 700), heard(D, 900)],
    hotspot: (address) => registry[address] ?? null,
    denylist: EMPTY_DENYLIST,
    beaconerLastWitnessAtMs: T - HOUR,
    witnessLastBeaconAtMs: () => T - 2 * HOUR,
    ...overrides,
  };
}

const settings = { maxWitnessesPerPoc: 2, epochLengthMs: 86_400_000, reciprocityWindowMs: 48 * HOUR, thresholds: {} };

describe('verifyPoc', () => {
  it('validates a PoC and selects the first witnesses by receive time', () => {
    const v = verifyPoc(inputs(), settings);
    expect(v.beacon).toMatchObject({ valid: true, reason: null, passedChecks: true, witnessCount: 3, validWitnessCount: 3, selectedWitnessCount: 2, locationCell: A.cell });
    expect(v.witnesses.map((w) => [w.hotspotAddress, w.valid, w.selected])).toEqual([
      [B.address, true, true],
      [C.address, true, true],
      [D.address, true, false],
    ]);
    expect(v.witnesses[0]!.distanceM).toBeGreaterThan(3000);
    expect(v.witnesses[0]!.expectedMaxRssiDbm).toBeCloseTo(v.witnesses[0]!.signalDbmX10 / 10 + 12, 0);
  });

  it('is a pure function of its inputs', () => {
    expect(verifyPoc(inputs(), settings)).toEqual(verifyPoc(inputs(), settings));
  });

  it('gives every witness of an invalid beacon the beacon reason, side beaconer, unselected', () => {
    const v = verifyPoc(inputs({}, { [A.address]: info(A, { capability: 'data_only' }) }), settings);
    expect([v.beacon.valid, v.beacon.reason, v.beacon.passedChecks]).toEqual([false, 'invalid_capability', false]);
    for (const w of v.witnesses) {
      expect([w.valid, w.reason, w.selected, w.passedChecks, w.details.side]).toEqual([false, 'invalid_capability', false, false, 'beaconer']);
    }
  });

  it('invalidates the whole PoC when the beaconer has not witnessed within 48 h, keeping passedChecks', () => {
    const v = verifyPoc(inputs({ beaconerLastWitnessAtMs: T - 49 * HOUR }), settings);
    expect([v.beacon.valid, v.beacon.reason, v.beacon.passedChecks, v.beacon.selectedWitnessCount]).toEqual([false, 'gateway_no_valid_witnesses', true, 0]);
    expect(v.witnesses.every((w) => w.reason === 'gateway_no_valid_witnesses' && w.passedChecks && !w.selected)).toBe(true);
  });

  it('invalidates only the witness without a recent witnessed beacon, and selects the next one', () => {
    const v = verifyPoc(inputs({ witnessLastBeaconAtMs: (address) => (address === B.address ? null : T - HOUR) }), settings);
    expect(v.witnesses.map((w) => [w.reason, w.selected])).toEqual([
      ['gateway_no_valid_beacons', false],
      [null, true],
      [null, true],
    ]);
  });

  it('marks a second report of the same gateway duplicate, and does not count self-witnesses', () => {
    const v = verifyPoc(inputs({ witnesses: [heard(B, 500), heard(B, 600, { id: 'again' }), heard(A, 700, { id: 'self' })] }), settings);
    expect(v.witnesses.map((w) => w.reason)).toEqual([null, 'duplicate', 'self_witness']);
    expect(v.beacon.witnessCount).toBe(2);
  });

  it('applies the denylist version it was given and names it in every verdict', () => {
    const denylist = denylistSnapshot(4, [{ kind: 'edge', address: C.address, otherAddress: A.address }]);
    const v = verifyPoc(inputs({ denylist }), settings);
    expect(v.witnesses.map((w) => w.reason)).toEqual([null, 'denied_edge', null]);
    expect(v.beacon.denylistVersion).toBe(4);
    expect(v.witnesses.every((w) => w.details.denylistVersion === 4)).toBe(true);
  });

  it('fails a beacon with unknown entropy at the entropy check, after the identity checks', () => {
    expect(verifyPoc(inputs({ entropy: null }), settings).beacon).toMatchObject({ reason: 'entropy_expired', details: { entropyKnown: false } });
    expect(verifyPoc(inputs({ entropy: null }, { [A.address]: info(A, { denied: true }) }), settings).beacon.reason).toBe('denied');
  });

  it('notes the earlier beacon that owns a repeated payload', () => {
    const v = verifyPoc(inputs({ payloadOwnerBeaconId: 'first', witnesses: [] }), settings);
    expect(v.beacon.details.payloadOwnerBeaconId).toBe('first');
    expect(v.beacon.witnessCount).toBe(0);
  });

  it('a witness in the beaconer’s own cell: 0 m, below_min_distance, no infinite bound in the row', () => {
    const v = verifyPoc(inputs({}, { [B.address]: info(B, { location: A.cell }) }), settings);
    const w = v.witnesses[0]!;
    expect([w.reason, w.distanceM, w.expectedMaxRssiDbm]).toEqual(['below_min_distance', 0, null]);
    expect(w.details).toMatchObject({ cellDistance: 0, distanceM: 0, expectedMaxRssiDbm: null });
  });

  it('a witness without an asserted location: not_asserted, no distance, never selected', () => {
    const v = verifyPoc(inputs({}, { [B.address]: info(B, { location: null }) }), settings);
    expect(v.witnesses.map((w) => [w.reason, w.distanceM, w.expectedMaxRssiDbm, w.selected])).toEqual([
      ['not_asserted', null, null, false],
      [null, expect.any(Number), expect.any(Number), true],
      [null, expect.any(Number), expect.any(Number), true],
    ]);
    expect(v.witnesses[0]!.details).toMatchObject({ side: 'witness', location: null });
  });

  it('when a witness beat the beacon report, lag counts from it (1.5 s, inclusive)', () => {
    const v = verifyPoc(inputs({ witnesses: [heard(B, -300), heard(C, 1_200), heard(D, 1_201)] }), settings);
    expect(v.witnesses.map((w) => [w.reason, w.details.lagMs, w.details.lagMeasuredFrom])).toEqual([
      [null, 0, 'first_witness'],
      [null, 1_500, 'first_witness'],
      ['too_late', 1_501, 'first_witness'],
    ]);
  });

  it('selects by receive time among valid witnesses only, whatever order the rows came in', () => {
    const v = verifyPoc(inputs({ witnesses: [heard(D, 900), heard(A, 100, { id: 'self' }), heard(C, 700), heard(B, 500, { signalDbmX10: 0 })] }), settings);
    expect(v.witnesses.map((w) => [w.hotspotAddress, w.reason, w.selected])).toEqual([
      [A.address, 'self_witness', false],
      [B.address, 'bad_rssi', false],
      [C.address, null, true],
      [D.address, null, true],
    ]);
    expect(v.beacon).toMatchObject({ witnessCount: 3, validWitnessCount: 2, selectedWitnessCount: 2 });
  });

  it('counts the previous beacon window even when that beacon was invalid', () => {
    expect(verifyPoc(inputs({ previousBeaconAtMs: T + 1000 }), settings).beacon.reason).toBe('irregular_interval');
  });
});
