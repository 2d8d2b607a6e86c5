/**
 * Backhaul latency: how long a hotspot's report takes from its radio to the backend. Each hotspot
 * has its own typical latency (fibre, cable, LTE, a congested Wi-Fi), messages vary around it
 * log-normally, and now and then a message is stuck behind a retransmission or a bufferbloated
 * uplink for seconds.
 */
import type { SeededRandom } from '../random/seeded-random';

export interface BackhaulProfile {
  /** Median one-way latency of this hotspot's link. */
  medianLagMs: number;
  /** σ (natural log) of per-message variation around the median. */
  sigma: number;
  /** Chance a message is held up by a stall. */
  stallProbability: number;
  /** Median extra delay of a stall. */
  stallMedianMs: number;
}

/** A hotspot's link: medians spread from ~20 ms (fibre) to ~1 s (poor LTE), centred near 120 ms. */
export function sampleBackhaulProfile(rng: SeededRandom): BackhaulProfile {
  return {
    medianLagMs: Math.min(1_500, Math.max(15, rng.logNormal(120, 0.8))),
    sigma: rng.uniform(0.2, 0.6),
    stallProbability: rng.uniform(0.001, 0.01),
    stallMedianMs: rng.uniform(800, 2_500),
  };
}

/** One message's latency, whole milliseconds. */
export function sampleLagMs(profile: BackhaulProfile, rng: SeededRandom): number {
  let lag = rng.logNormal(profile.medianLagMs, profile.sigma);
  if (rng.chance(profile.stallProbability)) lag += rng.logNormal(profile.stallMedianMs, 0.5);
  return Math.max(1, Math.round(lag));
}
