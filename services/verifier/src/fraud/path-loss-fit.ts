/**
 * The epoch's own path-loss model, P = A + B*log10(d), fitted robustly to every edge: medians of
 * log-distance bins, weighted least squares through them, then again without the edges more than
 * 3 sigma off (sigma from the median absolute deviation). Cheaters are a small minority, so the
 * fit follows the honest channel; the residual of an edge says how much stronger (+) or weaker (-)
 * it is than the network's typical link at that distance.
 *
 * Only links above the receivers' sensitivity are ever reported, so far away only the luckiest
 * links show up and the bin medians flatten out: a line through them would predict far links much
 * too strong. The fit therefore uses only bins whose median sits well below the loss ceiling (the
 * largest losses seen, i.e. sensitivity), where the truncation barely bites.
 */

export interface PathLossModel {
  interceptDb: number;
  /** dB per decade of distance: 10 x the path-loss exponent. */
  slopeDbPerDecade: number;
  /** Robust spread of edges around the line (shadowing plus per-hotspot losses). */
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

/** Bins whose median is this many dB below the ceiling are taken as untruncated. */
const CEILING_CLEARANCE_DB = 15;
const CEILING_QUANTILE = 0.98;
const MIN_BIN_POINTS = 5;

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
  const usable = [...all].filter(([, values]) => values.length >= MIN_BIN_POINTS && median(values) <= ceilingDb - CEILING_CLEARANCE_DB);
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
    const y = median(values);
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

export function fitPathLossModel(points: readonly FitPoint[], minPoints: number): PathLossModel | null {
  if (points.length < minPoints) return null;
  const ceilingDb = quantile(points.map((p) => p.pathLossDb), CEILING_QUANTILE);
  const first = fitThroughBins(points, ceilingDb);
  if (!first) return null;
  const sigma = robustSigma(points, first);
  const kept = points.filter((p) => Math.abs(p.pathLossDb - (first.interceptDb + first.slopeDbPerDecade * p.log10DistanceM)) <= 3 * sigma);
  const second = kept.length >= minPoints ? fitThroughBins(kept, ceilingDb) : null;
  const fit = second ?? first;
  return { ...fit, sigmaDb: robustSigma(kept.length ? kept : points, fit), ceilingDb, edges: points.length };
}

/** Standard normal density and distribution (Abramowitz-Stegun 7.1.26 for erf, |error| < 1.5e-7). */
function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * The loss an edge that *was reported* is expected to show at distance d: the model's mean
 * conditioned on being under the ceiling (a truncated normal). Far away, where the mean is above
 * the ceiling, only lucky links are heard and this approaches the ceiling rather than the line;
 * comparing against it keeps honest long links from looking too strong.
 */
export function expectedReportedPathLossDb(model: PathLossModel, distanceM: number): number {
  const mu = predictedPathLossDb(model, distanceM);
  const alpha = (model.ceilingDb - mu) / model.sigmaDb;
  const tail = Math.max(1e-12, normalCdf(alpha));
  return mu - (model.sigmaDb * normalPdf(alpha)) / tail;
}

export function predictedPathLossDb(model: PathLossModel, distanceM: number): number {
  return model.interceptDb + model.slopeDbPerDecade * Math.log10(Math.max(1, distanceM));
}

/** The distance at which the model expects this path loss. */
export function impliedDistanceM(model: PathLossModel, pathLossDb: number): number {
  return 10 ** ((pathLossDb - model.interceptDb) / model.slopeDbPerDecade);
}
