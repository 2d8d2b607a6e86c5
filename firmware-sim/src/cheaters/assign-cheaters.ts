/**
 * Picks which hotspots cheat and how. Only full (proof-of-coverage) hotspots cheat: data-only ones
 * earn nothing from PoC. Each cheater has exactly one kind, so a detection can be attributed. Rings
 * are groups of 3-6 whose hardware sits together on one "farm" while their asserted locations are
 * spread over a made-up neighbourhood elsewhere.
 */
import type { LatLng } from '@cov/shared/geo/lat-lng';
import type { SeededRandom } from '../random/seeded-random';
import { CHEATER_KINDS, type CheaterKind, type CheaterShares, type CheatProfile } from './cheater-kinds';

export interface CheaterAssignment {
  /** Profile per hotspot index (absent = honest). */
  profiles: Map<number, CheatProfile>;
  rings: { id: number; members: number[] }[];
}

export interface AssignInput {
  hotspotCount: number;
  eligible: readonly number[];
  shares: CheaterShares;
  /** Draws a point for a ring's farm or asserted neighbourhood (countryside preferred). */
  ringSite: (rng: SeededRandom) => LatLng;
}

export const MIN_RING_SIZE = 3;
export const MAX_RING_SIZE = 6;

/** How many hotspots of each kind: share of all hotspots, rounded; a ring needs at least 3. */
export function cheaterCounts(hotspotCount: number, shares: CheaterShares): Record<CheaterKind, number> {
  const counts = {} as Record<CheaterKind, number>;
  for (const kind of CHEATER_KINDS) {
    const share = shares[kind];
    let n = share > 0 ? Math.max(1, Math.round(share * hotspotCount)) : 0;
    if (kind === 'gaming_ring' && n > 0) n = Math.max(MIN_RING_SIZE, n);
    counts[kind] = n;
  }
  return counts;
}

export function assignCheaters(input: AssignInput, rng: SeededRandom): CheaterAssignment {
  const pool = rng.fork('pool').shuffled(input.eligible);
  const profiles = new Map<number, CheatProfile>();
  const rings: { id: number; members: number[] }[] = [];
  const counts = cheaterCounts(input.hotspotCount, input.shares);
  for (const kind of CHEATER_KINDS) {
    const r = rng.fork(kind);
    const members = pool.splice(0, Math.min(counts[kind], pool.length));
    if (kind === 'gaming_ring') {
      for (const group of splitIntoRings(members, r)) {
        const id = rings.length;
        const farm = input.ringSite(r);
        rings.push({ id, members: group });
        for (const m of group) profiles.set(m, { kind, ringId: id, farm });
      }
      continue;
    }
    for (const m of members) profiles.set(m, profileFor(kind, r));
  }
  return { profiles, rings };
}

/** Between ceil(n/6) and floor(n/3) rings, members dealt round-robin: every ring has 3-6 members. */
export function splitIntoRings(members: readonly number[], rng: SeededRandom): number[][] {
  if (members.length < MIN_RING_SIZE) return [];
  const ringCount = rng.int(Math.ceil(members.length / MAX_RING_SIZE), Math.floor(members.length / MIN_RING_SIZE));
  const groups: number[][] = Array.from({ length: ringCount }, () => []);
  members.forEach((m, i) => groups[i % ringCount]!.push(m));
  return groups;
}

function profileFor(kind: Exclude<CheaterKind, 'gaming_ring'>, rng: SeededRandom): CheatProfile {
  switch (kind) {
    case 'location_spoofer':
      return { kind, offsetM: Math.round(rng.uniform(15_000, 60_000)), bearingDeg: Math.round(rng.uniform(0, 360)) };
    case 'rssi_too_strong':
      return { kind, minExcessDb: 2, maxExcessDb: 12 };
    case 'rssi_on_model':
      return { kind, exponent: 2.8 };
    case 'replayer':
      return { kind, replayProbability: 0.5, minDelayMs: 3 * 60_000, maxDelayMs: 30 * 60_000 };
    case 'late_reporter':
      return { kind, minExtraLagMs: 5_000, maxExtraLagMs: 45_000 };
    case 'clock_skewed': {
      const magnitudeMs = Math.round(rng.uniform(2 * 60_000, 6 * 3_600_000));
      return { kind, skewMs: rng.chance(0.5) ? magnitudeMs : -magnitudeMs };
    }
    case 'self_witness':
      return { kind };
    case 'tx_power_over_reporter':
      return { kind, reportedTxPowerDbm: 0 }; // set from the region once the world knows it
    case 'beacon_spammer':
      return { kind, beaconsPerWindow: rng.int(2, 4) };
  }
}
