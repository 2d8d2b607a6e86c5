/**
 * Every threshold of the epoch analytics, with why it has its value. The defaults are tuned against
 * a channel like the simulator's (log-distance exponent 3-3.6, 6-8 dB shadowing fixed per link,
 * 1.5 dB fading per packet) and chosen so an honest hotspot needs several independent unlikely
 * events to be flagged: every rule asks for a minimum number of links or reports.
 */

export interface FraudParams {
  /** Edges needed to fit the epoch's path-loss model; fewer and the RF rules are skipped. */
  minEdgesForModel: number;
  /** Spoofing: distinct partners (either direction) a hotspot needs before it can be judged. */
  spoofMinPartners: number;
  /** Spoofing: how many of its strongest partners are looked at. */
  spoofStrongestPartners: number;
  /** Spoofing: those partners' asserted distances (median) at least this far, and the position estimate this far off... */
  spoofMinOffsetM: number;
  /** ...and their asserted distances at least this many times what their signals imply (median). */
  spoofMinOffsetRatio: number;

  /** Fabricated RSSI: a witness's pooled report-to-report spread at most this (dB) is "no fading". */
  onModelMaxFadingDb: number;
  /** ...judged over at least this many degrees of freedom (repeat reports). */
  onModelMinFadingDof: number;
  /** Fabricated RSSI: spread around the witness's own distance fit at most this (dB)... */
  onModelMaxFitSpreadDb: number;
  /** ...with at least this many distinct beaconers. */
  onModelMinPartners: number;
  /** Too strong: at least this many bad_rssi reports... */
  tooStrongMinReports: number;
  /** ...being at least this share of the witness's link-checked reports. */
  tooStrongMinShare: number;
  /** Rings: a witness whose report-to-report spread reaches this (dB) is a candidate member... */
  ringCandidateFadingDb: number;
  /** ...over at least this many degrees of freedom. */
  ringCandidateMinDof: number;
  /** Rings: groups of at least this many hotspots... */
  ringMinMembers: number;
  /** ...whose pooled spread over their internal edges is at least this (dB)... */
  ringMinGroupFadingDb: number;
  /** ...and whose members' witness reports stay inside the group at least this share. */
  ringMinInsideShare: number;
  /** Replays: repeated payloads (beacons or witnesses outside the beacon window) needed. */
  replayMinRepeats: number;
  /** Spam: extra beacons (a second fresh beacon in one window) needed. */
  spamMinExtraBeacons: number;
  /** Clock skew: |median report timestamp - receive time| at least this... */
  clockSkewMinOffsetMs: number;
  /** ...over at least this many beacons. */
  clockSkewMinSamples: number;
}

export const DEFAULT_FRAUD_PARAMS: Readonly<FraudParams> = Object.freeze({
  minEdgesForModel: 20,
  spoofMinPartners: 3,
  // An honest hotspot's strongest links are its real neighbours: read against the strong-link line
  // they imply distances near the asserted ones (in firmware-sim runs at most 2.7x off). A spoofer
  // 15+ km from its radio hears its real neighbours 3x to 100x closer than asserted. The hard
  // honest case is a lone rural hotspot whose only links are long and lucky.
  spoofStrongestPartners: 4,
  spoofMinOffsetM: 10_000,
  spoofMinOffsetRatio: 3,
  // Honest packets fade ~1.5 dB apart even on a static link; whole-dB reporting adds 0.3 dB.
  onModelMaxFadingDb: 0.35,
  onModelMinFadingDof: 8,
  onModelMaxFitSpreadDb: 1.0,
  // A line through a handful of links can be tight by chance; through ten it cannot (8 dB shadowing).
  onModelMinPartners: 10,
  // Honest links of a few hundred metres sit at free space, and gain truncation can tip one over.
  tooStrongMinReports: 5,
  tooStrongMinShare: 0.5,
  // A static link does not swing 3 dB report to report; invented numbers with noise do. Candidates
  // are let in generously (2 dB); the group tests below decide.
  ringCandidateFadingDb: 2,
  ringCandidateMinDof: 3,
  ringMinMembers: 3,
  ringMinGroupFadingDb: 2.2,
  ringMinInsideShare: 0.8,
  // Honest retries land inside the beacon window (duplicate); replays of old reports do not.
  replayMinRepeats: 2,
  spamMinExtraBeacons: 2,
  clockSkewMinOffsetMs: 60_000,
  clockSkewMinSamples: 2,
});

export function resolveFraudParams(overrides: Partial<FraudParams> = {}): FraudParams {
  return { ...DEFAULT_FRAUD_PARAMS, ...overrides };
}
