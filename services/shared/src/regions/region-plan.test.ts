import { describe, expect, it } from 'vitest';
import {
  REGION_IDS,
  channelIndexForFrequency,
  dataRateByIndex,
  dataRateName,
  findDataRate,
  findDataRateByName,
  firstDataRateThatFits,
  getRegionPlan,
  isRegion,
  maxEirpDbm,
  parseLoRaDataRateName,
} from './region-plan';

describe('isRegion', () => {
  it.each([
    ['US915', true],
    ['EU868', true],
    ['AS923_4', true],
    ['RU864', true],
    ['us915', false],
    ['EU433', false],
    ['', false],
    [915, false],
    [null, false],
  ])('%s -> %s', (value, expected) => {
    expect(isRegion(value)).toBe(expected);
  });
});

describe('data-rate names', () => {
  it.each([
    [7, 125_000, 'SF7BW125'],
    [12, 125_000, 'SF12BW125'],
    [8, 500_000, 'SF8BW500'],
    [7, 250_000, 'SF7BW250'],
  ] as const)('SF%d at %d Hz is %s and parses back', (sf, bw, name) => {
    expect(dataRateName(sf, bw)).toBe(name);
    expect(parseLoRaDataRateName(name)).toEqual({ spreadingFactor: sf, bandwidthHz: bw });
  });

  it.each(['SF6BW125', 'SF13BW125', 'SF7BW300', 'FSK50', 'LRFHSS1_BW137', 'SF7', ''])('rejects %s', (name) => {
    expect(parseLoRaDataRateName(name)).toBeNull();
  });
});

describe('region plans', () => {
  it('every plan is keyed by its own id, has channels, data rates and a sane RX2', () => {
    for (const id of REGION_IDS) {
      const plan = getRegionPlan(id);
      expect(plan.id).toBe(id);
      expect(plan.uplinkChannels.length).toBeGreaterThan(0);
      expect(plan.pocChannelsHz.length).toBeGreaterThan(0);
      for (const hz of [...plan.pocChannelsHz, plan.rx2.frequencyHz]) expect(Number.isInteger(hz)).toBe(true);
      expect(plan.dataRates.some((dr) => dr.index === plan.rx2.dataRateIndex)).toBe(true);
      for (const dr of plan.dataRates) expect(dr.maxAppPayloadBytes).toBe(dr.maxMacPayloadBytes - 8);
    }
  });

  it('US915 is Helium sub-band 2: channels 8-15 at 903.9-905.3 MHz and channel 65 at 904.6 MHz', () => {
    const plan = getRegionPlan('US915');
    expect(plan.uplinkChannels.map((c) => [c.index, c.frequencyHz])).toEqual([
      [8, 903_900_000],
      [9, 904_100_000],
      [10, 904_300_000],
      [11, 904_500_000],
      [12, 904_700_000],
      [13, 904_900_000],
      [14, 905_100_000],
      [15, 905_300_000],
      [65, 904_600_000],
    ]);
    expect(plan.rx2).toEqual({ frequencyHz: 923_300_000, dataRateIndex: 8 });
    expect(dataRateByIndex('US915', 8, 'down')?.name).toBe('SF12BW500');
    expect(plan.maxEirpDbm).toBe(36);
    expect(plan.uplinkDwellTimeMs).toBe(400);
  });

  it('US915 data-rate table matches RP002 (M / N)', () => {
    const rows = getRegionPlan('US915').dataRates.map((dr) => [dr.index, dr.name, dr.maxMacPayloadBytes, dr.maxAppPayloadBytes]);
    expect(rows).toEqual([
      [0, 'SF10BW125', 19, 11],
      [1, 'SF9BW125', 61, 53],
      [2, 'SF8BW125', 133, 125],
      [3, 'SF7BW125', 250, 242],
      [4, 'SF8BW500', 250, 242],
      [5, 'LRFHSS1_BW1523', 58, 50],
      [6, 'LRFHSS2_BW1523', 133, 125],
      [8, 'SF12BW500', 61, 53],
      [9, 'SF11BW500', 137, 129],
      [10, 'SF10BW500', 250, 242],
      [11, 'SF9BW500', 250, 242],
      [12, 'SF8BW500', 250, 242],
      [13, 'SF7BW500', 250, 242],
    ]);
  });

  it('EU868 has the 8-channel plan, DR0-DR11 and RX2 869.525 MHz DR0', () => {
    const plan = getRegionPlan('EU868');
    expect(plan.uplinkChannels.slice(0, 8).map((c) => c.frequencyHz)).toEqual([
      868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000,
    ]);
    expect(plan.dataRates.map((dr) => [dr.index, dr.name, dr.maxMacPayloadBytes])).toEqual([
      [0, 'SF12BW125', 59],
      [1, 'SF11BW125', 59],
      [2, 'SF10BW125', 59],
      [3, 'SF9BW125', 123],
      [4, 'SF8BW125', 250],
      [5, 'SF7BW125', 250],
      [6, 'SF7BW250', 250],
      [7, 'FSK50', 250],
      [8, 'LRFHSS1_BW137', 58],
      [9, 'LRFHSS2_BW137', 123],
      [10, 'LRFHSS1_BW336', 58],
      [11, 'LRFHSS2_BW336', 123],
    ]);
    expect(plan.rx2).toEqual({ frequencyHz: 869_525_000, dataRateIndex: 0 });
    expect(plan.maxEirpDbm).toBe(16.1);
  });

  it.each([
    ['AS923_1', 923_200_000],
    ['AS923_2', 921_400_000],
    ['AS923_3', 916_600_000],
    ['AS923_4', 917_300_000],
  ] as const)('%s starts at %d Hz and uses it for RX2 at DR2', (region, firstHz) => {
    const plan = getRegionPlan(region);
    expect(plan.pocChannelsHz[0]).toBe(firstHz);
    expect(plan.pocChannelsHz).toHaveLength(8);
    expect(plan.pocChannelsHz[7]).toBe(firstHz + 1_400_000);
    expect(plan.rx2).toEqual({ frequencyHz: firstHz, dataRateIndex: 2 });
  });

  it.each([
    ['US915', 36],
    ['EU868', 16.1],
    ['AU915', 30],
    ['AS923_1', 16],
    ['IN865', 30],
    ['KR920', 14],
    ['CN470', 19.1],
    ['RU864', 16],
  ] as const)('%s max EIRP is %d dBm (Helium region params)', (region, dbm) => {
    expect(maxEirpDbm(region)).toBe(dbm);
  });
});

