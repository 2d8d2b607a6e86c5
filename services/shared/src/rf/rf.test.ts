import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cappedTxPowerDbm,
  expectedMaxRssi,
  expectedMaxRssiDbm,
  gainDbiFromX10Truncated,
  maxConductedTxPowerDbm,
} from './link-budget';
import {
  HELIUM_SPEED_OF_LIGHT_M_PER_S,
  SPEED_OF_LIGHT_M_PER_S,
  freeSpacePathLossDb,
  logDistancePathLossDb,
} from './path-loss';
import { loraSnrFloorDb, noiseFloorDbm, receiverSensitivityDbm } from './receiver';

interface RssiVectors {
  units_and_rules: { constants: { C_speed_of_light_m_per_s: number } };
  vectors: { id: string; inputs: Record<string, number | string>; expected: Record<string, number | string> }[];
}
const rssi = JSON.parse(
  readFileSync(fileURLToPath(new URL('../testing/vectors/rssi.json', import.meta.url)), 'utf8'),
) as RssiVectors;

describe('free-space path loss', () => {
  it('uses the speed of light Helium uses', () => {
    expect(HELIUM_SPEED_OF_LIGHT_M_PER_S).toBe(rssi.units_and_rules.constants.C_speed_of_light_m_per_s);
  });

  it.each([
    // [distanceM, frequencyHz, dB] recomputed independently in Python: 20log10(4π d f / 2.998e8)
    [1_000, 915_000_000, 91.67599],
    [5_000, 904_500_000, 105.55514],
    [100, 868_000_000, 71.21796],
  ])('%d m at %d Hz -> %d dB', (distanceM, frequencyHz, db) => {
    expect(freeSpacePathLossDb(distanceM, frequencyHz)).toBeCloseTo(db, 4);
  });

  it('doubles distance -> +6.02 dB; exact c differs by a tiny constant', () => {
    expect(freeSpacePathLossDb(2_000, 868e6) - freeSpacePathLossDb(1_000, 868e6)).toBeCloseTo(6.0206, 4);
    const delta = freeSpacePathLossDb(1_000, 868e6, SPEED_OF_LIGHT_M_PER_S) - freeSpacePathLossDb(1_000, 868e6);
    expect(delta).toBeCloseTo(20 * Math.log10(2.998e8 / 299_792_458), 10);
    expect(Math.abs(delta)).toBeLessThan(0.001);
  });
});

describe('log-distance path loss', () => {
  it('equals free space with exponent 2', () => {
    expect(logDistancePathLossDb(3_000, 915e6, 2, 1)).toBeCloseTo(freeSpacePathLossDb(3_000, 915e6), 9);
  });

  it.each([
    [3, 100, 10_000, 60], // two decades beyond d0 at n = 3
    [3.5, 1, 1_000, 105], // three decades at n = 3.5
  ])('n=%d, d0=%d m, d=%d m adds %d dB over FSPL(d0)', (n, d0, d, extraDb) => {
    expect(logDistancePathLossDb(d, 915e6, n, d0) - freeSpacePathLossDb(d0, 915e6)).toBeCloseTo(extraDb, 9);
  });

  it('falls back to free space inside the reference distance', () => {
    expect(logDistancePathLossDb(50, 915e6, 4, 100)).toBe(freeSpacePathLossDb(50, 915e6));
  });
});

describe('receiver', () => {
  it.each([
    [7, -7.5],
    [8, -10],
    [9, -12.5],
    [10, -15],
    [11, -17.5],
    [12, -20],
  ] as const)('SNR floor at SF%d is %d dB', (sf, db) => {
    expect(loraSnrFloorDb(sf)).toBe(db);
  });

  it('noise floor is -174 + 10log10(BW) + NF', () => {
    expect(noiseFloorDbm(125_000)).toBeCloseTo(-117.031, 3);
    expect(noiseFloorDbm(500_000, 0)).toBeCloseTo(-117.01, 2);
    expect(noiseFloorDbm(125_000, 3)).toBeCloseTo(noiseFloorDbm(125_000) - 3, 9);
  });

  it.each([
    [12, 125_000, -137.03], // Semtech datasheet: -137 dBm
    [7, 125_000, -124.53],
    [9, 125_000, -129.53],
    [8, 500_000, -121.01],
  ] as const)('sensitivity SF%d at %d Hz ~ %d dBm', (sf, bw, dbm) => {
    expect(receiverSensitivityDbm(sf, bw)).toBeCloseTo(dbm, 2);
  });
});

describe('link budget', () => {
  it('truncates gains like Helium (integer division toward zero)', () => {
    expect([58, 12, 80, 83, 0, -15, -9].map(gainDbiFromX10Truncated)).toEqual([5, 1, 8, 8, 0, -1, -0]);
  });

  it('caps transmit power at max EIRP minus antenna gain', () => {
    expect(maxConductedTxPowerDbm(36, 3)).toBe(33);
    expect(cappedTxPowerDbm(27, 36, 3)).toBe(27);
    expect(cappedTxPowerDbm(40, 36, 3)).toBe(33);
    expect(cappedTxPowerDbm(20, 16.1, 8)).toBeCloseTo(8.1, 9);
  });

  it('reproduces Helium calc_expected_rssi exactly (rssi.json)', () => {
    const v = rssi.vectors.find((x) => x.id === 'calc_expected_rssi');
    if (!v) throw new Error('vector calc_expected_rssi missing');
    const i = v.inputs as Record<string, number>;
    const got = expectedMaxRssiDbm({
      txPowerDbm: i.beacon_tx_power_dbm!,
      transmitterGainDbi: gainDbiFromX10Truncated(i.beacon_gain_ddbi!),
      receiverGainDbi: gainDbiFromX10Truncated(i.witness_gain_ddbi!),
      distanceM: i.distance_m!,
      frequencyHz: i.freq_hz!,
    });
    expect(got).toBe(v.expected.expected_rssi_dbm);
  });

  it('matches the reference US915 worked example (27 dBm, 3+3 dBi, 5 km, 904.5 MHz -> -72.56 dBm)', () => {
    expect(
      expectedMaxRssiDbm({ txPowerDbm: 27, transmitterGainDbi: 3, receiverGainDbi: 3, distanceM: 5_000, frequencyHz: 904.5e6 }),
    ).toBeCloseTo(-72.56, 2);
  });

  it('an over-reported power does not loosen the bound once capped', () => {
    const base = { transmitterGainDbi: 3, receiverGainDbi: 3, distanceM: 5_000, frequencyHz: 904.5e6, maxEirpDbm: 36 };
    const honest = expectedMaxRssi({ ...base, txPowerDbm: 33 });
    const inflated = expectedMaxRssi({ ...base, txPowerDbm: 60 });
    expect(inflated.effectiveTxPowerDbm).toBe(33);
    expect(inflated.expectedMaxRssiDbm).toBe(honest.expectedMaxRssiDbm);
    expect(expectedMaxRssi({ ...base, txPowerDbm: 60, maxEirpDbm: undefined }).expectedMaxRssiDbm).toBeCloseTo(
      honest.expectedMaxRssiDbm + 27,
      9,
    );
  });
});
