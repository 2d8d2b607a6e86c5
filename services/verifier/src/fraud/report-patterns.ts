/**
 * Flags from report counts alone: replayers (payloads they already sent, sent again after the
 * beacon's window), beacon spammers (a second fresh beacon in one window) and skewed clocks (the
 * hotspot's own timestamps far from when its reports arrive). Honest retries land inside the beacon
 * window and show up as `duplicate`, not here.
 */
import type { FraudFlag, HotspotReportCounts } from './epoch-evidence';
import type { FraudParams } from './fraud-params';

export function detectReportPatterns(counts: readonly HotspotReportCounts[], params: FraudParams): FraudFlag[] {
  const flags: FraudFlag[] = [];
  for (const c of [...counts].sort((a, b) => (a.address < b.address ? -1 : 1))) {
    const repeats = c.repeatedBeacons + c.repeatedWitnesses;
    if (repeats >= params.replayMinRepeats) {
      flags.push({
        hotspotAddress: c.address,
        kind: 'replayer',
        score: Math.min(1, repeats / (2 * params.replayMinRepeats)),
        evidence: { repeatedBeacons: c.repeatedBeacons, repeatedWitnesses: c.repeatedWitnesses, duplicateWitnesses: c.duplicateWitnesses },
      });
    }
    // A replayed beacon takes its window too, so the hotspot's own next beacon in that window is
    // irregular: count only extra beacons beyond the replays.
    if (c.extraBeacons - c.repeatedBeacons >= params.spamMinExtraBeacons) {
      flags.push({
        hotspotAddress: c.address,
        kind: 'beacon_spammer',
        score: Math.min(1, c.extraBeacons / (2 * params.spamMinExtraBeacons)),
        evidence: { beacons: c.beacons, extraBeacons: c.extraBeacons },
      });
    }
    if (c.medianClockOffsetMs !== null && c.clockSamples >= params.clockSkewMinSamples && Math.abs(c.medianClockOffsetMs) >= params.clockSkewMinOffsetMs) {
      flags.push({
        hotspotAddress: c.address,
        kind: 'clock_skew',
        score: Math.min(1, Math.abs(c.medianClockOffsetMs) / (10 * params.clockSkewMinOffsetMs)),
        evidence: { medianClockOffsetMs: Math.round(c.medianClockOffsetMs), beacons: c.clockSamples },
      });
    }
  }
  return flags;
}
