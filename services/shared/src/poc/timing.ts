/** Time rules shared by beacon and witness checks. All times are epoch ms from the ingest clock. */

/**
 * Helium compares entropy windows in whole seconds: a report is in time when
 * start_s <= received_s <= start_s + lifespan_s. Truncating both to seconds first matches its
 * verdicts at the edges.
 */
export function isWithinEntropyWindow(receivedAtMs: number, entropyStartMs: number, lifespanMs: number): boolean {
  const receivedS = Math.floor(receivedAtMs / 1000);
  const startS = Math.floor(entropyStartMs / 1000);
  return receivedS >= startS && receivedS <= startS + Math.floor(lifespanMs / 1000);
}

/** Start of the epoch-aligned beacon window containing `atMs` (6 h windows start at 00/06/12/18 UTC). */
export function beaconWindowStartMs(atMs: number, beaconIntervalMs: number): number {
  return Math.floor(atMs / beaconIntervalMs) * beaconIntervalMs;
}

/** The entropy_expired verdict's numbers when a report arrived outside its entropy window, else null. */
export function entropyExpiry(receivedAtMs: number, entropyStartMs: number, lifespanMs: number): Record<string, number> | null {
  if (isWithinEntropyWindow(receivedAtMs, entropyStartMs, lifespanMs)) return null;
  return { receivedAtMs, entropyStartMs, entropyAgeMs: receivedAtMs - entropyStartMs, entropyLifespanMs: lifespanMs };
}
