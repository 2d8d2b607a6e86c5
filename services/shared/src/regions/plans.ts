/**
 * LoRaWAN regional plans as data.
 *
 * Sources (facts only, no code carried over):
 * - Data-rate tables, RX2, dwell, default max EIRP: LoRaWAN Regional Parameters RP002-1.0.4 as
 *   implemented by The Things Stack `pkg/band/*_rp2_v1_0_4.go` (CN470: the RP001-1.1 rev B
 *   96-channel plan, which is the one Helium's channels sit in); summarised in
 *   reference/lorawan-routing.md §4.2-4.3 for US915, EU868, AU915, AS923.
 * - Channel lists a hotspot beacons on, their order, `max_eirp` and the beacon size table:
 *   Helium region parameters as in blockchain-core `test/blockchain_region_test.hrl` (the
 *   reference notes production values are assumed equal to these fixtures).
 */
import { fsk50, lora, lrFhss } from './data-rate';
import type { BeaconSizeLimit, DataRate, RegionId, RegionPlan, UplinkChannel } from './types';

const MHZ = 1_000_000;
/** Frequencies are whole Hz; rounding hides binary floating-point residue (903.9e6 is not exact). */
const mhz = (value: number): number => Math.round(value * MHZ);

/** `count` channels `stepHz` apart starting at `firstHz`, numbered from `firstIndex`. */
function channelRange(
  firstIndex: number,
  firstHz: number,
  stepHz: number,
  count: number,
  dataRateIndexes: readonly number[],
): UplinkChannel[] {
  return Array.from({ length: count }, (_, i) => ({
    index: firstIndex + i,
    frequencyHz: Math.round(firstHz + i * stepHz),
    dataRateIndexes,
  }));
}

const DR0_TO_5 = [0, 1, 2, 3, 4, 5] as const;

// Helium's beacon size table for every region except US915 and EU868: SF12..SF10 cannot carry a
// 51-byte beacon, so beacons in these regions go out at SF9.
const HELIUM_DEFAULT_BEACON_SIZES: readonly BeaconSizeLimit[] = [
  { maxPayloadBytes: 25, spreadingFactor: 12 },
  { maxPayloadBytes: 25, spreadingFactor: 11 },
  { maxPayloadBytes: 25, spreadingFactor: 10 },
  { maxPayloadBytes: 67, spreadingFactor: 9 },
  { maxPayloadBytes: 139, spreadingFactor: 8 },
  { maxPayloadBytes: 256, spreadingFactor: 7 },
];

/** SF12..SF7 at 125 kHz, DR0..DR5, with the common 59/59/59/123/250/250 MACPayload limits. */
function standardDr0To5(): DataRate[] {
  return [lora(0, 12, 125_000, 59), lora(1, 11, 125_000, 59), lora(2, 10, 125_000, 59), lora(3, 9, 125_000, 123), lora(4, 8, 125_000, 250), lora(5, 7, 125_000, 250)];
}

const TTS = 'The Things Stack pkg/band (LoRaWAN RP002-1.0.4)';
const HELIUM_PARAMS = 'Helium region params, blockchain-core test/blockchain_region_test.hrl';

const US915_DATA_RATES: DataRate[] = [
  lora(0, 10, 125_000, 19, 'up'),
  lora(1, 9, 125_000, 61, 'up'),
  lora(2, 8, 125_000, 133, 'up'),
  lora(3, 7, 125_000, 250, 'up'),
  lora(4, 8, 500_000, 250, 'up'),
  lrFhss(5, '1/3', 1_523_000, 58),
  lrFhss(6, '2/3', 1_523_000, 133),
  lora(8, 12, 500_000, 61, 'down'),
  lora(9, 11, 500_000, 137, 'down'),
  lora(10, 10, 500_000, 250, 'down'),
  lora(11, 9, 500_000, 250, 'down'),
  lora(12, 8, 500_000, 250, 'down'),
  lora(13, 7, 500_000, 250, 'down'),
];

