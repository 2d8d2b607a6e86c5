/**
 * The load generator's uplinks carry a unique number (a big-endian uint32 at PHYPayload byte 9,
 * see uplinkBytes). The benchmark's LNS finds that number in what the router forwards by reading
 * the base64 text in place, without parsing the JSON or decoding the whole payload: the LNS runs
 * in the same process as the router it measures, and every object it allocates per delivery adds
 * garbage-collection pauses of its own isolate to the latencies it records.
 */

/** PHYPayload offset of the uplink's number: after MHDR (1), DevAddr (4), FCtrl (1), FCnt (2), FPort (1). */
export const UPLINK_ID_OFFSET = 9;

/** A data uplink PHYPayload without crypto (the router does not check MICs of routes without filters), numbered `n`. */
export function uplinkBytes(devAddr: number, n: number): Buffer {
  const b = Buffer.alloc(1 + 4 + 1 + 2 + 1 + 11 + 4);
  b[0] = 0x40;
  b.writeUInt32LE(devAddr >>> 0, 1);
  b[5] = 0;
  b.writeUInt16LE(n & 0xffff, 6);
  b[8] = 1;
  b.writeUInt32BE(n >>> 0, UPLINK_ID_OFFSET); // unique per packet
  b.writeUInt32BE((n * 2654435761) >>> 0, b.length - 4);
  return b;
}

/** Standard base64 alphabet (Buffer's 'base64'): char code -> 6 bits, -1 for anything else. */
const SEXTET = (() => {
  const t = new Int8Array(128).fill(-1);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < abc.length; i++) t[abc.charCodeAt(i)] = i;
  return t;
})();

/**
 * The uplink number of the base64 PHYPayload starting at `start` in `bytes`, or -1 if the text
 * there is not base64 long enough. Byte 9 begins base64 group 3 (chars 12-15, bytes 9-11) and byte
 * 12 is the first of group 4 (chars 16-17 carry it).
 */
export function uplinkIdAt(bytes: Uint8Array, start: number): number {
  const first = start + (UPLINK_ID_OFFSET / 3) * 4;
  if (first + 6 > bytes.length) return -1;
  let bits = 0;
  for (let i = 0; i < 6; i++) {
    const c = bytes[first + i]!;
    const s = c < 128 ? SEXTET[c]! : -1;
    if (s < 0) return -1;
    bits = bits * 64 + s; // 36 bits: more than a 32-bit shift can hold
  }
  return Math.floor(bits / 16) >>> 0; // drop the 4 bits of byte 13
}

/** `"key":"` as bytes, for scanning. */
export function quotedKey(key: string): Buffer {
  return Buffer.from(`"${key}":"`, 'latin1');
}

/**
 * Calls `visit` with the uplink number of every string value under `key` (as `quotedKey(key)`)
 * in a JSON text: the `data` of each rxpk of a PUSH_DATA, or a webhook's `phyPayload`.
 */
export function forEachUplinkId(json: Buffer, key: Buffer, from: number, visit: (n: number) => void): void {
  let at = json.indexOf(key, from);
  while (at >= 0) {
    const start = at + key.length;
    const n = uplinkIdAt(json, start);
    if (n >= 0) visit(n);
    at = json.indexOf(key, start);
  }
}
