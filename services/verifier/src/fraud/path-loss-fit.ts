/**
 * The epoch's own path-loss model: the line P = A + B*log10(d) that the *strong* links follow (the
 * 15th percentile of each log-distance bin), fitted by weighted least squares through the bins'
 * percentiles, then again without edges more than 3 sigma off it (sigma from the median absolute
 * deviation). Cheaters are a small minority, so the fit follows the honest channel.
 *
 * Why the strong links: only links above the receivers' sensitivity are ever reported, so with
 * distance the weak part of every bin disappears and the bin medians flatten out, which a line
 * through medians reads as a far too small exponent. The strong part of a bin is cut off only much
 * farther away. The fit also keeps to bins that are well populated (far, sparsely heard bins are
 * where a few mis-asserted hotspots would dominate) and whose percentile sits clear of the loss
 * ceiling (the largest losses reported at all).
 */

export interface PathLossModel {
  interceptDb: number;
  /** dB per decade of distance: 10 x the path-loss exponent. */
  slopeDbPerDecade: number;
  /** Robust spread of edges around their bins (shadowing plus per-hotspot losses). */
  sigmaDb: number;
  /** Largest losses that still get reported (receiver sensitivity), as a high quantile of all edges. */
  ceilingDb: number;
  edges: number;
}

export interface FitPoint {
  log10DistanceM: number;
  pathLossDb: number;
}

const BIN_WIDTH = 0.1;
/** Exponent 2 (free space) to 6 (dense indoor): anything else is a degenerate fit. */
const MIN_SLOPE = 20;
const MAX_SLOPE = 60;

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The percentile of each bin the line follows. */
export const LINE_QUANTILE = 0.15;
/** Bins whose percentile is this many dB below the ceiling are taken as untruncated. */
const CEILING_CLEARANCE_DB = 5;
const CEILING_QUANTILE = 0.98;
const MIN_BIN_POINTS = 5;
/** ...and a bin must hold at least this share of all edges. */
const MIN_BIN_SHARE = 0.01;

export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))]!;
}

function fitThroughBins(points: readonly FitPoint[], ceilingDb: number): { interceptDb: number; slopeDbPerDecade: number } | null {
  const all = new Map<number, number[]>();
  for (const p of points) {
    const key = Math.floor(p.log10DistanceM / BIN_WIDTH);
    const list = all.get(key) ?? [];
    list.push(p.pathLossDb);
    all.set(key, list);
  }
  const minPoints = Math.max(MIN_BIN_POINTS, MIN_BIN_SHARE * points.length);
  const usable = [...all].filter(([, values]) => values.length >= minPoints && quantile(values, LINE_QUANTILE) <= ceilingDb - CEILING_CLEARANCE_DB);
  const bins = new Map(usable.length >= 2 ? usable : all);
  if (bins.size < 2) return null;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const [key, values] of bins) {
    const w = values.length;
    const x = (key + 0.5) * BIN_WIDTH;
    const y = quantile(values, LINE_QUANTILE);
    sw += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    sxy += w * x * y;
  }
  const denominator = sw * sxx - sx * sx;
  if (denominator <= 0) return null;
  const slope = Math.min(MAX_SLOPE, Math.max(MIN_SLOPE, (sw * sxy - sx * sy) / denominator));
  return { slopeDbPerDecade: slope, interceptDb: (sy - slope * sx) / sw };
}

function robustSigma(points: readonly FitPoint[], fit: { interceptDb: number; slopeDbPerDecade: number }): number {
  const residuals = points.map((p) => p.pathLossDb - (fit.interceptDb + fit.slopeDbPerDecade * p.log10DistanceM));
  const centre = median(residuals);
  return Math.max(1, 1.4826 * median(residuals.map((r) => Math.abs(r - centre))));
}

/** Residual of a point from the line, in the same units, positive when weaker than the line. */
const lineResidual = (p: FitPoint, fit: { interceptDb: number; slopeDbPerDecade: number }) => p.pathLossDb - (fit.interceptDb + fit.slopeDbPerDecade * p.log10DistanceM);

export function fitPathLossModel(points: readonly FitPoint[], minPoints: number): PathLossModel | null {
  if (points.length < minPoints) return null;
  const ceilingDb = quantile(points.map((p) => p.pathLossDb), CEILING_QUANTILE);
  const first = fitThroughBins(points, ceilingDb);
  if (!first) return null;
  const sigma = robustSigma(points, first);
  const centre = median(points.map((p) => lineResidual(p, first)));
  const kept = points.filter((p) => Math.abs(lineResidual(p, first) - centre) <= 3 * sigma);
  const second = kept.length >= minPoints ? fitThroughBins(kept, ceilingDb) : null;
  const fit = second ?? first;
  return { ...fit, sigmaDb: robustSigma(kept.length ? kept : points, fit), ceilingDb, edges: points.length };
}

/** Loss of a strong link (the line) at this distance. */
export function predictedPathLossDb(model: PathLossModel, distanceM: number): number {
  return model.interceptDb + model.slopeDbPerDecade * Math.log10(Math.max(1, distanceM));
}

/** The distance at which a strong link has this loss: how far a link this strong can at most be, typically. */
export function impliedDistanceM(model: PathLossModel, pathLossDb: number): number {
  return 10 ** ((pathLossDb - model.interceptDb) / model.slopeDbPerDecade);
}