const AU915_DATA_RATES: DataRate[] = [
  lora(0, 12, 125_000, 59, 'up', 0),
  lora(1, 11, 125_000, 59, 'up', 0),
  lora(2, 10, 125_000, 59, 'up', 19),
  lora(3, 9, 125_000, 123, 'up', 61),
  lora(4, 8, 125_000, 250, 'up', 133),
  lora(5, 7, 125_000, 250, 'up', 250),
  lora(6, 8, 500_000, 250, 'up', 250),
  lrFhss(7, '1/3', 1_523_000, 58),
  lora(8, 12, 500_000, 61, 'down'),
  lora(9, 11, 500_000, 137, 'down'),
  lora(10, 10, 500_000, 250, 'down'),
  lora(11, 9, 500_000, 250, 'down'),
  lora(12, 8, 500_000, 250, 'down'),
  lora(13, 7, 500_000, 250, 'down'),
];

const AS923_DATA_RATES: DataRate[] = [
  lora(0, 12, 125_000, 59, 'both', 0),
  lora(1, 11, 125_000, 59, 'both', 0),
  lora(2, 10, 125_000, 123, 'both', 19),
  lora(3, 9, 125_000, 123, 'both', 61),
  lora(4, 8, 125_000, 250, 'both', 133),
  lora(5, 7, 125_000, 250, 'both', 250),
  lora(6, 7, 250_000, 250, 'both', 250),
  fsk50(7, 250, 250),
];

/** EU868 and RU864 share this table (RU864 has no LR-FHSS rates). */
function euStyleDataRates(withLrFhss: boolean): DataRate[] {
  return [
    ...standardDr0To5(),
    lora(6, 7, 250_000, 250),
    fsk50(7, 250),
    ...(withLrFhss
      ? [lrFhss(8, '1/3', 137_000, 58), lrFhss(9, '2/3', 137_000, 123), lrFhss(10, '1/3', 336_000, 58), lrFhss(11, '2/3', 336_000, 123)]
      : []),
  ];
}

/**
 * AS923 groups differ only by a frequency offset from AS923-1 (RP002: 0, -1.8, -6.6, -5.9 MHz);
 * Helium beacons on 8 channels 200 kHz apart starting at 923.2 MHz + offset.
 */
function as923Plan(id: RegionId, offsetHz: number, description: string): RegionPlan {
  const firstHz = mhz(923.2) + offsetHz;
  const channels = channelRange(0, firstHz, mhz(0.2), 8, DR0_TO_5);
  return {
    id,
    description,
    uplinkChannels: channels,
    dataRates: AS923_DATA_RATES,
    maxEirpDbm: 16,
    loRaWanDefaultMaxEirpDbm: 16,
    rx2: { frequencyHz: firstHz, dataRateIndex: 2 },
    uplinkDwellTimeMs: 400,
    pocChannelsHz: channels.map((c) => c.frequencyHz),
    pocBandwidthHz: 125_000,
    pocBeaconSizeLimits: HELIUM_DEFAULT_BEACON_SIZES,
    sources: [TTS, HELIUM_PARAMS, 'reference/lorawan-routing.md §4.2 AS923'],
  };
}

const US915_SUB_BAND_2 = channelRange(8, mhz(903.9), mhz(0.2), 8, [0, 1, 2, 3]);
const EU868_CHANNELS: UplinkChannel[] = [
  // 0..2 are the mandatory join channels; 3..7 come from the CFList in the Helium/TTN 8-channel plan.
  ...channelRange(0, mhz(868.1), mhz(0.2), 3, DR0_TO_5),
  ...channelRange(3, mhz(867.1), mhz(0.2), 5, DR0_TO_5),
  { index: 8, frequencyHz: mhz(868.3), dataRateIndexes: [6] },
  { index: 9, frequencyHz: mhz(868.8), dataRateIndexes: [7] },
];
const AU915_SUB_BAND_2 = channelRange(8, mhz(916.8), mhz(0.2), 8, DR0_TO_5);
const KR920_CHANNELS = channelRange(0, mhz(922.1), mhz(0.2), 7, DR0_TO_5);
const IN865_CHANNELS: UplinkChannel[] = [
  { index: 0, frequencyHz: 865_062_500, dataRateIndexes: DR0_TO_5 },
  { index: 1, frequencyHz: 865_402_500, dataRateIndexes: DR0_TO_5 },
  { index: 2, frequencyHz: 865_985_000, dataRateIndexes: DR0_TO_5 },
];
// Helium's CN470 channels are 8 of the 96-channel plan (470.3 + 0.2 n MHz): n = 80..87.
const CN470_CHANNELS = channelRange(80, mhz(486.3), mhz(0.2), 8, DR0_TO_5);
const RU864_CHANNELS: UplinkChannel[] = [
  ...channelRange(0, mhz(864.1), mhz(0.2), 5, DR0_TO_5),
  { index: 5, frequencyHz: mhz(868.9), dataRateIndexes: DR0_TO_5 },
  { index: 6, frequencyHz: mhz(869.1), dataRateIndexes: DR0_TO_5 },
];

