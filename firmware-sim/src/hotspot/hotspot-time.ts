/**
 * A hotspot's two clocks. The concentrator's free-running µs counter (`tmst`: wraps every 2^32 µs,
 * about 71.6 minutes, from an arbitrary start) stamps receptions and schedules transmissions; the
 * host's wall clock stamps reports. An honest host clock follows simulated time; a clock-skewed
 * cheater's runs ahead or behind by its skew.
 */
import type { SimHotspot } from '../world/world';

export function concentratorTmst(hotspot: SimHotspot, simMs: number): number {
  return (hotspot.hardware.tmstOffsetUs + Math.round(simMs * 1000)) % 2 ** 32;
}

export function hostClockMs(hotspot: SimHotspot, simMs: number): number {
  return Math.round(simMs + (hotspot.cheat?.kind === 'clock_skewed' ? hotspot.cheat.skewMs : 0));
}

/**
 * Wall-clock strings as packet forwarders write them: rxpk `time` is ISO 8601 "compact" with µs,
 * stat `time` the "expanded" form `2014-01-12 08:59:28 GMT`.
 */
export function gatewayTime(hotspot: SimHotspot, simMs: number, form: 'rxpk' | 'stat'): string {
  const iso = new Date(hostClockMs(hotspot, simMs)).toISOString();
  return form === 'rxpk' ? `${iso.slice(0, 23)}000Z` : `${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT`;
}
