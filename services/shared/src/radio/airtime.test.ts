import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codingRateFromString, loraAirtime, loraAirtimeMs, payloadSymbolCount, symbolDurationMs } from './airtime';

interface AirtimeInputs {
  payload_size: number;
  sf: number;
  bandwidth_khz: number;
  coding_rate: string;
  preamble_symbols: number;
  explicit_header: boolean;
  crc: boolean;
  low_data_rate_optimization: boolean;
}

const vectors = JSON.parse(readFileSync(new URL('../testing/vectors/airtime.json', import.meta.url), 'utf8')) as {
  counts: Record<'airtime_vectors' | 'symbol_duration' | 'preamble_duration' | 'payload_symbols', number>;
  airtime_vectors: Array<{ id: string; inputs: AirtimeInputs; expected: { airtime_ms: number } }>;
  symbol_duration: Array<{ inputs: { sf: number; bandwidth_khz: number }; expected: { symbol_duration_ns: number } }>;
  preamble_duration: Array<{ inputs: { sf: number; bandwidth_khz: number; preamble_symbols: number }; expected: { preamble_duration_ns: number } }>;
  payload_symbols: Array<{ inputs: Omit<AirtimeInputs, 'bandwidth_khz' | 'preamble_symbols'>; expected: { payload_symbols: number } }>;
};

function cr(codr: string): number {
  const value = codingRateFromString(codr);
  if (value === null) throw new Error(`bad coding rate ${codr}`);
  return value;
}

describe('airtime vectors', () => {
  it('every group holds the number of vectors the file declares (none silently missing)', () => {
    for (const [group, count] of Object.entries(vectors.counts)) {
      expect(vectors[group as keyof typeof vectors.counts], group).toHaveLength(count);
      expect(count).toBeGreaterThan(0);
    }
  });

  it.each(vectors.airtime_vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const ms = loraAirtimeMs({
      payloadBytes: v.inputs.payload_size,
      spreadingFactor: v.inputs.sf,
      bandwidthKhz: v.inputs.bandwidth_khz,
      codingRate: cr(v.inputs.coding_rate),
      preambleSymbols: v.inputs.preamble_symbols,
      explicitHeader: v.inputs.explicit_header,
      crc: v.inputs.crc,
      lowDataRateOptimization: v.inputs.low_data_rate_optimization,
    });
    expect(ms).toBeCloseTo(v.expected.airtime_ms, 9);
  });

  it.each(vectors.symbol_duration.map((v) => [v.inputs.sf, v.inputs.bandwidth_khz, v.expected.symbol_duration_ns] as const))(
    'symbol duration SF%i BW%i = %i ns',
    (sf, bw, ns) => {
      expect(symbolDurationMs(sf, bw)).toBeCloseTo(ns / 1e6, 9);
    },
  );

  it.each(vectors.preamble_duration)('preamble duration SF$inputs.sf', (v) => {
    const r = loraAirtime({
      payloadBytes: 0,
      spreadingFactor: v.inputs.sf,
      bandwidthKhz: v.inputs.bandwidth_khz,
      preambleSymbols: v.inputs.preamble_symbols,
    });
    expect(r.preambleMs).toBeCloseTo(v.expected.preamble_duration_ns / 1e6, 9);
  });

  it.each(vectors.payload_symbols.map((v, i) => [i, v] as const))('payload symbols %i', (_i, v) => {
    const n = payloadSymbolCount({
      payloadBytes: v.inputs.payload_size,
      spreadingFactor: v.inputs.sf,
      bandwidthKhz: 125,
      codingRate: cr(v.inputs.coding_rate),
      explicitHeader: v.inputs.explicit_header,
      crc: v.inputs.crc,
      lowDataRateOptimization: v.inputs.low_data_rate_optimization,
    });
    expect(n).toBe(v.expected.payload_symbols);
  });
});

describe('low-data-rate optimisation', () => {
  it('switches on automatically at 16 ms symbols (SF11/SF12 at 125 kHz, SF12 at 250 kHz)', () => {
    expect(loraAirtime({ payloadBytes: 10, spreadingFactor: 10, bandwidthKhz: 125 }).lowDataRateOptimization).toBe(false);
    expect(loraAirtime({ payloadBytes: 10, spreadingFactor: 11, bandwidthKhz: 125 }).lowDataRateOptimization).toBe(true);
    expect(loraAirtime({ payloadBytes: 10, spreadingFactor: 12, bandwidthKhz: 250 }).lowDataRateOptimization).toBe(true);
    expect(loraAirtime({ payloadBytes: 10, spreadingFactor: 12, bandwidthKhz: 500 }).lowDataRateOptimization).toBe(false);
    // Auto mode reproduces the TTN SF12 vector (991.232 ms), forcing it off gives the longer frame.
    expect(loraAirtimeMs({ payloadBytes: 10, spreadingFactor: 12, bandwidthKhz: 125 })).toBeCloseTo(991.232, 9);
    expect(loraAirtimeMs({ payloadBytes: 13, spreadingFactor: 12, bandwidthKhz: 125, lowDataRateOptimization: false })).toBeCloseTo(1155.072, 9);
  });
});

describe('reference table (lorawan-routing.md §4.1)', () => {
  // US915 maxima sit just under the 400 ms dwell limit.
  it.each([
    [10, 24, 370.7],
    [9, 66, 390.1],
    [8, 138, 399.9],
    [7, 255, 399.6],
  ])('SF%i BW125 with %i-byte PHYPayload ≈ %f ms', (sf, pl, ms) => {
    expect(loraAirtimeMs({ payloadBytes: pl, spreadingFactor: sf, bandwidthKhz: 125 })).toBeCloseTo(ms, 1);
  });

  it('a join-accept (17 B, no CRC) at SF10BW500 takes 82.4 ms', () => {
    expect(loraAirtimeMs({ payloadBytes: 17, spreadingFactor: 10, bandwidthKhz: 500, crc: false })).toBeCloseTo(82.4, 1);
  });
});

describe('input checks', () => {
  it.each([
    { payloadBytes: 256, spreadingFactor: 7, bandwidthKhz: 125 },
    { payloadBytes: 10, spreadingFactor: 6, bandwidthKhz: 125 },
    { payloadBytes: 10, spreadingFactor: 7, bandwidthKhz: 0 },
    { payloadBytes: 10, spreadingFactor: 7, bandwidthKhz: 125, codingRate: 5 },
  ])('rejects %o', (input) => {
    expect(() => loraAirtimeMs(input)).toThrow(RangeError);
  });

  it('parses coding-rate strings', () => {
    expect(codingRateFromString('4/5')).toBe(1);
    expect(codingRateFromString('4/8')).toBe(4);
    expect(codingRateFromString('4/9')).toBeNull();
  });
});
