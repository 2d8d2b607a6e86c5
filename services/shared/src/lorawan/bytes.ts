/**
 * Byte helpers shared by the LoRaWAN codec. LoRaWAN puts every multi-byte field on air
 * little-endian, but people (and every console, log and config file) write DevAddr, EUIs and NetID
 * most-significant byte first; the codec converts at the wire boundary so the rest of the backend
 * only ever sees the display form.
 */

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Parses an even-length hex string (either case); `null` for anything else. */
export function hexToBytes(hex: string): Uint8Array | null {
  if (!HEX_RE.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function reversedBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/** Wire (little-endian) bytes to display hex (most-significant byte first, lowercase). */
export function wireToDisplayHex(wire: Uint8Array): string {
  return bytesToHex(reversedBytes(wire));
}

/** Display hex of exactly `byteLength` bytes to wire (little-endian) order; `null` if malformed. */
export function displayHexToWire(hex: string, byteLength: number): Uint8Array | null {
  if (hex.length !== byteLength * 2) return null;
  const bytes = hexToBytes(hex);
  return bytes ? reversedBytes(bytes) : null;
}

export function readUintLE(bytes: Uint8Array, offset: number, byteLength: number): number {
  let value = 0;
  for (let i = byteLength - 1; i >= 0; i--) value = value * 256 + (bytes[offset + i] ?? 0);
  return value;
}

export function writeUintLE(value: number, byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  let v = value;
  for (let i = 0; i < byteLength; i++) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
