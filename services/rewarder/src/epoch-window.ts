/**
 * Epoch arithmetic. Epoch N covers [N × length, (N + 1) × length) in UTC epoch milliseconds, so
 * with the default one-day length epoch N is day N after 1970-01-01 (Helium's IoT reward epoch).
 * The end is exclusive: a report received exactly at the boundary belongs to the next epoch.
 */

export interface EpochWindow {
  epoch: number;
  startMs: number;
  /** Exclusive. */
  endMs: number;
}

function checkLength(epochLengthMs: number): void {
  if (!Number.isSafeInteger(epochLengthMs) || epochLengthMs <= 0) throw new RangeError(`bad epoch length ${epochLengthMs}`);
}

export function epochOf(timeMs: number, epochLengthMs: number): number {
  checkLength(epochLengthMs);
  return Math.floor(timeMs / epochLengthMs);
}

export function epochWindow(epoch: number, epochLengthMs: number): EpochWindow {
  checkLength(epochLengthMs);
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`bad epoch ${epoch}`);
  return { epoch, startMs: epoch * epochLengthMs, endMs: (epoch + 1) * epochLengthMs };
}

/** An epoch may be computed once it has ended and the settle delay has passed (late reports, verification). */
export function isEpochDue(window: EpochWindow, nowMs: number, settleDelayMs: number): boolean {
  return nowMs >= window.endMs + settleDelayMs;
}
