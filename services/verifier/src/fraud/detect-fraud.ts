/**
 * All epoch detectors over one epoch's evidence; pure and deterministic (flags sorted by hotspot
 * and kind), so analysing an epoch twice writes the same rows. Rings are looked for first: their
 * members also look like spoofers (their radios sit on a farm far from where they assert) and are
 * reported once, as a ring.
 */
import type { EpochEvidence, FraudFlag } from './epoch-evidence';
import { detectFabricatedRssi } from './fabricated-rssi';
import { resolveFraudParams, type FraudParams } from './fraud-params';
import { detectGamingRings } from './gaming-rings';
import { detectLocationSpoofers } from './location-spoofing';
import { fitPathLossModel, type PathLossModel } from './path-loss-fit';
import { detectReportPatterns } from './report-patterns';

export interface FraudAnalysis {
  model: PathLossModel | null;
  flags: FraudFlag[];
}

export function detectFraud(evidence: EpochEvidence, overrides: Partial<FraudParams> = {}): FraudAnalysis {
  const params = resolveFraudParams(overrides);
  const edges = evidence.edges.filter((e) => e.distanceM > 0 && Number.isFinite(e.meanPathLossDb));
  const model = fitPathLossModel(
    edges.filter((e) => e.beaconer !== e.witness).map((e) => ({ log10DistanceM: Math.log10(e.distanceM), pathLossDb: e.meanPathLossDb })),
    params.minEdgesForModel,
  );
  const rings = detectGamingRings(edges, params);
  const ringMembers = new Set(rings.map((f) => f.hotspotAddress));
  const fabricated = detectFabricatedRssi(edges, params, ringMembers);
  const spoofers = model ? detectLocationSpoofers(edges, model, params, ringMembers) : [];
  const flags = [...rings, ...fabricated, ...spoofers, ...detectReportPatterns(evidence.counts, params)].sort(
    (a, b) => (a.hotspotAddress < b.hotspotAddress ? -1 : a.hotspotAddress > b.hotspotAddress ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0),
  );
  return { model, flags };
}
