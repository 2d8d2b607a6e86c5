/**
 * Length-delimited batches: each message prefixed by its length as a protobuf varint, the framing
 * protobufjs writes with `encodeDelimited` (and Java's writeDelimitedTo, Go's protodelim). Used
 * for HTTP batch bodies of reports. (Helium's S3 files used a 4-byte big-endian prefix instead;
 * nothing here needs to read those.)
 *
 * Splitting enforces limits before any message is decoded and never throws: a body is rejected
 * as a whole with `request.too_large` or `proto.malformed` (details say where).
 */
import { AppError, err, ok, type Result } from '../errors';
import { concatBytes } from './bytes';
import { readVarint32, writeVarint32 } from './proto-wire';
import { MAX_REPORT_BYTES } from './reports';

export interface BatchLimits {
  /** Most messages one batch may hold. */
  maxMessages: number;
  /** Most bytes the whole batch may take, prefixes included. */
  maxBytes: number;
  /** Most bytes one message may take. */
  maxMessageBytes: number;
}

/**
 * Defaults sized for report batches: ~1 000 reports of ~250 bytes each stays well under 1 MiB,
 * which is what one hotspot's buffered backlog plausibly amounts to after an outage.
 */
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxMessages: 1000,
  maxBytes: 1024 * 1024,
  maxMessageBytes: MAX_REPORT_BYTES,
};

export function encodeDelimitedBatch(messages: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...messages.flatMap((m) => [writeVarint32(m.length), m]));
}

/** The raw messages of a batch, in order. */
export function splitDelimitedBatch(bytes: Uint8Array, limits: BatchLimits = DEFAULT_BATCH_LIMITS): Result<Uint8Array[]> {
  if (!(bytes instanceof Uint8Array)) return err(new AppError('proto.malformed', 'expected bytes'));
  if (bytes.length > limits.maxBytes) {
    return tooLarge('batch exceeds the byte limit', { maxBytes: limits.maxBytes, observedBytes: bytes.length });
  }
  const messages: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (messages.length >= limits.maxMessages) {
      return tooLarge('batch exceeds the message limit', { maxMessages: limits.maxMessages });
    }
    const length = readVarint32(bytes, offset);
    if (!length) {
      return err(new AppError('proto.malformed', 'truncated or oversized length prefix', { index: messages.length, offset }));
    }
    if (length.value > limits.maxMessageBytes) {
      return tooLarge('message exceeds the per-message limit', {
        index: messages.length,
        maxMessageBytes: limits.maxMessageBytes,
        observedBytes: length.value,
      });
    }
    const end = length.nextOffset + length.value;
    if (end > bytes.length) {
      return err(new AppError('proto.malformed', 'message runs past the end of the batch', { index: messages.length, offset }));
    }
    messages.push(bytes.subarray(length.nextOffset, end));
    offset = end;
  }
  return ok(messages);
}

/**
 * Splits and decodes every message; the first bad message fails the whole batch, with its index
 * in the error details. Callers that want per-message verdicts use splitDelimitedBatch instead.
 */
export function decodeDelimitedBatch<T>(
  bytes: Uint8Array,
  decodeOne: (message: Uint8Array) => Result<T>,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): Result<T[]> {
  const split = splitDelimitedBatch(bytes, limits);
  if (!split.ok) return split;
  const out: T[] = [];
  for (const [index, message] of split.value.entries()) {
    const decoded = decodeOne(message);
    if (!decoded.ok) {
      const e = decoded.error;
      return err(new AppError(e.code, `message ${index}: ${e.message}`, { index, ...e.details }, { cause: e }));
    }
    out.push(decoded.value);
  }
  return ok(out);
}

function tooLarge(message: string, details: Record<string, unknown>): Result<never> {
  return err(new AppError('request.too_large', message, details));
}
