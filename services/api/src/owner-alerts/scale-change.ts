/**
 * The rule of owners' transmit scale alerts. A hotspot's HIP-17 transmit scale multiplies every
 * beacon and witness reward it earns, and it drops without the owner doing anything: a new hotspot
 * asserted nearby, or a neighbour back online, lowers it (and one going quiet raises it). Owners
 * see the earnings fall a day later and ask why; this tells them when it happens.
 *
 * Only an interactive hotspot has a scale that means something (one that is not shows the default,
 * which is the online alert's business), so the scale told is the one last seen while interactive,
 * and a change is a move from it seen while interactive again.
 */

export interface ScaleChange {
  address: string;
  fromScaleE4: number;
  toScaleE4: number;
}

/**
 * `nowE4`: the scale × 10^4 now if the hotspot is interactive, else undefined; `toldE4`: the one
 * last told (or first seen), null or undefined if none was seen yet.
 */
export function scaleChange(address: string, nowE4: number | undefined, toldE4: number | null | undefined): ScaleChange | undefined {
  if (nowE4 === undefined || toldE4 === null || toldE4 === undefined || nowE4 === toldE4) return undefined;
  return { address, fromScaleE4: toldE4, toScaleE4: nowE4 };
}

/** The scale to keep as told: the one seen now while interactive, else the one told before. */
export function scaleToRecord(nowE4: number | undefined, toldE4: number | null | undefined): number | null {
  return nowE4 ?? toldE4 ?? null;
}

/** A snapshot's scale (4 decimals, as hotspot views show it) × 10^4. */
export const scaleE4 = (scale: number): number => Math.round(scale * 10_000);
