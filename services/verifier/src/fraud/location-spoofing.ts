/**
 * Location spoofers: a hotspot whose radio is not where it asserts. Its links are judged from the
 * asserted location, so the partners that sound closest (strongest links) are in fact far away:
 *  - take its strongest partners (lowest path loss, either direction); the distances their signals
 *    imply (read with the model and each partner's own offset from it, see hotspotOffsets) must be
 *    several times shorter than the asserted distances, and those asserted distances long.
 *    Strongest links are used because they are the least affected by the receivers' sensitivity:
 *    honest far links are only ever heard when unusually lucky, so weak links say little, while
 *    an honest hotspot's strongest links are always its real neighbours;
 *  - a position estimated from the partners' locations and the implied distances (weighted least
 *    squares) lies far from the asserted one.
 * Its offset from the model (median polish of all its links) is recorded as evidence.
 */
import { cellCenter } from '@cov/shared/geo/h3-cells';
import { round2, type EdgeEvidence, type FraudFlag } from './epoch-evidence';
import type { FraudParams } from './fraud-params';
import { impliedDistanceM, median, predictedPathLossDb, type PathLossModel } from './path-loss-fit';

interface Partner {
  cell: string | null;
  distanceM: number;
  residualsDb: number[];
  pathLossDb: number[];
}

const KM_PER_DEG = 111.32;

/** A longitude difference (or a longitude) brought into [-180, 180), so the local plane does not tear at the antimeridian. */
export function wrapLongitudeDeg(lng: number): number {
  return ((((lng + 180) % 360) + 360) % 360) - 180;
}

/** Least-squares position (km, local plane) from anchors and ranges, starting at the weighted centroid. */
export function multilaterate(anchors: readonly { x: number; y: number; rangeKm: number }[]): { x: number; y: number } {
  const weights = anchors.map((a) => 1 / Math.max(0.05, a.rangeKm) ** 2);
  const total = weights.reduce((s, w) => s + w, 0);
  let x = anchors.reduce((s, a, i) => s + a.x * weights[i]!, 0) / total;
  let y = anchors.reduce((s, a, i) => s + a.y * weights[i]!, 0) / total;
  for (let iteration = 0; iteration < 20; iteration++) {
    // Gauss-Newton on sum w_i (|p - a_i| - r_i)^2.
    let hxx = 0;
    let hxy = 0;
    let hyy = 0;
    let gx = 0;
    let gy = 0;
    anchors.forEach((a, i) => {
      const dx = x - a.x;
      const dy = y - a.y;
      const dist = Math.max(1e-6, Math.hypot(dx, dy));
      const ux = dx / dist;
      const uy = dy / dist;
      const residual = dist - a.rangeKm;
      const w = weights[i]!;
      hxx += w * ux * ux;
      hxy += w * ux * uy;
      hyy += w * uy * uy;
      gx += w * ux * residual;
      gy += w * uy * residual;
    });
    const det = hxx * hyy - hxy * hxy;
    if (Math.abs(det) < 1e-12) break;
    const stepX = (hyy * gx - hxy * gy) / det;
    const stepY = (hxx * gy - hxy * gx) / det;
    x -= stepX;
    y -= stepY;
    if (Math.hypot(stepX, stepY) < 1e-4) break;
  }
  return { x, y };
}

/** An offset needs this many partners; fewer and it stays 0 (unknown). */
const MIN_PARTNERS_FOR_OFFSET = 3;
const POLISH_ROUNDS = 6;

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** Median polish of link residuals into one additive offset per hotspot (dB, + = stronger than the model). */
export function hotspotOffsets(byHotspot: ReadonlyMap<string, { partners: ReadonlyMap<string, { residualsDb: number[] }> }>): Map<string, number> {
  const offsets = new Map<string, number>([...byHotspot.keys()].map((a) => [a, 0]));
  const judged = [...byHotspot].filter(([, h]) => h.partners.size >= MIN_PARTNERS_FOR_OFFSET).map(([a]) => a);
  for (let round = 0; round < POLISH_ROUNDS; round++) {
    const next = new Map<string, number>();
    for (const [address, h] of byHotspot) {
      if (h.partners.size < MIN_PARTNERS_FOR_OFFSET) {
        next.set(address, 0);
        continue;
      }
      next.set(address, median([...h.partners].map(([other, p]) => mean(p.residualsDb) - (offsets.get(other) ?? 0))));
    }
    for (const [a, v] of next) offsets.set(a, v);
  }
  // Residuals are measured from the strong-link line, so a typical hotspot sits below it; centre
  // the offsets so that a typical hotspot has 0 and the offset says how it differs from the rest.
  if (judged.length > 0) {
    const centre = median(judged.map((a) => offsets.get(a)!));
    for (const a of judged) offsets.set(a, offsets.get(a)! - centre);
  }
  return offsets;
}

