/**
 * Scores what the backend flagged against the simulator's labels: precision and recall overall and
 * recall per cheater kind. A hotspot counts as flagged when
 * - the fraud analytics wrote a fraud flag for it, or
 * - one of its own beacons was invalid for a reason only its own conduct explains (tx power over
 *   the limit, a second beacon in a window, stale entropy, a forged packet), or
 * - one of its own witness reports was invalid for such a reason (self-witness, duplicate,
 *   stale entropy, a payload nobody beaconed), or
 * - a large share of its witness reports failed the radio or timing checks (over free space, under
 *   sensitivity, late...). A share, not any: an honest hotspot near a location spoofer fails
 *   bad_rssi on the spoofer's beacons through no fault of its own.
 * Witness verdicts that only carry their beacon's failure (side "beaconer") are not the witness's.
 */
import type { CheaterKind } from './cheater-kinds';
import { CHEATER_KINDS } from './cheater-kinds';
import type { HotspotLabel } from './labels';

export const BEACON_CONDUCT_REASONS: readonly string[] = ['tx_power_too_high', 'irregular_interval', 'entropy_expired', 'invalid_packet'];
export const WITNESS_CONDUCT_REASONS: readonly string[] = ['self_witness', 'duplicate', 'entropy_expired', 'invalid_packet'];
export const WITNESS_RATE_REASONS: readonly string[] = ['bad_rssi', 'too_late', 'rssi_below_sensitivity', 'snr_below_floor', 'invalid_frequency', 'invalid_data_rate', 'max_distance_exceeded'];
/** Share of a hotspot's witness verdicts failing rate reasons that flags it. */
export const WITNESS_RATE_THRESHOLD = 0.25;
/** ...and at least this many of them, so one unlucky witness report does not. */
export const WITNESS_RATE_MIN_COUNT = 2;

export interface HotspotEvidence {
  fraudFlags: string[];
  /** Invalid beacon verdicts by reason. */
  beaconInvalid: Record<string, number>;
  /** Invalid witness verdicts of its own (not carried over from the beacon), by reason. */
  witnessInvalid: Record<string, number>;
  /** All its witness verdicts, valid or not (its own side). */
  witnessVerdicts: number;
}

/** Why a hotspot is flagged (empty: not flagged). */
export function flagSignals(e: HotspotEvidence | undefined): string[] {
  if (!e) return [];
  const signals = e.fraudFlags.map((k) => `fraud_flag:${k}`);
  for (const r of BEACON_CONDUCT_REASONS) if ((e.beaconInvalid[r] ?? 0) > 0) signals.push(`beacon:${r}`);
  for (const r of WITNESS_CONDUCT_REASONS) if ((e.witnessInvalid[r] ?? 0) > 0) signals.push(`witness:${r}`);
  const rateFailures = WITNESS_RATE_REASONS.reduce((n, r) => n + (e.witnessInvalid[r] ?? 0), 0);
  if (rateFailures >= WITNESS_RATE_MIN_COUNT && e.witnessVerdicts > 0 && rateFailures / e.witnessVerdicts >= WITNESS_RATE_THRESHOLD) {
    const top = WITNESS_RATE_REASONS.filter((r) => (e.witnessInvalid[r] ?? 0) > 0).sort((a, b) => (e.witnessInvalid[b] ?? 0) - (e.witnessInvalid[a] ?? 0));
    signals.push(`witness_rate:${top.join('+')}`);
  }
  return signals;
}

export interface KindScore {
  kind: CheaterKind;
  total: number;
  caught: number;
  recall: number | null;
  /** Signals that caught them, most frequent first. */
  caughtBy: { signal: string; hotspots: number }[];
}

export interface DetectionScore {
  /** Hotspots scored: full (PoC) hotspots; data-only ones cannot cheat at PoC. */
  scored: number;
  cheaters: number;
  flagged: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number | null;
  recall: number | null;
  perKind: KindScore[];
  /** Signals that flagged honest hotspots, most frequent first. */
  falsePositiveSignals: { signal: string; hotspots: number }[];
}

function tally(signalLists: string[][]): { signal: string; hotspots: number }[] {
  const counts = new Map<string, number>();
  for (const list of signalLists) for (const s of new Set(list.map((x) => x.split(':').slice(0, 2).join(':')))) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([signal, hotspots]) => ({ signal, hotspots })).sort((a, b) => b.hotspots - a.hotspots || a.signal.localeCompare(b.signal));
}

export function scoreDetection(labels: readonly HotspotLabel[], evidence: ReadonlyMap<string, HotspotEvidence>): DetectionScore {
  const scored = labels.filter((l) => l.capability === 'full');
  const signals = new Map(scored.map((l) => [l.address, flagSignals(evidence.get(l.address))]));
  const flagged = scored.filter((l) => (signals.get(l.address) ?? []).length > 0);
  const cheaters = scored.filter((l) => l.kind !== null);
  const truePositives = flagged.filter((l) => l.kind !== null).length;
  const falsePositives = flagged.length - truePositives;
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  return {
    scored: scored.length,
    cheaters: cheaters.length,
    flagged: flagged.length,
    truePositives,
    falsePositives,
    falseNegatives: cheaters.length - truePositives,
    precision: ratio(truePositives, flagged.length),
    recall: ratio(truePositives, cheaters.length),
    perKind: CHEATER_KINDS.map((kind) => {
      const ofKind = scored.filter((l) => l.kind === kind);
      const caught = ofKind.filter((l) => (signals.get(l.address) ?? []).length > 0);
      return { kind, total: ofKind.length, caught: caught.length, recall: ratio(caught.length, ofKind.length), caughtBy: tally(caught.map((l) => signals.get(l.address) ?? [])) };
    }),
    falsePositiveSignals: tally(flagged.filter((l) => l.kind === null).map((l) => signals.get(l.address) ?? [])),
  };
}
