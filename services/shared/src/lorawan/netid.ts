/**
 * NetID <-> DevAddr mapping (LoRaWAN Backend Interfaces, types 0-7). A NetID is 24 bits: Type in
 * the top 3, NwkID in the low bits. A DevAddr is `prefix | NwkID | NwkAddr` where the prefix is
 * `Type` ones then a zero, so a DevAddr alone tells its NetID type and NwkID. Values are unsigned
 * numbers here; parse/format helpers convert from and to the display hex used elsewhere.
 */

/** NwkID width per NetID type; NwkAddr gets what is left of 32 bits after the prefix. */
const NWK_ID_BITS = [6, 6, 9, 11, 12, 13, 15, 17] as const;

export interface NetIdLayout {
  type: number;
  prefixBits: number;
  nwkIdBits: number;
  nwkAddrBits: number;
}

export interface DevAddrRange {
  /** Inclusive bounds as unsigned 32-bit numbers. */
  start: number;
  end: number;
  size: number;
}

export function netIdLayout(type: number): NetIdLayout {
  const nwkIdBits = NWK_ID_BITS[type & 0x07] ?? 6;
  const prefixBits = (type & 0x07) + 1;
  return { type: type & 0x07, prefixBits, nwkIdBits, nwkAddrBits: 32 - prefixBits - nwkIdBits };
}

export function netIdType(netId: number): number {
  return (netId >>> 21) & 0x07;
}

export function netIdNwkId(netId: number): number {
  const { nwkIdBits } = netIdLayout(netIdType(netId));
  return (netId & 0x1fffff) % 2 ** nwkIdBits;
}

function prefixValue(type: number): number {
  // `type` leading ones; the zero bit after them is implicit.
  return (2 ** type - 1) * 2 ** (32 - type);
}

/** The DevAddr block a NetID owns. */
export function devAddrRangeOfNetId(netId: number): DevAddrRange {
  const layout = netIdLayout(netIdType(netId));
  const size = 2 ** layout.nwkAddrBits;
  const start = prefixValue(layout.type) + netIdNwkId(netId) * size;
  return { start, end: start + size - 1, size };
}

/** NetID type encoded in a DevAddr's prefix, or null for the reserved all-ones first byte. */
export function devAddrType(devAddr: number): number | null {
  const addr = devAddr >>> 0;
  for (let type = 0; type < 8; type++) {
    if (((addr >>> (31 - type)) & 1) === 0) return type;
  }
  return null;
}

/** NwkID carried by a DevAddr, or null when its prefix is reserved. */
export function devAddrNwkId(devAddr: number): number | null {
  const type = devAddrType(devAddr);
  if (type === null) return null;
  const { nwkIdBits, nwkAddrBits } = netIdLayout(type);
  return Math.floor((devAddr >>> 0) / 2 ** nwkAddrBits) % 2 ** nwkIdBits;
}

/** True when the DevAddr lies in the block owned by the NetID. */
export function devAddrBelongsToNetId(devAddr: number, netId: number): boolean {
  const { start, end } = devAddrRangeOfNetId(netId);
  const addr = devAddr >>> 0;
  return addr >= start && addr <= end;
}

/** `"49be7df1"` -> 0x49be7df1; null unless exactly 8 hex characters. */
export function parseDevAddr(hex: string): number | null {
  return /^[0-9a-fA-F]{8}$/.test(hex) ? parseInt(hex, 16) : null;
}

/** `"00003c"` -> 0x3c; null unless exactly 6 hex characters. */
export function parseNetId(hex: string): number | null {
  return /^[0-9a-fA-F]{6}$/.test(hex) ? parseInt(hex, 16) : null;
}

export function formatDevAddr(devAddr: number): string {
  return (devAddr >>> 0).toString(16).padStart(8, '0');
}

export function formatNetId(netId: number): string {
  return (netId & 0xffffff).toString(16).padStart(6, '0');
}