const lora125Frequencies = (channels: readonly UplinkChannel[], count: number): number[] =>
  channels.slice(0, count).map((c) => c.frequencyHz);

export const REGION_PLANS: Readonly<Record<RegionId, RegionPlan>> = {
  US915: {
    id: 'US915',
    description: 'US 902-928 MHz, Helium sub-band 2 (FSB2): channels 8-15 at SF7-SF10 BW125 plus channel 65 at SF8BW500',
    uplinkChannels: [...US915_SUB_BAND_2, { index: 65, frequencyHz: mhz(904.6), dataRateIndexes: [4] }],
    dataRates: US915_DATA_RATES,
    maxEirpDbm: 36,
    loRaWanDefaultMaxEirpDbm: 30,
    rx2: { frequencyHz: mhz(923.3), dataRateIndex: 8 },
    uplinkDwellTimeMs: 400,
    pocChannelsHz: lora125Frequencies(US915_SUB_BAND_2, 8),
    pocBandwidthHz: 125_000,
    pocBeaconSizeLimits: [
      { maxPayloadBytes: 25, spreadingFactor: 10 },
      { maxPayloadBytes: 67, spreadingFactor: 9 },
      { maxPayloadBytes: 139, spreadingFactor: 8 },
      { maxPayloadBytes: 256, spreadingFactor: 7 },
    ],
    sources: [TTS, HELIUM_PARAMS, 'reference/lorawan-routing.md §4.2-4.3 US915 and Helium FSB2'],
  },
  EU868: {
    id: 'EU868',
    description: 'EU 863-870 MHz, Helium/TTN 8-channel plan plus 868.3 MHz SF7BW250 and 868.8 MHz FSK',
    uplinkChannels: EU868_CHANNELS,
    dataRates: euStyleDataRates(true),
    maxEirpDbm: 16.1,
    loRaWanDefaultMaxEirpDbm: 16,
    rx2: { frequencyHz: mhz(869.525), dataRateIndex: 0 },
    uplinkDwellTimeMs: null,
    // Helium stores them in ascending order, not in LoRaWAN channel order.
    pocChannelsHz: [867.1, 867.3, 867.5, 867.7, 867.9, 868.1, 868.3, 868.5].map(mhz),
    pocBandwidthHz: 125_000,
    pocBeaconSizeLimits: [
      { maxPayloadBytes: 65, spreadingFactor: 12 },
      { maxPayloadBytes: 129, spreadingFactor: 9 },
      { maxPayloadBytes: 238, spreadingFactor: 8 },
    ],
    sources: [TTS, HELIUM_PARAMS, 'reference/lorawan-routing.md §4.2-4.3 EU868'],
  },
  AU915: {
    id: 'AU915',
    description: 'AU 915-928 MHz, sub-band 2 (channels 8-15, 916.8-918.2 MHz) plus channel 65 at SF8BW500',
    uplinkChannels: [...AU915_SUB_BAND_2, { index: 65, frequencyHz: mhz(917.5), dataRateIndexes: [6] }],
    dataRates: AU915_DATA_RATES,
    maxEirpDbm: 30,
    loRaWanDefaultMaxEirpDbm: 30,
    rx2: { frequencyHz: mhz(923.3), dataRateIndex: 8 },
    uplinkDwellTimeMs: 400,
    pocChannelsHz: lora125Frequencies(AU915_SUB_BAND_2, 8),
    pocBandwidthHz: 125_000,
    pocBeaconSizeLimits: HELIUM_DEFAULT_BEACON_SIZES,
    sources: [TTS, HELIUM_PARAMS, 'reference/lorawan-routing.md §4.2-4.3 AU915'],
  },
  AS923_1: as923Plan('AS923_1', 0, 'AS923 group 1, 923.2-924.6 MHz'),
  AS923_2: as923Plan('AS923_2', mhz(-1.8), 'AS923 group 2, 921.4-922.8 MHz'),
  AS923_3: as923Plan('AS923_3', mhz(-6.6), 'AS923 group 3, 916.6-918.0 MHz'),
  AS923_4: as923Plan('AS923_4', mhz(-5.9), 'AS923 group 4, 917.3-918.7 MHz'),
  IN865: {
    id: 'IN865',
    description: 'India 865-867 MHz, the three default channels',
    uplinkChannels: IN865_CHANNELS,
    dataRates: [...standardDr0To5(), fsk50(7, 250)],
    maxEirpDbm: 30,
    loRaWanDefaultMaxEirpDbm: 30,
    rx2: { frequencyHz: mhz(866.55), dataRateIndex: 2 },
    uplinkDwellTimeMs: null,
    pocChannelsHz: IN865_CHANNELS.map((c) => c.frequencyHz),
    pocBandwidthHz: 125_000,
    pocBeaconSizeLimits: HELIUM_DEFAULT_BEACON_SIZES,
    sources: [TTS, HELIUM_PARAMS],
  },
  KR920: {
    id: 'KR920',
    description: 'Korea 920-923 MHz, 922.1-923.3 MHz (the first three are the LoRaWAN defaults)',
    uplinkChannels: KR920_CHANNELS,
    dataRates: standardDr0To5(),
    maxEirpDbm: 14,
    loRaWanDefaultMaxEirpDbm: 14,
    rx2: { frequencyHz: mhz(921.9), dataRateIndex: 0 },
    uplinkDwellTimeMs: null,
    pocChannelsHz: KR920_CHANNELS.map((c) => c.frequencyHz),
    pocBandwidthHz: 125_000,
    pocBeaconSizeLimits: HELIUM_DEFAULT_BEACON_SIZES,
    sources: [TTS, HELIUM_PARAMS],
  },
  CN470: {
    id: 'CN470',
    description: 'China 470-510 MHz, Helium channels 486.3-487.7 MHz (channels 80-87 of the 96-channel plan)',
    uplinkChannels: CN470_CHANNELS,
    dataRates: standardDr0To5(),
    maxEirpDbm: 19.1,
    loRaWanDefaultMaxEirpDbm: 19.15,
    rx2: { frequencyHz: mhz(505.3), dataRateIndex: 0 },
    uplinkDwellTimeMs: null,
    pocChannelsHz: CN470_CHANNELS.map((c) => c.frequencyHz),
    pocBandwidthHz: 125_000,
    pocBeaconSizeLimits: HELIUM_DEFAULT_BEACON_SIZES,
    sources: ['The Things Stack pkg/band/cn_470_510_rp1_v1_1_rev_b.go', HELIUM_PARAMS],
  },
  RU864: {
    id: 'RU864',
    description: 'Russia 864-870 MHz, Helium channels 864.1-864.9 MHz plus the defaults 868.9 and 869.1 MHz',
    uplinkChannels: RU864_CHANNELS,
    dataRates: euStyleDataRates(false),
    maxEirpDbm: 16,
    loRaWanDefaultMaxEirpDbm: 16,
    rx2: { frequencyHz: mhz(869.1), dataRateIndex: 0 },
    uplinkDwellTimeMs: null,
    pocChannelsHz: RU864_CHANNELS.map((c) => c.frequencyHz),
    pocBandwidthHz: 125_000,
    pocBeaconSizeLimits: HELIUM_DEFAULT_BEACON_SIZES,
    sources: [TTS, HELIUM_PARAMS],
  },
};
