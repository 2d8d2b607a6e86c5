/**
 * Fabricated RSSI, judged on what a hotspot reports as a witness:
 *  - on the model: the numbers never fade from report to report, or they sit on a straight
 *    log-distance line through all its beaconers with almost no scatter (honest links scatter by
 *    the shadowing, 6-8 dB);
 *  - too strong: most of its reports exceed the free-space bound (bad_rssi), beyond what an
 *    honest hotspot with a few mis-asserted neighbours produces.
 */
import { round2, type EdgeEvidence, type FraudFlag } from './epoch-evidence';
import { edgesByWitness, pooledSpread } from './fading';
import type { FraudParams } from './fraud-params';

/** Standard deviation of the residuals of an ordinary least-squares line through (x, y). */
export function lineFitSpread(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const ssr = points.reduce((s, p) => s + (p.y - my - slope * (p.x - mx)) ** 2, 0);
  return n > 2 ? Math.sqrt(ssr / (n - 2)) : Number.POSITIVE_INFINITY;
}

export function detectFabricatedRssi(edges: readonly EdgeEvidence[], params: FraudParams, skip: ReadonlySet<string>): FraudFlag[] {
  const flags: FraudFlag[] = [];
  for (const [witness, own] of edgesByWitness(edges)) {
    if (skip.has(witness)) continue;
    const reports = own.reduce((s, e) => s + e.count, 0);
    const badRssi = own.reduce((s, e) => s + e.badRssiCount, 0);
    if (badRssi >= params.tooStrongMinReports && badRssi / reports >= params.tooStrongMinShare) {
      flags.push({
        hotspotAddress: witness,
        kind: 'fabricated_rssi',
        score: round2(badRssi / reports),
        evidence: { pattern: 'too_strong', badRssiReports: badRssi, reports, share: round2(badRssi / reports) },
      });
      continue;
    }
    const fading = pooledSpread(own);
    const noFading = fading.dof >= params.onModelMinFadingDof && fading.spreadDb <= params.onModelMaxFadingDb;
    const byBeaconer = own.filter((e) => e.distanceM > 0);
    const fitSpreadDb = byBeaconer.length >= params.onModelMinPartners ? lineFitSpread(byBeaconer.map((e) => ({ x: Math.log10(e.distanceM), y: e.meanPathLossDb }))) : null;
    const onLine = fitSpreadDb !== null && fitSpreadDb <= params.onModelMaxFitSpreadDb;
    if (!noFading && !onLine) continue;
    flags.push({
      hotspotAddress: witness,
      kind: 'fabricated_rssi',
      score: noFading && onLine ? 1 : 0.8,
      evidence: {
        pattern: 'on_model',
        reportToReportSpreadDb: round2(fading.spreadDb),
        spreadDegreesOfFreedom: fading.dof,
        distanceFitSpreadDb: fitSpreadDb === null ? null : round2(fitSpreadDb),
        beaconers: byBeaconer.length,
        reports,
      },
    });
  }
  return flags;
}
