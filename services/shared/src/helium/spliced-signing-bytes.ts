/**
 * Signing bytes taken straight from a received report, without decoding and re-encoding it.
 *
 * Helium's rule: a report's signature covers the canonical encoding of the message with the
 * signature field cleared (prost omits a cleared field). When the received bytes are themselves
 * canonical, that encoding is exactly the received bytes with the signature field cut out, so the
 * re-encode can be skipped. This walk accepts a message as canonical only if re-encoding its
 * decoded values would write the same bytes, field by field:
 *
 * - known fields only, each at most once, in ascending field-number order, with their wire type;
 * - tags and lengths as shortest varints;
 * - no default values (a zero varint or an empty bytes field is omitted by the encoder);
 * - varints in the exact form the encoder writes for the field's type: shortest form; uint32 and
 *   sint32 below 2^32; int32 either below 2^31 or a negative value sign-extended to ten bytes.
 *
 * Anything else gives `undefined`, and the caller falls back to the full re-encode; so the set of
 * accepted reports is unchanged, only the common (canonical) case gets cheaper. The signature field
 * itself is not checked (it is cut out whatever it holds).
 */

/** How the encoder writes a field: decides which byte forms are canonical. */
export type CanonicalFieldType = 'bytes' | 'uint64' | 'uint32' | 'sint32' | 'int32';

export interface SignedMessageLayout {
  /** Every field of the message by number. */
  fields: Readonly<Record<number, CanonicalFieldType>>;
  /** The `bytes` field holding the signature. */
  signatureField: number;
}

const LENGTH_DELIMITED = 2;
const VARINT = 0;

/**
 * Shortest-form varint at `offset`: its length in bytes, or 0 when truncated, longer than ten
 * bytes, above 2^64 - 1, or padded with a trailing zero byte (not what an encoder writes).
 */
function canonicalVarintLength(bytes: Uint8Array, offset: number): number {
  for (let i = 0; i < 10; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) return 0;
    if ((byte & 0x80) === 0) {
      if (i > 0 && byte === 0) return 0;
      if (i === 9 && byte > 1) return 0;
      return i + 1;
    }
  }
  return 0;
}

/** Small varint (tags, lengths: at most 5 bytes) as a number; the length must be canonical. */
function smallVarintValue(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value += (bytes[offset + i]! & 0x7f) * 2 ** (7 * i);
  return value;
}

/** True when a varint of `length` bytes at `offset` is what the encoder writes for a non-zero value of `type`. */
function canonicalScalar(type: Exclude<CanonicalFieldType, 'bytes'>, bytes: Uint8Array, offset: number, length: number): boolean {
  const last = bytes[offset + length - 1]!;
  if (length === 1 && last === 0) return false; // zero: the encoder omits the field
  switch (type) {
    case 'uint64':
      return true;
    case 'uint32':
    case 'sint32':
      return length < 5 || (length === 5 && last <= 0x0f);
    case 'int32': {
      if (length < 5 || (length === 5 && last <= 0x07)) return true;
      // A negative int32 is written as the ten-byte two's complement of a 64-bit value: bits 31..63 set.
      if (length !== 10) return false;
      if ((bytes[offset + 4]! & 0x78) !== 0x78) return false;
      for (let i = 5; i < 9; i++) if (bytes[offset + i] !== 0xff) return false;
      return last === 0x01;
    }
  }
}

/**
 * The bytes a signature over `encoded` covers, when `encoded` is canonical (see above): `encoded`
 * without its signature field. A view into `encoded` when the signature is the last field.
 * `undefined` when the message is not canonical (or not well formed): re-encode instead.
 */
export function splicedSigningBytes(encoded: Uint8Array, layout: SignedMessageLayout): Uint8Array | undefined {
  let offset = 0;
  let previousField = 0;
  let signatureStart = -1;
  let signatureEnd = -1;
  while (offset < encoded.length) {
    const tagLength = canonicalVarintLength(encoded, offset);
    if (tagLength === 0 || tagLength > 5) return undefined;
    const tag = smallVarintValue(encoded, offset, tagLength);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    const type = layout.fields[field];
    if (type === undefined || field <= previousField) return undefined;
    previousField = field;
    const fieldStart = offset;
    offset += tagLength;
    if (type === 'bytes') {
      if (wireType !== LENGTH_DELIMITED) return undefined;
      const lengthLength = canonicalVarintLength(encoded, offset);
      if (lengthLength === 0 || lengthLength > 5) return undefined;
      const length = smallVarintValue(encoded, offset, lengthLength);
      offset += lengthLength + length;
      if (offset > encoded.length) return undefined;
      if (field === layout.signatureField) {
        signatureStart = fieldStart;
        signatureEnd = offset;
      } else if (length === 0) {
        return undefined;
      }
    } else {
      if (wireType !== VARINT) return undefined;
      const length = canonicalVarintLength(encoded, offset);
      if (length === 0 || !canonicalScalar(type, encoded, offset, length)) return undefined;
      offset += length;
    }
  }
  if (signatureStart < 0) return encoded;
  if (signatureEnd === encoded.length) return encoded.subarray(0, signatureStart);
  const out = new Uint8Array(encoded.length - (signatureEnd - signatureStart));
  out.set(encoded.subarray(0, signatureStart), 0);
  out.set(encoded.subarray(signatureEnd), signatureStart);
  return out;
}