export function detectLocationSpoofers(allEdges: readonly EdgeEvidence[], model: PathLossModel, params: FraudParams, skip: ReadonlySet<string>): FraudFlag[] {
  // Links with hotspots already flagged (ring members) say nothing about the other end.
  const edges = allEdges.filter((e) => !skip.has(e.beaconer) && !skip.has(e.witness));
  const byHotspot = new Map<string, { cell: string | null; partners: Map<string, Partner> }>();
  const add = (self: string, selfCell: string | null, other: string, otherCell: string | null, residualDb: number, pathLossDb: number, distanceM: number) => {
    let h = byHotspot.get(self);
    if (!h) byHotspot.set(self, (h = { cell: selfCell, partners: new Map() }));
    h.cell ??= selfCell;
    let p = h.partners.get(other);
    if (!p) h.partners.set(other, (p = { cell: otherCell, distanceM, residualsDb: [], pathLossDb: [] }));
    p.residualsDb.push(residualDb);
    p.pathLossDb.push(pathLossDb);
  };
  for (const e of edges) {
    if (e.beaconer === e.witness) continue;
    const residual = predictedPathLossDb(model, e.distanceM) - e.meanPathLossDb;
    add(e.beaconer, e.beaconerCell, e.witness, e.witnessCell, residual, e.meanPathLossDb, e.distanceM);
    add(e.witness, e.witnessCell, e.beaconer, e.beaconerCell, residual, e.meanPathLossDb, e.distanceM);
  }

  const offsets = hotspotOffsets(byHotspot);

  const flags: FraudFlag[] = [];
  for (const [address, h] of [...byHotspot].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (h.partners.size < params.spoofMinPartners || !h.cell) continue;
    const partnerEntries = [...h.partners];
    const partners = partnerEntries.map(([, p]) => p);
    const medianResidualDb = offsets.get(address) ?? 0;
    // The strongest partners, with the distance their signals imply.
    const strongest = partnerEntries
      .map(([other, p]) => {
        const pathLossDb = mean(p.pathLossDb) + (offsets.get(other) ?? 0);
        return { other, pathLossDb: mean(p.pathLossDb), assertedM: p.distanceM, impliedM: impliedDistanceM(model, pathLossDb) };
      })
      .sort((a, b) => a.pathLossDb - b.pathLossDb || (a.other < b.other ? -1 : 1))
      .slice(0, params.spoofStrongestPartners);
    const strongestAssertedM = median(strongest.map((p) => p.assertedM));
    const strongestRatio = median(strongest.map((p) => p.assertedM / Math.max(1, p.impliedM)));
    if (strongestAssertedM < params.spoofMinOffsetM || strongestRatio < params.spoofMinOffsetRatio) continue;

    const own = cellCenter(h.cell);
    if (!own) continue;
    const cosLat = Math.cos((own.lat * Math.PI) / 180);
    const anchors = partnerEntries.flatMap(([other, p]) => {
      const at = p.cell ? cellCenter(p.cell) : null;
      if (!at) return [];
      // Read the loss with the partner's own offset from the model (its local channel).
      const pathLossDb = mean(p.pathLossDb) + (offsets.get(other) ?? 0);
      const rangeKm = Math.min(200, Math.max(0.05, impliedDistanceM(model, pathLossDb) / 1000));
      return [{ x: wrapLongitudeDeg(at.lng - own.lng) * cosLat * KM_PER_DEG, y: (at.lat - own.lat) * KM_PER_DEG, rangeKm }];
    });
    if (anchors.length < params.spoofMinPartners) continue;
    const estimate = multilaterate(anchors);
    // How well one position explains every range (rms of relative range errors): evidence for
    // people; RSSI ranges are too rough (shadowing) to decide on.
    const misfit = Math.sqrt(anchors.reduce((s, a) => s + ((Math.hypot(estimate.x - a.x, estimate.y - a.y) - a.rangeKm) / a.rangeKm) ** 2, 0) / anchors.length);
    const offsetM = Math.hypot(estimate.x, estimate.y) * 1000;
    const medianImpliedM = median(anchors.map((a) => a.rangeKm)) * 1000;
    if (offsetM < params.spoofMinOffsetM) continue;

    const estimatedLat = own.lat + estimate.y / KM_PER_DEG;
    const estimatedLng = wrapLongitudeDeg(own.lng + estimate.x / (KM_PER_DEG * cosLat));
    flags.push({
      hotspotAddress: address,
      kind: 'location_spoofer',
      score: round2(Math.min(1, strongestRatio / (2 * params.spoofMinOffsetRatio))),
      evidence: {
        partners: partners.length,
        strongestPartners: strongest.map((p) => ({ address: p.other, assertedDistanceM: Math.round(p.assertedM), impliedDistanceM: Math.round(p.impliedM) })),
        assertedToImpliedRatio: round2(strongestRatio),
        offsetFromModelDb: round2(medianResidualDb),
        assertedCell: h.cell,
        estimatedPosition: { lat: Math.round(estimatedLat * 1e5) / 1e5, lng: Math.round(estimatedLng * 1e5) / 1e5 },
        offsetM: Math.round(offsetM),
        rangeMisfit: round2(misfit),
        medianImpliedDistanceM: Math.round(medianImpliedM),
        model: { interceptDb: round2(model.interceptDb), slopeDbPerDecade: round2(model.slopeDbPerDecade), sigmaDb: round2(model.sigmaDb) },
      },
    });
  }
  return flags;
}