describe('findDataRate', () => {
  it('finds uplink rates by SF and bandwidth', () => {
    expect(findDataRate('US915', 10, 125_000)?.index).toBe(0);
    expect(findDataRate('US915', 8, 500_000)?.index).toBe(4);
    expect(findDataRate('US915', 8, 500_000, 'down')?.index).toBe(12);
    expect(findDataRate('EU868', 7, 250_000)?.index).toBe(6);
    expect(findDataRateByName('EU868', 'SF12BW125')?.index).toBe(0);
  });

  it('returns null for rates the region does not have', () => {
    expect(findDataRate('US915', 12, 125_000)).toBeNull();
    expect(findDataRate('US915', 12, 500_000)).toBeNull(); // downlink only
    expect(findDataRate('KR920', 7, 250_000)).toBeNull();
    expect(findDataRateByName('EU868', 'nonsense')).toBeNull();
  });
});

describe('firstDataRateThatFits (beacons, 51 bytes)', () => {
  it.each([
    ['EU868', 'SF12BW125'],
    ['US915', 'SF9BW125'],
    ['AU915', 'SF9BW125'],
    ['AS923_1', 'SF9BW125'],
    ['CN470', 'SF9BW125'],
  ] as const)('%s -> %s', (region, name) => {
    expect(firstDataRateThatFits(region, 51)?.name).toBe(name);
  });

  it('small payloads use the slowest rate; oversized ones fit nowhere', () => {
    expect(firstDataRateThatFits('US915', 20)?.name).toBe('SF10BW125');
    expect(firstDataRateThatFits('EU868', 239)).toBeNull();
  });
});

describe('channelIndexForFrequency', () => {
  it.each([
    ['US915', 904_700_032, undefined, 12],
    ['US915', 903_900_000, undefined, 8],
    ['US915', 904_600_000, 'SF8BW500', 65],
    ['US915', 902_300_000, undefined, null], // sub-band 1 is not in the Helium plan
    ['EU868', 868_300_000, undefined, 1],
    ['EU868', 868_300_000, 'SF7BW250', 8],
    ['EU868', 867_900_000, 'SF12BW125', 7],
    ['EU868', 867_902_000, undefined, null],
    ['CN470', 486_300_000, undefined, 80],
  ] as const)('%s %d Hz (%s) -> %s', (region, hz, dataRate, expected) => {
    expect(channelIndexForFrequency(region, hz, dataRate === undefined ? {} : { dataRate })).toBe(expected);
  });

  it('honours a custom tolerance and rejects unknown data rates', () => {
    expect(channelIndexForFrequency('EU868', 867_902_000, { toleranceHz: 5_000 })).toBe(7);
    expect(channelIndexForFrequency('EU868', 867_900_000, { dataRate: 'SF5BW125' })).toBeNull();
  });
});
