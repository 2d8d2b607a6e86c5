import { describe, expect, it } from 'vitest';
import { effectiveRegion, rx1Window, rx2Window } from './rx-windows';

describe('class A receive windows', () => {
  it.each([
    // region, uplink Hz, uplink datr -> RX1 Hz, RX1 datr
    ['US915', 903_900_000, 'SF10BW125', 923_300_000, 'SF10BW500'], // ch 8 -> dl 0, DR0 -> DR10
    ['US915', 905_300_000, 'SF7BW125', 927_500_000, 'SF7BW500'], // ch 15 -> dl 7, DR3 -> DR13
    ['US915', 904_600_000, 'SF8BW500', 923_900_000, 'SF7BW500'], // ch 65 -> dl 1, DR4 -> DR13
    ['AU915', 916_600_000, 'SF12BW125', 927_500_000, 'SF12BW500'], // ch 7 -> dl 7, DR0 -> DR8
    ['EU868', 868_100_000, 'SF9BW125', 868_100_000, 'SF9BW125'],
    ['AS923_1', 923_200_000, 'SF7BW125', 923_200_000, 'SF7BW125'],
    [null, 867_500_000, 'SF12BW125', 867_500_000, 'SF12BW125'],
    [null, 904_100_000, 'SF9BW125', 923_900_000, 'SF9BW500'], // unasserted but in the US915 band
  ])('%s %i %s -> RX1 %i %s', (region, freq, datr, rx1Hz, rx1Datr) => {
    const w = rx1Window({ frequencyHz: freq, dataRate: datr, tmst: 1_000_000, region }, 'data');
    expect(w).toMatchObject({ name: 'rx1', frequencyHz: rx1Hz, dataRate: rx1Datr, tmst: 2_000_000, delayMs: 1000 });
  });

  it.each([
    ['US915', 923_300_000, 'SF12BW500', 27],
    ['EU868', 869_525_000, 'SF12BW125', 16],
    ['AU915', 923_300_000, 'SF12BW500', 27],
    ['AS923_1', 923_200_000, 'SF10BW125', 16],
  ])('%s RX2 is %i %s at %i dBm, one second after RX1', (region, hz, datr, powe) => {
    const w = rx2Window({ frequencyHz: 868_100_000, dataRate: 'SF7BW125', tmst: 0, region }, 'data');
    expect(w).toEqual({ name: 'rx2', tmst: 2_000_000, delayMs: 2000, frequencyHz: hz, dataRate: datr, powerDbm: powe });
  });

  it('uses the join-accept delays and wraps the u32 concentrator counter', () => {
    const up = { frequencyHz: 868_300_000, dataRate: 'SF7BW125', tmst: 0xffff_0000, region: 'EU868' };
    expect(rx1Window(up, 'join_accept')?.tmst).toBe((0xffff_0000 + 5_000_000) % 2 ** 32);
    expect(rx2Window(up, 'join_accept')?.delayMs).toBe(6000);
  });

  it('takes the LNS overrides (RxDelay, RX1DROffset results, RX2 settings, power)', () => {
    const up = { frequencyHz: 868_300_000, dataRate: 'SF7BW125', tmst: 100, region: 'EU868' };
    expect(rx1Window(up, 'data', { delayMs: 3000, dataRate: 'SF9BW125' }, 20)).toMatchObject({ tmst: 3_000_100, dataRate: 'SF9BW125', frequencyHz: 868_300_000, powerDbm: 20 });
    expect(rx2Window(up, 'data', { frequencyHz: 869_525_000, dataRate: 'SF9BW125' }, 3000)).toMatchObject({ delayMs: 4000, dataRate: 'SF9BW125' });
  });

  it('has no window it cannot work out', () => {
    // Off the US915 grid and nothing given.
    expect(rx1Window({ frequencyHz: 903_950_000, dataRate: 'SF10BW125', tmst: 0, region: 'US915' }, 'data')).toBeNull();
    // Unknown region: no RX2 unless given.
    expect(rx2Window({ frequencyHz: 868_100_000, dataRate: 'SF7BW125', tmst: 0, region: null }, 'data')).toBeNull();
    expect(effectiveRegion('nowhere', 868_100_000)).toBeNull();
  });
});
