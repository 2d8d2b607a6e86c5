/**
 * What the epoch analytics look at, already aggregated by the database: one row per directed radio
 * edge (beaconer -> witness) and one row of report counts per hotspot. Edges carry a normalised
 * path loss so links of different transmit powers and antenna gains compare directly.
 *
 * Normalised path loss P = expectedMaxRssi - rssi + 20*log10(d): the verifier's free-space bound
 * (capped tx power + both gains - FSPL(d)) minus what the witness reported, plus back the distance
 * term of FSPL. That leaves the measured path loss minus the constant 20*log10(4*pi*f/c), so a
 * log-distance channel shows up as a straight line P = A + B*log10(d) with B = 10 x exponent.
 */

export interface EdgeEvidence {
  beaconer: string;
  witness: string;
  /** Witness reports on this edge in the epoch. */
  count: number;
  meanPathLossDb: number;
  /** Sum over reports of (P - mean)^2: the edge's report-to-report spread. */
  sumSquaredDeviationDb2: number;
  /** Between the asserted locations. */
  distanceM: number;
  /** Reports rejected as bad_rssi (stronger than free space). */
  badRssiCount: number;
  beaconerCell: string | null;
  witnessCell: string | null;
}

export interface HotspotReportCounts {
  address: string;
  beacons: number;
  /** Beacons rejected as irregular_interval that carried a fresh payload (a second beacon in a window). */
  extraBeacons: number;
  /** Beacons repeating a payload an earlier beacon already carried. */
  repeatedBeacons: number;
  /** Witness reports this hotspot sent twice for one beacon, inside its window. */
  duplicateWitnesses: number;
  /** Witness reports repeating a payload this hotspot had already reported, outside the beacon's window. */
  repeatedWitnesses: number;
  /** Median of (the hotspot's own report timestamp - server receive time) over its beacons, ms. */
  medianClockOffsetMs: number | null;
  clockSamples: number;
}

export interface EpochEvidence {
  epoch: number;
  edges: readonly EdgeEvidence[];
  counts: readonly HotspotReportCounts[];
}

export type FraudKind = 'location_spoofer' | 'gaming_ring' | 'fabricated_rssi' | 'replayer' | 'beacon_spammer' | 'clock_skew';

export interface FraudFlag {
  hotspotAddress: string;
  kind: FraudKind;
  /** Confidence in [0, 1]. */
  score: number;
  evidence: Record<string, unknown>;
}

export const round2 = (v: number): number => Math.round(v * 100) / 100;
