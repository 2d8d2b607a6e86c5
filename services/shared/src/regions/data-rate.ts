import type {
  DataRateDirection,
  FskDataRate,
  LoRaDataRate,
  LrFhssDataRate,
  SpreadingFactor,
} from './types';

/** FRMPayload = MACPayload minus FHDR without FOpts (7) and FPort (1). */
const MAC_TO_APP_OVERHEAD_BYTES = 8;

const LORA_BANDWIDTHS_HZ = [125_000, 250_000, 500_000] as const;

export function isSpreadingFactor(value: number): value is SpreadingFactor {
  return Number.isInteger(value) && value >= 7 && value <= 12;
}

/** `SF7BW125` style name, as in GWMP `datr` and Helium's `data_rate` enum. */
export function dataRateName(spreadingFactor: SpreadingFactor, bandwidthHz: number): string {
  return `SF${spreadingFactor}BW${Math.round(bandwidthHz / 1000)}`;
}

/**
 * Reads a LoRa data-rate name (`SF9BW125`). Returns null for anything else, including FSK and
 * LR-FHSS names and bandwidths LoRaWAN does not use, so callers can report "invalid data rate"
 * instead of throwing.
 */
export function parseLoRaDataRateName(
  name: string,
): { spreadingFactor: SpreadingFactor; bandwidthHz: number } | null {
  const match = /^SF(\d{1,2})BW(\d{3})$/.exec(name.trim().toUpperCase());
  if (!match) return null;
  const spreadingFactor = Number(match[1]);
  const bandwidthHz = Number(match[2]) * 1000;
  if (!isSpreadingFactor(spreadingFactor)) return null;
  if (!(LORA_BANDWIDTHS_HZ as readonly number[]).includes(bandwidthHz)) return null;
  return { spreadingFactor, bandwidthHz };
}

// Builders used by plans.ts so each table row stays one line.

export function lora(
  index: number,
  spreadingFactor: SpreadingFactor,
  bandwidthHz: number,
  maxMacPayloadBytes: number,
  direction: DataRateDirection = 'both',
  maxMacPayloadBytesDwell?: number,
): LoRaDataRate {
  return {
    index,
    modulation: 'lora',
    spreadingFactor,
    bandwidthHz,
    name: dataRateName(spreadingFactor, bandwidthHz),
    direction,
    maxMacPayloadBytes,
    maxAppPayloadBytes: maxMacPayloadBytes - MAC_TO_APP_OVERHEAD_BYTES,
    ...(maxMacPayloadBytesDwell === undefined ? {} : { maxMacPayloadBytesDwell }),
  };
}

export function fsk50(index: number, maxMacPayloadBytes: number, maxMacPayloadBytesDwell?: number): FskDataRate {
  return {
    index,
    modulation: 'fsk',
    bitRateBps: 50_000,
    name: 'FSK50',
    direction: 'both',
    maxMacPayloadBytes,
    maxAppPayloadBytes: maxMacPayloadBytes - MAC_TO_APP_OVERHEAD_BYTES,
    ...(maxMacPayloadBytesDwell === undefined ? {} : { maxMacPayloadBytesDwell }),
  };
}

/** LR-FHSS names follow Helium's enum: LRFHSS1 = coding rate 1/3, LRFHSS2 = 2/3. */
export function lrFhss(
  index: number,
  codingRate: '1/3' | '2/3',
  occupiedBandwidthHz: number,
  maxMacPayloadBytes: number,
  direction: DataRateDirection = 'up',
): LrFhssDataRate {
  const crTag = codingRate === '1/3' ? 1 : 2;
  return {
    index,
    modulation: 'lr-fhss',
    codingRate,
    occupiedBandwidthHz,
    name: `LRFHSS${crTag}_BW${Math.round(occupiedBandwidthHz / 1000)}`,
    direction,
    maxMacPayloadBytes,
    maxAppPayloadBytes: maxMacPayloadBytes - MAC_TO_APP_OVERHEAD_BYTES,
  };
}
