/** Small helpers for check details. */

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Details are for people: 3 decimals hide float residue (16.1 - 1 = 15.100000000000001). */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
