/**
 * What a process prints when it cannot start. A coded error (a bad setting, a key file, a database
 * not migrated) is the operator's to fix and says what to do: one line with its code, no stack
 * trace to scroll past. Anything else is a bug or an unexpected failure and keeps its stack.
 */
import { isAppError } from '@cov/shared/errors';

export function fatalMessage(e: unknown): string {
  if (isAppError(e)) return `fatal: ${e.code}: ${e.message}`;
  return `fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}
