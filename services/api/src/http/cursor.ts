/**
 * Opaque keyset cursors: clients pass back what they were given and never build one. The content
 * (the last sort key seen) is base64url JSON so it stays stable across deploys and costs nothing
 * to decode; a cursor that does not decode is a 400, not a silently restarted listing.
 */
import { AppError } from '@cov/shared/errors';
import { findUnstorableText } from '@cov/shared/http/input-guards';

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What every cursor this API issues is: a flat object of strings and safe integers (times in ms,
 * ids, epochs, counts). Anything else was made up, and a number past 2^53 or 1e300, or a string
 * holding a NUL or a lone surrogate, would reach a comparison in SQL and fail there (a 500) rather
 * than here (a 400).
 */
function isSortKey(value: unknown): value is Record<string, string | number> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string' || Number.isSafeInteger(v)) && findUnstorableText(value, 'cursor') === undefined;
}

export function decodeCursor<K extends Record<string, string | number>>(cursor: string | undefined, isValid: (v: unknown) => v is K): K | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isSortKey(value) && isValid(value)) return value;
  } catch {
    // fall through to the coded error
  }
  throw new AppError('request.invalid', 'cursor is not one this API issued', { field: 'cursor' });
}
