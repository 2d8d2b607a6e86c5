/**
 * Time on air of the frames the simulator transmits, from the shared Semtech formula
 * (services/shared/src/radio/airtime). LoRaWAN uplinks and beacons (sent as uplink-style frames so
 * other hotspots hear them) carry a PHY CRC; downlinks do not.
 */
import { parseLoRaDataRateName } from '@cov/shared/regions/region-plan';
import { loraAirtimeMs } from '@cov/shared/radio/airtime';

export function frameAirtimeMs(phyPayloadBytes: number, dataRateName: string, direction: 'up' | 'down' = 'up'): number {
  const rate = parseLoRaDataRateName(dataRateName);
  if (!rate) throw new RangeError(`not a LoRa data rate: ${dataRateName}`);
  return loraAirtimeMs({
    payloadBytes: phyPayloadBytes,
    spreadingFactor: rate.spreadingFactor,
    bandwidthKhz: rate.bandwidthHz / 1000,
    codingRate: 1,
    crc: direction === 'up',
  });
}
