/**
 * Pins the simulator's radio model: free-space loss and time on air against published values, the
 * free-space ceiling on every received signal, the demodulation floors, and determinism from the
 * seed.
 */
import { describe, expect, it } from 'vitest';
import { freeSpacePathLossDb } from '@cov/shared/rf/path-loss';
import { loraSnrFloorDb, receiverSensitivityDbm } from '@cov/shared/rf/receiver';
import type { SpreadingFactor } from '@cov/shared/regions/region-plan';
import { SeededRandom } from '../random/seeded-random';
import { destination } from '../world/geodesy';
import { frameAirtimeMs } from './airtime';
import { DEFAULT_RADIO_MODEL, freeSpaceRssiDbm, linkExponent, linkNormal, pathLossDb, radioHorizonM, type RadioEndpoint } from './link-model';
import { RadioChannel, type Receiver } from './radio-channel';
import { demodulate, quantiseRssiDbm, quantiseSnrDb, receiverNoiseDbm } from './receiver';
import { sampleLagMs, sampleBackhaulProfile } from './backhaul';

const origin = { lat: 39.7392, lng: -104.9903 };

function endpoint(id: string, distM: number, over: Partial<RadioEndpoint> = {}): Receiver {
  return {
    id,
    position: destination(origin, distM, 90),
    heightAglM: 10,
    gainDbi: 3,
    cableLossDb: 1,
    buildingLossDb: 0,
    environment: 'suburban',
    noiseFigureDb: 6,
    ...over,
  };
}

describe('free-space path loss (the ceiling the model is floored at)', () => {
  it.each([
    // Independently computed 20·log10(4π·d·f/2.998e8).
    [1_000, 915e6, 91.676],
    [5_000, 904.5e6, 105.555],
    [100, 868e6, 71.218],
    [10_000, 868.1e6, 111.223],
  ])('%d m at %d Hz is %d dB', (d, f, db) => {
    expect(pathLossDb({ distanceM: d, frequencyHz: f, exponent: 2, shadowingDb: 0 }).pathLossDb).toBeCloseTo(db, 2);
    expect(freeSpacePathLossDb(d, f)).toBeCloseTo(db, 2);
  });

  it('log-distance adds 10·n·log10(d/d0) beyond d0', () => {
    const r = pathLossDb({ distanceM: 1_000, frequencyHz: 915e6, exponent: 3, shadowingDb: 0 });
    expect(r.pathLossDb - freeSpacePathLossDb(1, 915e6)).toBeCloseTo(90, 9);
    expect(r.clampedToFreeSpace).toBe(false);
  });

  it('a deep negative shadow cannot make a link beat free space', () => {
    const r = pathLossDb({ distanceM: 2_000, frequencyHz: 915e6, exponent: 2.2, shadowingDb: -40 });
    expect(r.clampedToFreeSpace).toBe(true);
    expect(r.pathLossDb).toBe(freeSpacePathLossDb(2_000, 915e6));
  });
});

describe('time on air (Semtech formula, LoRaWAN settings)', () => {
  it.each([
    // The Things Stack toa_test.go table, PHYPayload 10 bytes, CR 4/5, CRC on.
    [10, 'SF7BW125', 41.216],
    [10, 'SF8BW125', 72.192],
    [10, 'SF9BW125', 144.384],
    [10, 'SF10BW125', 288.768],
    [10, 'SF11BW125', 577.536],
    [10, 'SF12BW125', 991.232],
    [10, 'SF7BW250', 20.608],
    [10, 'SF7BW500', 10.304],
    // US915 dwell-limit maxima: DR0 with 11 application bytes (PHY 24), DR1 with 53 (PHY 66).
    [24, 'SF10BW125', 370.688],
    [66, 'SF9BW125', 390.144],
  ])('%d bytes at %s take %d ms', (bytes, dr, ms) => {
    expect(frameAirtimeMs(bytes, dr)).toBeCloseTo(ms, 3);
  });

  it('a 52-byte beacon (proprietary MHDR + 51 bytes) at SF9BW125 stays under the 400 ms dwell limit', () => {
    // (8 + 4.25 + 8 + ceil((416 - 36 + 28 + 16) / 36)·5) · 4.096 ms
    expect(frameAirtimeMs(52, 'SF9BW125')).toBeCloseTo(328.704, 3);
    expect(frameAirtimeMs(52, 'SF9BW125')).toBeLessThan(400);
  });

  it('downlinks carry no CRC and are shorter', () => {
    expect(frameAirtimeMs(17, 'SF10BW500', 'down')).toBeCloseTo(82.432, 3); // a join-accept in RX1
    expect(frameAirtimeMs(13, 'SF7BW125', 'up')).toBeCloseTo(46.336, 3);
    expect(frameAirtimeMs(13, 'SF7BW125', 'down')).toBeCloseTo(41.216, 3);
  });
});

