/**
 * What a routed packet costs. We bill the application payload (FRMPayload), as Helium's docs state,
 * not the whole PHYPayload as HPR's code does (reference/lorawan-routing.md §3.5 notes the
 * conflict): a device maker can then predict the price from its own payload sizes. Every bought
 * copy is billed; joins and downlinks are free.
 */

export const BYTES_PER_DC = 24;

/** DC for one bought copy of a data uplink: 1 per started 24 bytes of FRMPayload, at least 1. */
export function dcPerUplinkCopy(frmPayloadBytes: number): number {
  return Math.max(1, Math.ceil(Math.max(0, frmPayloadBytes) / BYTES_PER_DC));
}

/** DC for one bought copy of any packet the router forwards. */
export function dcPerCopy(kind: 'uplink' | 'join', frmPayloadBytes: number): number {
  return kind === 'join' ? 0 : dcPerUplinkCopy(frmPayloadBytes);
}
