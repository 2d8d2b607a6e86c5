/**
 * LoRa time-on-air, Semtech formula (SX127x datasheet / AN1200.13) for SF7..SF12:
 *   Tsym      = 2^SF / BW
 *   Npayload  = 8 + max(ceil((8·PL − 4·SF + 28 + 16·CRC − 20·IH) / (4·(SF − 2·DE))) · (CR + 4), 0)
 *   ToA       = (Npreamble + 4.25 + Npayload) · Tsym
 * PL is the PHYPayload length. LoRaWAN uplinks carry a PHY CRC, downlinks do not.
 */

/** Semtech's rule: low-data-rate optimisation is required once a symbol lasts 16 ms or more. */
export const LDRO_SYMBOL_THRESHOLD_MS = 16;

export interface LoraAirtimeInput {
  payloadBytes: number;
  spreadingFactor: number;
  bandwidthKhz: number;
  /** 1..4 for 4/5..4/8; default 1 (LoRaWAN always uses 4/5). */
  codingRate?: number;
  /** Programmed preamble length; default 8 (LoRaWAN). */
  preambleSymbols?: number;
  /** Explicit header; default true (LoRaWAN). */
  explicitHeader?: boolean;
  /** PHY CRC; default true (uplinks). */
  crc?: boolean;
  /** Forces LDRO on or off; default: on when the symbol time is ≥ 16 ms. */
  lowDataRateOptimization?: boolean;
}

export interface LoraAirtime {
  airtimeMs: number;
  symbolMs: number;
  preambleMs: number;
  /** Payload symbols including the 8 fixed ones. */
  payloadSymbols: number;
  lowDataRateOptimization: boolean;
}

export function symbolDurationMs(spreadingFactor: number, bandwidthKhz: number): number {
  return 2 ** spreadingFactor / bandwidthKhz;
}

function check(input: LoraAirtimeInput): void {
  const { payloadBytes, spreadingFactor, bandwidthKhz } = input;
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0 || payloadBytes > 255) {
    throw new RangeError(`payloadBytes must be 0..255, got ${payloadBytes}`);
  }
  if (!Number.isInteger(spreadingFactor) || spreadingFactor < 7 || spreadingFactor > 12) {
    throw new RangeError(`spreadingFactor must be 7..12, got ${spreadingFactor}`);
  }
  if (!(bandwidthKhz > 0) || !Number.isFinite(bandwidthKhz)) throw new RangeError(`bandwidthKhz must be > 0, got ${bandwidthKhz}`);
  const cr = input.codingRate ?? 1;
  if (!Number.isInteger(cr) || cr < 1 || cr > 4) throw new RangeError(`codingRate must be 1..4, got ${cr}`);
  const pre = input.preambleSymbols ?? 8;
  if (!Number.isInteger(pre) || pre < 0 || pre > 65535) throw new RangeError(`preambleSymbols must be 0..65535, got ${pre}`);
}

export function payloadSymbolCount(input: LoraAirtimeInput): number {
  check(input);
  const sf = input.spreadingFactor;
  const de = resolveLdro(input) ? 1 : 0;
  const ih = (input.explicitHeader ?? true) ? 0 : 1;
  const crc = (input.crc ?? true) ? 1 : 0;
  const cr = input.codingRate ?? 1;
  const numerator = 8 * input.payloadBytes - 4 * sf + 28 + 16 * crc - 20 * ih;
  return 8 + Math.max(Math.ceil(numerator / (4 * (sf - 2 * de))) * (cr + 4), 0);
}

function resolveLdro(input: LoraAirtimeInput): boolean {
  return input.lowDataRateOptimization ?? symbolDurationMs(input.spreadingFactor, input.bandwidthKhz) >= LDRO_SYMBOL_THRESHOLD_MS;
}

/** Time-on-air of one LoRa packet. Throws RangeError on parameters no LoRa radio accepts. */
export function loraAirtime(input: LoraAirtimeInput): LoraAirtime {
  const payloadSymbols = payloadSymbolCount(input);
  const preambleSymbols = (input.preambleSymbols ?? 8) + 4.25;
  const scale = 2 ** input.spreadingFactor;
  // Multiply symbol counts before dividing by bandwidth: one rounding step keeps results like
  // 41.216 ms exact in binary floating point far more often.
  return {
    airtimeMs: ((preambleSymbols + payloadSymbols) * scale) / input.bandwidthKhz,
    symbolMs: symbolDurationMs(input.spreadingFactor, input.bandwidthKhz),
    preambleMs: (preambleSymbols * scale) / input.bandwidthKhz,
    payloadSymbols,
    lowDataRateOptimization: resolveLdro(input),
  };
}

export function loraAirtimeMs(input: LoraAirtimeInput): number {
  return loraAirtime(input).airtimeMs;
}

/** `"4/5"` → 1 … `"4/8"` → 4; null for anything else (e.g. the `codr` of a GWMP rxpk). */
export function codingRateFromString(codr: string): number | null {
  const m = /^4\/([5-8])$/.exec(codr);
  return m ? Number(m[1]) - 4 : null;
}
