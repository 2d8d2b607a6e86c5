/**
 * The frequency and data rate a beacon must use, derived from its payload and the beaconer's
 * region exactly as Helium's beacon crate does, so the verifier can rebuild the expected beacon
 * from a regenerated payload. (Producing the payload from the entropies is the beacon builder's job.)
 */
import { firstDataRateThatFits, getRegionPlan } from '../regions/region-plan';
import type { RegionId } from '../regions/types';
import type { ExpectedBeacon } from './context';

/** Helium beacons carry 51 random bytes. */
export const BEACON_PAYLOAD_BYTES = 51;

/**
 * Channel = region PoC channel list[u16 little-endian of payload bytes 0-1 mod list length];
 * data rate = first entry of the region's beacon size table that fits the payload. Null if the
 * payload is shorter than 2 bytes or too large for every data rate.
 */
export function beaconRadioParams(
  region: RegionId,
  payload: Uint8Array,
): { frequencyHz: number; dataRate: string } | null {
  if (payload.length < 2) return null;
  const channels = getRegionPlan(region).pocChannelsHz;
  const selector = payload[0]! | (payload[1]! << 8);
  const frequencyHz = channels[selector % channels.length];
  const dataRate = firstDataRateThatFits(region, payload.length);
  if (frequencyHz === undefined || !dataRate) return null;
  return { frequencyHz, dataRate: dataRate.name };
}

/** The full expected beacon for the invalid_packet check, from a regenerated payload. */
export function expectedBeaconFromPayload(region: RegionId, payload: Uint8Array): ExpectedBeacon | null {
  const params = beaconRadioParams(region, payload);
  return params ? { payload, ...params } : null;
}
