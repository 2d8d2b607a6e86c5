import { dataRateName, parseLoRaDataRateName } from './data-rate';
import { REGION_PLANS } from './plans';
import type { DataRate, DataRateDirection, LoRaDataRate, RegionId, RegionPlan, SpreadingFactor } from './types';
import { REGION_IDS } from './types';

export { REGION_IDS, dataRateName, parseLoRaDataRateName };
export type { DataRate, LoRaDataRate, RegionId, RegionPlan, SpreadingFactor };

/**
 * Antenna gain Helium assumes when a hotspot never asserted one: 1.2 dBi, in Helium's dBi x 10
 * unit (iot_config GatewayInfo default, reference/helium-poc.md §2.2).
 */
export const DEFAULT_ANTENNA_GAIN_DBI_X10 = 12;

/**
 * Tolerance when mapping a reported frequency to a channel. Packet forwarders report MHz as a float
 * (904.700032 MHz shows up for 904.7 MHz); Helium's L1 channel rule allowed 1 kHz.
 */
export const DEFAULT_CHANNEL_TOLERANCE_HZ = 1_000;

export function isRegion(value: unknown): value is RegionId {
  return typeof value === 'string' && (REGION_IDS as readonly string[]).includes(value);
}

export function getRegionPlan(region: RegionId): RegionPlan {
  return REGION_PLANS[region];
}

function usableInDirection(dataRate: DataRate, direction: DataRateDirection): boolean {
  return direction === 'both' || dataRate.direction === 'both' || dataRate.direction === direction;
}

/**
 * The LoRa data rate with this spreading factor and bandwidth, looked up in the uplink table by
 * default (US915 has SF8BW500 both as uplink DR4 and downlink DR12).
 */
export function findDataRate(
  region: RegionId,
  spreadingFactor: number,
  bandwidthHz: number,
  direction: DataRateDirection = 'up',
): LoRaDataRate | null {
  for (const dr of getRegionPlan(region).dataRates) {
    if (dr.modulation !== 'lora' || !usableInDirection(dr, direction)) continue;
    if (dr.spreadingFactor === spreadingFactor && dr.bandwidthHz === bandwidthHz) return dr;
  }
  return null;
}

/** Same as findDataRate, from a name such as `SF9BW125`; null if the name is not a LoRa rate of the region. */
export function findDataRateByName(
  region: RegionId,
  name: string,
  direction: DataRateDirection = 'up',
): LoRaDataRate | null {
  const parsed = parseLoRaDataRateName(name);
  return parsed ? findDataRate(region, parsed.spreadingFactor, parsed.bandwidthHz, direction) : null;
}

export function dataRateByIndex(region: RegionId, index: number, direction: DataRateDirection = 'up'): DataRate | null {
  return getRegionPlan(region).dataRates.find((dr) => dr.index === index && usableInDirection(dr, direction)) ?? null;
}

/**
 * Data rate for a beacon of `payloadBytes`: the first entry of the region's Helium beacon size
 * table that can carry it, on the PoC bandwidth. Using Helium's table rather than the LoRaWAN
 * MACPayload limits keeps our beacons bit-compatible with Helium's: EU868 -> SF12BW125, US915 ->
 * SF9BW125, every other region -> SF9BW125 (LoRaWAN limits would allow SF12 in AS923, for example).
 */
export function firstDataRateThatFits(region: RegionId, payloadBytes: number): LoRaDataRate | null {
  const plan = getRegionPlan(region);
  const entry = plan.pocBeaconSizeLimits.find((limit) => limit.maxPayloadBytes >= payloadBytes);
  return entry ? findDataRate(region, entry.spreadingFactor, plan.pocBandwidthHz) : null;
}

/**
 * LoRaWAN channel number of an uplink frequency in the region's plan, or null when no channel is
 * within `toleranceHz`. Pass the data-rate name to tell apart channels sharing a frequency (EU868
 * 868.3 MHz is channel 1 at SF7-12 BW125 and channel 8 at SF7BW250).
 */
export function channelIndexForFrequency(
  region: RegionId,
  frequencyHz: number,
  options: { dataRate?: string; toleranceHz?: number } = {},
): number | null {
  const toleranceHz = options.toleranceHz ?? DEFAULT_CHANNEL_TOLERANCE_HZ;
  const dataRate = options.dataRate === undefined ? undefined : dataRateIndexForName(region, options.dataRate);
  if (dataRate === null) return null;
  for (const channel of getRegionPlan(region).uplinkChannels) {
    if (Math.abs(channel.frequencyHz - frequencyHz) > toleranceHz) continue;
    if (dataRate !== undefined && !channel.dataRateIndexes.includes(dataRate)) continue;
    return channel.index;
  }
  return null;
}

function dataRateIndexForName(region: RegionId, name: string): number | null {
  const dr = getRegionPlan(region).dataRates.find((d) => d.name === name.trim().toUpperCase() && d.direction !== 'down');
  return dr ? dr.index : null;
}

export function maxEirpDbm(region: RegionId): number {
  return getRegionPlan(region).maxEirpDbm;
}
