/**
 * An independent proto3 writer for tests (tag = field << 3 | wire type; varints base 128), so
 * wire-level expectations do not come from the encoder under test.
 */
export function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
}

export const fieldVarint = (field: number, v: bigint) => [...varint(BigInt(field << 3)), ...varint(v)];
export const fieldBytes = (field: number, b: Uint8Array) => [...varint(BigInt((field << 3) | 2)), ...varint(BigInt(b.length)), ...b];
