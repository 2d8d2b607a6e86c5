import { AppError, err, type Result } from '../errors';

/** Stable sub-codes in `details.reason` of a `gwmp.malformed` error, used as drop counters. */
export type GwmpMalformedReason = 'bad_version' | 'truncated' | 'bad_json' | 'unknown_type' | 'bad_field';

export function gwmpMalformed(reason: GwmpMalformedReason, message: string, details: Record<string, unknown> = {}): Result<never> {
  return err(new AppError('gwmp.malformed', message, { reason, ...details }));
}
