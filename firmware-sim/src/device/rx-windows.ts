/**
 * Where and how a class A device listens after an uplink (LoRaWAN Regional Parameters, summarised
 * in reference/lorawan-routing.md §4.3): RX1 opens RxDelay after the uplink ends (5 s after a
 * join-request), RX2 one second later. US915/AU915 answer RX1 on downlink channel (uplink channel
 * mod 8) = 923.3 + 0.6·n MHz at the uplink data rate's BW500 counterpart; EU-style plans answer on
 * the uplink frequency at the uplink data rate. RX2 is the region's fixed frequency and data rate.
 */
import { dataRateByIndex, getRegionPlan, type RegionId } from '@cov/shared/regions/region-plan';

export interface ReceiveWindow {
  opensAtMs: number;
  frequencyHz: number;
  dataRate: string;
}

export const JOIN_ACCEPT_DELAY1_MS = 5_000;
export const RECEIVE_DELAY1_MS = 1_000;

/** US915/AU915 RX1 data rate for uplink DR0..DR4 with RX1DROffset 0 (DR0 -> DR10 ... DR4 -> DR13). */
const US_STYLE_RX1_DR: Readonly<Record<number, number>> = { 0: 10, 1: 11, 2: 12, 3: 13, 4: 13 };
const AU_RX1_DR: Readonly<Record<number, number>> = { 0: 8, 1: 9, 2: 10, 3: 11, 4: 12, 5: 13, 6: 13 };

function isUsStyle(region: RegionId): boolean {
  return region === 'US915' || region === 'AU915';
}

function nameOf(region: RegionId, index: number, direction: 'up' | 'down'): string {
  const dr = dataRateByIndex(region, index, direction);
  if (!dr) throw new RangeError(`${region} has no ${direction} DR${index}`);
  return dr.name;
}

export function rx1Window(input: { region: RegionId; uplinkEndMs: number; delayMs: number; uplinkChannelIndex: number; uplinkFrequencyHz: number; uplinkDataRateIndex: number }): ReceiveWindow {
  const { region } = input;
  if (isUsStyle(region)) {
    const table = region === 'US915' ? US_STYLE_RX1_DR : AU_RX1_DR;
    const downDr = table[input.uplinkDataRateIndex];
    if (downDr === undefined) throw new RangeError(`no RX1 data rate for ${region} DR${input.uplinkDataRateIndex}`);
    return { opensAtMs: input.uplinkEndMs + input.delayMs, frequencyHz: 923_300_000 + 600_000 * (input.uplinkChannelIndex % 8), dataRate: nameOf(region, downDr, 'down') };
  }
  return { opensAtMs: input.uplinkEndMs + input.delayMs, frequencyHz: input.uplinkFrequencyHz, dataRate: nameOf(region, input.uplinkDataRateIndex, 'up') };
}

export function rx2Window(input: { region: RegionId; uplinkEndMs: number; delayMs: number }): ReceiveWindow {
  const plan = getRegionPlan(input.region);
  return { opensAtMs: input.uplinkEndMs + input.delayMs + 1_000, frequencyHz: plan.rx2.frequencyHz, dataRate: nameOf(input.region, plan.rx2.dataRateIndex, 'down') };
}

/** A window catches a downlink that starts within this much of its opening (preamble detection). */
export const WINDOW_TOLERANCE_MS = 100;

export function windowCatches(window: ReceiveWindow, startMs: number, frequencyHz: number, dataRate: string): 'ok' | 'wrong_time' | 'wrong_frequency' | 'wrong_data_rate' {
  if (Math.abs(startMs - window.opensAtMs) > WINDOW_TOLERANCE_MS) return 'wrong_time';
  if (Math.abs(frequencyHz - window.frequencyHz) > 1_000) return 'wrong_frequency';
  if (dataRate.toUpperCase() !== window.dataRate) return 'wrong_data_rate';
  return 'ok';
}
