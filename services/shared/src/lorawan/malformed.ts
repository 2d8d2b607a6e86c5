import { AppError, err, type Result } from '../errors';

/** Stable sub-codes in `details.reason` so callers can count drop reasons without parsing text. */
export type MalformedReason =
  | 'too_short'
  | 'too_long'
  | 'bad_length'
  | 'unsupported_major'
  | 'unsupported_mtype'
  | 'fopts_overflow'
  | 'fopts_with_fport0'
  | 'bad_field'
  | 'bad_mac_command';

export function malformed(reason: MalformedReason, message: string, details: Record<string, unknown> = {}): Result<never> {
  return err(new AppError('lorawan.malformed', message, { reason, ...details }));
}
