/**
 * Types for LoRaWAN regional plans. The plans themselves are data (plans.ts); the helpers that
 * answer questions about them live in region-plan.ts.
 */

/** Regions a hotspot can be in. Same spelling as Helium's `region` protobuf enum. */
export const REGION_IDS = [
  'US915',
  'EU868',
  'AU915',
  'AS923_1',
  'AS923_2',
  'AS923_3',
  'AS923_4',
  'IN865',
  'KR920',
  'CN470',
  'RU864',
] as const;

export type RegionId = (typeof REGION_IDS)[number];

export type SpreadingFactor = 7 | 8 | 9 | 10 | 11 | 12;

/** Which way a data rate may be used. Most regions use the same table both ways. */
export type DataRateDirection = 'up' | 'down' | 'both';

interface DataRateBase {
  /** DR index as used in LoRaWAN MAC commands (DR0, DR1, ...). */
  index: number;
  direction: DataRateDirection;
  /** Wire name: `SF7BW125`, `FSK50`, `LRFHSS1_BW137` (Helium `data_rate` enum spelling). */
  name: string;
  /** "M" in the regional tables: largest MACPayload with dwell time off. */
  maxMacPayloadBytes: number;
  /** "N" = M - 8: largest FRMPayload when there are no FOpts. */
  maxAppPayloadBytes: number;
  /** M when the 400 ms dwell limit is on (AU915/AS923 only); 0 = not usable with dwell on. */
  maxMacPayloadBytesDwell?: number;
}

export interface LoRaDataRate extends DataRateBase {
  modulation: 'lora';
  spreadingFactor: SpreadingFactor;
  bandwidthHz: number;
}

export interface FskDataRate extends DataRateBase {
  modulation: 'fsk';
  bitRateBps: number;
}

export interface LrFhssDataRate extends DataRateBase {
  modulation: 'lr-fhss';
  codingRate: '1/3' | '2/3';
  occupiedBandwidthHz: number;
}

export type DataRate = LoRaDataRate | FskDataRate | LrFhssDataRate;

export interface UplinkChannel {
  /** LoRaWAN channel number in the region (US915 sub-band 2 is 8..15 plus 65). */
  index: number;
  frequencyHz: number;
  /** Data-rate indexes allowed on this channel. */
  dataRateIndexes: readonly number[];
}

/** One entry of Helium's per-region beacon size table: largest beacon payload a spreading factor may carry. */
export interface BeaconSizeLimit {
  maxPayloadBytes: number;
  spreadingFactor: SpreadingFactor;
}

export interface RegionPlan {
  id: RegionId;
  description: string;
  /** Uplink channels of the plan hotspots listen on (for US915/AU915 the Helium sub-band, not all 72). */
  uplinkChannels: readonly UplinkChannel[];
  dataRates: readonly DataRate[];
  /**
   * Maximum EIRP the proof-of-coverage rules allow a beacon, in dBm. Taken from Helium's region
   * parameters (`max_eirp`, dBm x 10), which is what a Helium gateway transmits at; it can differ
   * from the LoRaWAN default below (US915: 36 dBm = FCC 30 dBm conducted + 6 dBi antenna).
   */
  maxEirpDbm: number;
  /** LoRaWAN Regional Parameters default max EIRP (what end devices assume), in dBm. */
  loRaWanDefaultMaxEirpDbm: number;
  rx2: { frequencyHz: number; dataRateIndex: number };
  /** Uplink dwell-time limit at boot, null where the region has none. */
  uplinkDwellTimeMs: number | null;
  /**
   * Channels a beacon may be sent on, in the order Helium's region parameters store them: a
   * beacon's frequency is `pocChannelsHz[u16le(payload[0..2]) % length]`, so the order matters.
   */
  pocChannelsHz: readonly number[];
  /** Bandwidth of every PoC channel. */
  pocBandwidthHz: number;
  /** Helium's beacon data-rate table, in its stored order (first entry that fits wins). */
  pocBeaconSizeLimits: readonly BeaconSizeLimit[];
  /** Where the numbers come from. */
  sources: readonly string[];
}
