/**
 * Protobuf wire-level helpers: varints and a structural pre-check of a message.
 *
 * protobufjs' generated decoders trust the wire type written in each tag (a `bytes` field sent as
 * a varint is read as bytes anyway) and recurse on groups; prost, which Helium's own services use,
 * rejects both. Scanning first makes our accept/reject decision match prost's for the messages we
 * read, and bounds the work done on hostile input before the generated decoder ever runs.
 */
import { AppError, err, ok, type Result } from '../errors';

export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;
export type WireTypeValue = (typeof WireType)[keyof typeof WireType];

/** Expected wire type of each field number a message defines. */
export type FieldWireTypes = Readonly<Record<number, WireTypeValue>>;

const MAX_VARINT_BYTES = 10;
/** A uint32 varint (tags, lengths) never needs more than 5 bytes. */
const MAX_VARINT32_BYTES = 5;

export interface VarintRead {
  value: bigint;
  nextOffset: number;
}

/** Reads one base-128 varint; undefined when truncated, longer than `maxBytes` or above 2^64 - 1. */
export function readVarint(bytes: Uint8Array, offset: number, maxBytes = MAX_VARINT_BYTES): VarintRead | undefined {
  const length = varintLength(bytes, offset, maxBytes);
  if (length === 0) return undefined;
  // Up to 7 bytes (49 bits) is exact in a double; only longer varints need BigInt arithmetic.
  if (length <= 7) {
    let n = 0;
    for (let i = 0; i < length; i++) n += (bytes[offset + i]! & 0x7f) * 2 ** (7 * i);
    return { value: BigInt(n), nextOffset: offset + length };
  }
  let value = 0n;
  for (let i = 0; i < length; i++) value |= BigInt(bytes[offset + i]! & 0x7f) << BigInt(7 * i);
  return { value, nextOffset: offset + length };
}

/**
 * Length in bytes of the varint at `offset`, or 0 when truncated, longer than `maxBytes` or above
 * 2^64 - 1 (a tenth byte can only carry bit 63).
 */
function varintLength(bytes: Uint8Array, offset: number, maxBytes: number): number {
  for (let i = 0; i < maxBytes; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) return 0;
    if ((byte & 0x80) === 0) return i === 9 && byte > 1 ? 0 : i + 1;
  }
  return 0;
}

/** A uint32 varint as a number (tags and length prefixes). */
export function readVarint32(bytes: Uint8Array, offset: number): { value: number; nextOffset: number } | undefined {
  const read = readVarint(bytes, offset, MAX_VARINT32_BYTES);
  if (!read || read.value > 0xffffffffn) return undefined;
  return { value: Number(read.value), nextOffset: read.nextOffset };
}

export function writeVarint32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`not a uint32: ${value}`);
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/**
 * Walks every field of a message: tags well-formed, field numbers non-zero, known fields carry
 * their declared wire type, lengths stay inside the buffer. Unknown fields are skipped (forward
 * compatible, as in prost) except groups, which no Helium message uses.
 */
export function checkMessageStructure(bytes: Uint8Array, fields: FieldWireTypes, messageName = 'message'): Result<void> {
  const malformed = (text: string, details: Record<string, unknown>): Result<never> =>
    err(new AppError('proto.malformed', `${messageName}: ${text}`, { message: messageName, ...details }));
  let offset = 0;
  while (offset < bytes.length) {
    const tag = readVarint32(bytes, offset);
    if (!tag) return malformed('truncated or oversized field tag', { offset });
    const fieldNumber = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (fieldNumber === 0) return malformed('field number 0 is invalid', { offset });
    const expected = fields[fieldNumber];
    if (expected !== undefined && expected !== wireType) {
      return malformed('field has the wrong wire type', { offset, fieldNumber, expectedWireType: expected, observedWireType: wireType });
    }
    offset = tag.nextOffset;
    switch (wireType) {
      case WireType.varint: {
        const length = varintLength(bytes, offset, MAX_VARINT_BYTES);
        if (length === 0) return malformed('truncated or oversized varint', { offset, fieldNumber });
        offset += length;
        break;
      }
      case WireType.fixed64:
        offset += 8;
        break;
      case WireType.fixed32:
        offset += 4;
        break;
      case WireType.lengthDelimited: {
        const length = readVarint32(bytes, offset);
        if (!length) return malformed('truncated or oversized length', { offset, fieldNumber });
        offset = length.nextOffset + length.value;
        break;
      }
      default:
        return malformed('unsupported wire type', { offset, fieldNumber, wireType });
    }
    if (offset > bytes.length) return malformed('field runs past the end of the message', { fieldNumber });
  }
  return ok(undefined);
}

/** protobufjs hands 64-bit fields back as a Long ({ low, high }) or, without long.js, a number. */
export function uint64ToBigint(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'bigint') return value;
  if (value && typeof value === 'object' && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  }
  return 0n;
}

/** A LongBits-compatible object that protobufjs' Writer.uint64 accepts without needing long.js. */
export function bigintToUint64(value: bigint): { low: number; high: number; unsigned: true } {
  const v = BigInt.asUintN(64, value);
  return { low: Number(v & 0xffffffffn) | 0, high: Number(v >> 32n) | 0, unsigned: true };
}
