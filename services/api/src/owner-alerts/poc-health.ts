/**
 * The rule of owners' proof-of-coverage alerts. A hotspot can be online, beaconing and witnessing
 * every day and still earn nothing, because every report it makes is rejected: an asserted
 * location that is wrong (witnesses too close, RSSI above what the distance allows), a bad antenna
 * gain, a clock far off. Owners asked to be told (the old hotspot app's "no beaconing" alert);
 * the reasons are in the hotspot's PoC list, but nobody reads it daily.
 *
 * Over a recent window, a hotspot with at least MIN_REPORTS beacon and witness verdicts, none of
 * them valid, is failing, with the reason most of them were rejected for; one with a valid report
 * is fine; one with fewer reports is not judged (quiet hotspots and data-only ones are the online
 * alert's business).
 */

/** Reports (beacons and witnesses) a window must hold before a hotspot is judged. */
export const MIN_REPORTS = 3;

export interface PocReportCounts {
  valid: number;
  /** Rejected reports by reason code. */
  invalidByReason: ReadonlyMap<string, number>;
}

export type PocHealth =
  | { state: 'ok'; validReports: number; invalidReports: number }
  | { state: 'failing'; reason: string; invalidReports: number }
  | { state: 'unknown' };

const sum = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);

export function pocHealth(counts: PocReportCounts): PocHealth {
  const invalid = sum(counts.invalidByReason);
  if (counts.valid + invalid < MIN_REPORTS) return { state: 'unknown' };
  if (counts.valid > 0) return { state: 'ok', validReports: counts.valid, invalidReports: invalid };
  // The most frequent reason; on a tie the first by name, so a notice never flips between two.
  const [reason] = [...counts.invalidByReason.entries()].sort(([ra, na], [rb, nb]) => nb - na || (ra < rb ? -1 : ra > rb ? 1 : 0))[0]!;
  return { state: 'failing', reason, invalidReports: invalid };
}

export interface PocChange {
  address: string;
  failing: boolean;
  /** Why most reports were rejected, when failing. */
  reason: string | null;
  invalidReports: number;
}

/**
 * What is news against what was told (`told`: failing or not, null or absent when never known):
 * a hotspot that starts failing, or passes again after failing. A hotspot first judged fine is not
 * news; one first judged failing is (that is what an owner subscribes to hear, and nothing told
 * them before). An unknown state changes nothing.
 */
export function pocChange(address: string, health: PocHealth, told: boolean | null | undefined): PocChange | undefined {
  if (health.state === 'unknown') return undefined;
  const failing = health.state === 'failing';
  if (failing === (told ?? false)) return undefined;
  return { address, failing, reason: health.state === 'failing' ? health.reason : null, invalidReports: health.invalidReports };
}