describe('received signal never exceeds free space', () => {
  it('holds over 5 000 random links, with shadowing and fading', () => {
    const rng = new SeededRandom('ceiling');
    const receivers: Receiver[] = Array.from({ length: 50 }, (_, i) =>
      endpoint(`r${i}`, rng.uniform(50, 40_000), {
        position: destination(origin, rng.uniform(50, 40_000), rng.uniform(0, 360)),
        heightAglM: rng.uniform(1.5, 60),
        gainDbi: rng.uniform(0, 9),
        cableLossDb: rng.uniform(0, 3),
        environment: rng.pick(['urban', 'suburban', 'rural'] as const),
      }),
    );
    const channel = new RadioChannel('ceiling-seed', receivers);
    let checked = 0;
    for (let i = 0; i < 100; i++) {
      const tx = receivers[i % receivers.length]!;
      const txPowerDbm = rng.uniform(10, 27);
      for (const rx of receivers) {
        const reception = channel.receive({ transmitter: tx, txPowerDbm, frequencyHz: 904.3e6, spreadingFactor: 9, bandwidthHz: 125_000 }, rx, rng);
        if (!reception) continue;
        const ceiling = freeSpaceRssiDbm({ txPowerDbm, transmitterGainDbi: tx.gainDbi, receiverGainDbi: rx.gainDbi, distanceM: reception.distanceM, frequencyHz: 904.3e6 });
        expect(reception.signalDbm).toBeLessThanOrEqual(ceiling + 1e-9);
        expect(reception.reportedRssiDbm).toBeLessThanOrEqual(ceiling + 1e-9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1_000);
  });
});

describe('receiver floors', () => {
  const receiver = { noiseFigureDb: 6, environment: 'rural' as const };
  it.each([7, 8, 9, 10, 11, 12] as SpreadingFactor[])('SF%d is heard exactly down to its SNR floor', (sf) => {
    const sensitivity = receiverSensitivityDbm(sf, 125_000, 6);
    expect(demodulate({ signalDbm: sensitivity, spreadingFactor: sf, bandwidthHz: 125_000, receiver }).heard).toBe(true);
    const below = demodulate({ signalDbm: sensitivity - 0.01, spreadingFactor: sf, bandwidthHz: 125_000, receiver });
    expect(below.heard).toBe(false);
    expect(below.snrDb).toBeLessThan(loraSnrFloorDb(sf));
  });

  it('noise floor is -174 + 10log10(BW) + NF, plus local interference', () => {
    expect(receiverNoiseDbm({ noiseFigureDb: 6, environment: 'rural' }, 125_000)).toBeCloseTo(-117.03, 2);
    expect(receiverNoiseDbm({ noiseFigureDb: 6, environment: 'urban' }, 125_000)).toBeCloseTo(-115.03, 2);
  });

  it('reports whole dBm rounded toward weaker and SNR in quarter dB, saturating', () => {
    expect(quantiseRssiDbm(-97.2)).toBe(-98);
    expect(quantiseRssiDbm(-97)).toBe(-97);
    expect(quantiseSnrDb(-7.66)).toBe(-7.75);
    expect(quantiseSnrDb(25)).toBe(13.5);
  });
});

describe('link geometry', () => {
  it('taller antennas lower the exponent, never below free space', () => {
    const low = linkExponent(endpoint('a', 0, { heightAglM: 2 }), endpoint('b', 0, { heightAglM: 2 }));
    const ten = linkExponent(endpoint('a', 0), endpoint('b', 0));
    const tall = linkExponent(endpoint('a', 0, { heightAglM: 60, environment: 'rural' }), endpoint('b', 0, { heightAglM: 60, environment: 'rural' }));
    expect(ten).toBe(DEFAULT_RADIO_MODEL.exponents.suburban);
    expect(low).toBeGreaterThan(ten);
    expect(tall).toBeLessThan(DEFAULT_RADIO_MODEL.exponents.rural);
    expect(tall).toBeGreaterThanOrEqual(2);
  });

  it('radio horizon is 4.12 km per sqrt(m) of each antenna', () => {
    expect(radioHorizonM(10, 10)).toBeCloseTo(2 * 4_120 * Math.sqrt(10), 6);
    const far = endpoint('far', 80_000, { heightAglM: 5 });
    const channel = new RadioChannel('s', [far]);
    expect(channel.receive({ transmitter: endpoint('tx', 0, { heightAglM: 5 }), txPowerDbm: 27, frequencyHz: 915e6, spreadingFactor: 12, bandwidthHz: 125_000 }, far, null)).toBeNull();
  });

  it('shadowing is fixed per link: same in both directions and on every run with the seed', () => {
    expect(linkNormal('seed-1', 'h1', 'h2')).toBe(linkNormal('seed-1', 'h2', 'h1'));
    expect(linkNormal('seed-1', 'h1', 'h2')).not.toBe(linkNormal('seed-2', 'h1', 'h2'));
    const values = Array.from({ length: 4_000 }, (_, i) => linkNormal('stats', 'a', `b${i}`));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(sd).toBeGreaterThan(0.95);
    expect(sd).toBeLessThan(1.05);
  });

  it('the same seed gives the same receptions, fading included', () => {
    const rx = [endpoint('r1', 3_000), endpoint('r2', 6_000), endpoint('r3', 9_000)];
    const run = () => {
      const channel = new RadioChannel('same', rx);
      const fading = new SeededRandom('same', 'fading');
      return channel.heardBy({ transmitter: endpoint('t', 0), txPowerDbm: 27, frequencyHz: 904.5e6, spreadingFactor: 9, bandwidthHz: 125_000 }, fading).map((h) => h.reception.signalDbm);
    };
    expect(run()).toEqual(run());
    expect(run().length).toBeGreaterThan(0);
  });
});

describe('backhaul lag', () => {
  it('is positive, whole milliseconds, and mostly well under the 4 s witness limit', () => {
    const rng = new SeededRandom('lag');
    const lags = Array.from({ length: 200 }, () => {
      const profile = sampleBackhaulProfile(rng);
      return sampleLagMs(profile, rng);
    });
    for (const lag of lags) expect(Number.isInteger(lag) && lag >= 1).toBe(true);
    expect(lags.filter((l) => l > 4_000).length).toBeLessThan(10);
  });
});
