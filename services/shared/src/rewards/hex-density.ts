/**
 * Hex density scaling (HIP-17, with the HIP-104 parameters Helium ran from January 2024 until PoC
 * was retired). Hotspots packed into the same hexes share a capped allowance, so each one's beacon
 * and witness rewards are scaled down. The scale of a hotspot is the product, over its ancestor
 * cells from res 10 up to res 4, of clipped/unclipped counts, rounded half-even to 4 decimals.
 *
 * Only interactive hotspots should be passed in (HIP-17: a recent beacon that was witnessed); a
 * hotspot whose asserted cell is not in the map gets the default scale instead.
 */
import { getResolution, gridDisk, isValidCell } from 'h3-js';
import { AppError, err, ok, type Result } from '../errors';
import { formatScaled, toScaled, type Rational } from './rational';

export interface HexResConfig {
  /** N: occupied cells in the parent's k=1 disk (parent included) allowed before the limit grows. */
  neighbors: number;
  /** Hotspot count a cell may hold before clipping; also the occupancy threshold for the disk. */
  target: number;
  /** Upper bound of the limit however many neighbours are occupied. */
  max: number;
}

export interface HexDensityParams {
  /** Recorded in manifests so an epoch can be recomputed with the rules it was paid under. */
  version: string;
  /** Resolution at which hotspots are counted; never clipped. Inputs finer than this roll up to it. */
  countResolution: number;
  /** Clipping rules for every resolution from countResolution - 1 down to the coarsest key, contiguous. */
  clipping: Readonly<Record<number, HexResConfig>>;
  /** Scale for a hotspot missing from the map (not interactive, or a fraud-policy downgrade), × 10 000. */
  defaultScaleE4: number;
}

/**
 * Helium's HIP104_RES_CONFIG. Resolutions 0-3, 11 and 12 are not clipped (their on-chain settings,
 * N=2 / target=max=100 000, could never bind).
 */
export const HIP104_HEX_DENSITY_PARAMS: HexDensityParams = Object.freeze({
  version: 'hip17-hip104',
  countResolution: 11,
  clipping: Object.freeze({
    4: { neighbors: 2, target: 500, max: 1000 },
    5: { neighbors: 4, target: 100, max: 200 },
    6: { neighbors: 4, target: 25, max: 50 },
    7: { neighbors: 4, target: 5, max: 10 },
    8: { neighbors: 2, target: 1, max: 1 },
    9: { neighbors: 2, target: 1, max: 1 },
    10: { neighbors: 2, target: 1, max: 1 },
  }),
  defaultScaleE4: 2000,
});

/** Decimal places of a scale (Helium's SCALING_PRECISION); outputs carry it as an integer × 10 000. */
export const SCALE_DECIMALS = 4;

export interface HexScale {
  /** Scale × 10 000 as an integer, the form Helium writes into hex_scale. */
  scaleE4: number;
  scale: number;
  /** Exactly four decimals, e.g. "0.0060". */
  scaleText: string;
}

export interface DensityLevel {
  res: number;
  cell: string;
  unclipped: number;
  clipped: number;
}

export interface HexDensityMap {
  readonly params: HexDensityParams;
  /** One entry per distinct input cell (lower-case hex). */
  readonly scales: ReadonlyMap<string, HexScale>;
  /** The cell's scale, or the default scale when the cell held no counted hotspot. */
  scaleOf(cell: string): HexScale;
  /**
   * The scale of the count-resolution cell holding `cell` (any cell at res >= countResolution,
   * in the map's input or not), or undefined when no counted hotspot is in that cell or `cell` is
   * not a valid H3 cell that fine. Every cell of one count cell has the same scale.
   */
  scaleInCountCell(cell: string): HexScale | undefined;
  /** The clipped/unclipped counts behind a cell's scale, from the count resolution upwards; undefined if not in the map. */
  explain(cell: string): DensityLevel[] | undefined;
  /**
   * What one more counted hotspot at `cell` (a valid H3 cell at res >= countResolution) would make
   * of the map, without recomputing it: that hotspot's scale and counts, and every input cell whose
   * scale would change. Only the cells the new count reaches are recounted (its ancestors, and at
   * each resolution the neighbours whose limit its crossing a target moves), so it costs the size
   * of the change, not of the map; the result is what computeHexDensity over the inputs plus `cell`
   * gives (hex-density.test checks it does).
   */
  withHotspotAt(cell: string): DensityChange;
}

export interface DensityChange {
  scale: HexScale;
  levels: DensityLevel[];
  /** Input cells (as given to computeHexDensity, normalised) whose scale would change, with it before and after. */
  changed: { cell: string; before: HexScale; after: HexScale }[];
}

export function hexScaleFromE4(scaleE4: number): HexScale {
  return { scaleE4, scale: scaleE4 / 10 ** SCALE_DECIMALS, scaleText: formatScaled(BigInt(scaleE4), SCALE_DECIMALS) };
}

/** limit = min(max, target × (max(occupied − N, 0) + 1)). */
export function clipLimit(config: HexResConfig, occupied: number): number {
  return Math.min(config.max, config.target * (Math.max(occupied - config.neighbors, 0) + 1));
}

/** Resolutions clipped, finest first (Helium's USED_RES). Throws on malformed params: they are code, not user input. */
export function clippedResolutions(params: HexDensityParams): number[] {
  const keys = Object.keys(params.clipping)
    .map(Number)
    .sort((a, b) => b - a);
  const count = params.countResolution;
  // Up to 11 because cells are handled as keys that drop digits 12-15 (see keyOf).
  if (!Number.isInteger(count) || count < 1 || count > 11) throw new RangeError(`countResolution ${count} out of range 1..11`);
  keys.forEach((res, i) => {
    const c = params.clipping[res];
    if (res !== count - 1 - i) throw new RangeError(`clipping resolutions must run contiguously down from ${count - 1}`);
    // target <= max keeps "clipped >= target" equal to "unclipped >= target", which makes the result
    // independent of the order in which cells are processed (Helium's code depends on that order otherwise).
    if (!c || !Number.isInteger(c.target) || c.target < 1 || !Number.isInteger(c.max) || c.max < c.target || !Number.isInteger(c.neighbors) || c.neighbors < 0) {
      throw new RangeError(`bad clipping config at res ${res}`);
    }
  });
  if (!Number.isInteger(params.defaultScaleE4) || params.defaultScaleE4 < 0) throw new RangeError('bad defaultScaleE4');
  return keys;
}

/*
 * Cells are handled as 48-bit numeric keys: the H3 index shifted right by 12 bits. For a cell at
 * res <= 11 the dropped bits are digits 12-15, which are always 7 (0xfff), so nothing is lost, the
 * key is exact in a double, and the parent at any res is pure arithmetic. This keeps 400 000
 * hotspots x 8 resolutions of parent lookups out of the h3-js WASM bridge and its string building;
 * h3-js is only called to validate inputs and for gridDisk.
 */
const KEY_DIGITS = 11;
const RES_UNIT = 2 ** 40; // the resolution field sits at bits 52-55 of the index, 40-43 of the key

const keyOf = (cell: string): number => parseInt(cell.slice(0, 12), 16);
const cellOf = (key: number): string => `${key.toString(16)}fff`;
const resOf = (key: number): number => Math.floor(key / RES_UNIT) % 16;

/** Parent at `res`, for res <= min(11, resolution of key): digits res+1..11 become 7, res field rewritten. */
function parentKey(key: number, res: number): number {
  const bits = 3 * (KEY_DIGITS - res);
  const span = 2 ** bits;
  const withDigits = key - (key % span) + (span - 1);
  return withDigits + (res - resOf(key)) * RES_UNIT;
}

/*
 * Products of clipped/unclipped stay far below 2^53 under HIP-104 (the denominators are at most
 * n x 7^3 x 70 x 350 x 1400), so they are kept as reduced integer-valued doubles, which is several
 * times faster than bigint for 400 000 hotspots. A product that would leave the safe-integer range
 * falls back to bigint, so the result is exact for any parameters.
 */
type Ratio = { num: number; den: number } | Rational;

function gcdNumber(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function mulRatio(a: Ratio, b: Ratio): Ratio {
  if (typeof a.num === 'number' && typeof a.den === 'number' && typeof b.num === 'number' && typeof b.den === 'number') {
    const g1 = gcdNumber(a.num, b.den);
    const g2 = gcdNumber(b.num, a.den);
    const num = (a.num / g1) * (b.num / g2);
    const den = (a.den / g2) * (b.den / g1);
    if (Number.isSafeInteger(num) && Number.isSafeInteger(den)) return { num, den };
  }
  return { num: BigInt(a.num) * BigInt(b.num), den: BigInt(a.den) * BigInt(b.den) };
}

const EXACT_LIMIT = 2 ** 52;

/** round_half_even(ratio × 10 000) for a ratio in [0, 1]. */
function roundE4HalfEven(r: Ratio): number {
  if (typeof r.num === 'number' && typeof r.den === 'number' && r.num * 10_000 <= EXACT_LIMIT && r.den <= EXACT_LIMIT) {
    // Float division can land one off near an integer; the remainder check below corrects it, and
    // every intermediate stays under 2^53 so the correction itself is exact.
    const a = r.num * 10_000;
    let q = Math.floor(a / r.den);
    let rem = a - q * r.den;
    if (rem < 0) {
      q -= 1;
      rem += r.den;
    } else if (rem >= r.den) {
      q += 1;
      rem -= r.den;
    }
    const twice = 2 * rem;
    return twice > r.den || (twice === r.den && q % 2 === 1) ? q + 1 : q;
  }
  return Number(toScaled({ num: BigInt(r.num), den: BigInt(r.den) }, SCALE_DECIMALS, 'halfEven'));
}

/** One resolution's counts. Cells get dense ids so everything after the roll-up runs on arrays. */
interface Level {
  res: number;
  keys: number[];
  idOf: Map<number, number>;
  unclipped: number[];
  clipped: number[];
  /** Id of each cell's parent in the next coarser level; filled when that level is built. */
  parentId: number[];
}

const newLevel = (res: number): Level => ({ res, keys: [], idOf: new Map(), unclipped: [], clipped: [], parentId: [] });

function addCount(level: Level, key: number, n: number): number {
  let id = level.idOf.get(key);
  if (id === undefined) {
    id = level.keys.length;
    level.idOf.set(key, id);
    level.keys.push(key);
    level.unclipped.push(0);
  }
  level.unclipped[id]! += n;
  return id;
}

const UNIT: Ratio = { num: 1, den: 1 };

/** Key of the count-resolution cell holding a valid `cell` at res >= countRes. */
function countKeyOf(cell: string, countRes: number): number {
  const res = getResolution(cell);
  const key = keyOf(cell);
  return parentKey(res > KEY_DIGITS ? key - (res - KEY_DIGITS) * RES_UNIT : key, countRes);
}

/** Lower case without leading zeros, the form h3-js prints. */
export function normalizeCell(cell: string): string {
  const lower = cell.toLowerCase();
  return lower.startsWith('0') ? lower.replace(/^0+/, '') : lower;
}

function invalidCell(cell: unknown, index: number, why: string): AppError {
  return new AppError('geo.invalid_h3', `cell #${index} ${JSON.stringify(cell)}: ${why}`, { index, cell });
}

/**
 * Builds the density map for a list of asserted cells (H3 hex strings at res >= countResolution,
 * normally res 12; one entry per interactive hotspot, duplicates meaning co-located hotspots).
 * Cost is O(n) map operations plus one gridDisk per parent cell whose count exceeds its target.
 */
export function computeHexDensity(
  cells: readonly string[],
  params: HexDensityParams = HIP104_HEX_DENSITY_PARAMS,
): Result<HexDensityMap> {
  const resolutions = clippedResolutions(params);
  const countRes = params.countResolution;

  const base = newLevel(countRes);
  const countIdOf = new Map<string, number>();
  for (let i = 0; i < cells.length; i++) {
    const raw = cells[i];
    if (typeof raw !== 'string') return err(invalidCell(raw, i, 'not a string'));
    const cell = normalizeCell(raw);
    let id = countIdOf.get(cell);
    if (id === undefined) {
      if (cell.length !== 15 || !isValidCell(cell)) return err(invalidCell(raw, i, 'not a valid H3 cell index'));
      const res = getResolution(cell);
      if (res < countRes) return err(invalidCell(raw, i, `resolution ${res} is coarser than ${countRes}`));
      id = addCount(base, countKeyOf(cell, countRes), 0);
      countIdOf.set(cell, id);
    }
    base.unclipped[id]! += 1;
  }
  base.clipped = base.unclipped;

  const levels: Level[] = [base];
  for (const res of resolutions) {
    const config = params.clipping[res]!;
    const child = levels[levels.length - 1]!;
    const level = newLevel(res);
    for (let id = 0; id < child.keys.length; id++) {
      child.parentId.push(addCount(level, parentKey(child.keys[id]!, res), child.clipped[id]!));
    }
    level.clipped = level.unclipped.map((n, id) => {
      // A count at or under target, or a config whose limit cannot grow, never needs the disk scan:
      // the limit is at least target and at most max.
      if (n <= config.target || config.max === config.target) return Math.min(n, config.max);
      let occupied = 0;
      for (const neighbour of gridDisk(cellOf(level.keys[id]!), 1)) {
        const nid = level.idOf.get(keyOf(neighbour));
        if (nid !== undefined && level.unclipped[nid]! >= config.target) occupied++;
      }
      return Math.min(n, clipLimit(config, occupied));
    });
    levels.push(level);
  }

  // Exact product of clipped/unclipped from each cell up to the coarsest level, top-down so every
  // ancestor's product is computed once; a ratio of 1 reuses the product above it.
  let above: Ratio[] = [];
  for (let depth = levels.length - 1; depth >= 0; depth--) {
    const level = levels[depth]!;
    const products: Ratio[] = new Array<Ratio>(level.keys.length);
    for (let id = 0; id < level.keys.length; id++) {
      const c = level.clipped[id]!;
      const u = level.unclipped[id]!;
      const up = depth === levels.length - 1 ? UNIT : above[level.parentId[id]!]!;
      if (c === u) {
        products[id] = up;
      } else {
        const g = gcdNumber(c, u);
        products[id] = mulRatio({ num: c / g, den: u / g }, up);
      }
    }
    above = products;
  }

  const scaleByE4 = new Map<number, HexScale>();
  const scaleOfId = above.map((product) => {
    const scaleE4 = roundE4HalfEven(product);
    let scale = scaleByE4.get(scaleE4);
    if (!scale) {
      scale = hexScaleFromE4(scaleE4);
      scaleByE4.set(scaleE4, scale);
    }
    return scale;
  });
  const scales = new Map<string, HexScale>();
  for (const [cell, id] of countIdOf) scales.set(cell, scaleOfId[id]!);

  const defaultScale = hexScaleFromE4(params.defaultScaleE4);
  const state: DensityState = { params, levels, countIdOf, scaleOfId };
  return ok({
    params,
    scales,
    scaleOf: (cell) => scales.get(normalizeCell(cell)) ?? defaultScale,
    scaleInCountCell: (raw) => {
      const cell = normalizeCell(raw);
      const known = scales.get(cell);
      if (known) return known;
      if (cell.length !== 15 || !isValidCell(cell) || getResolution(cell) < countRes) return undefined;
      const id = base.idOf.get(countKeyOf(cell, countRes));
      return id === undefined ? undefined : scaleOfId[id];
    },
    explain: (cell) => {
      let id = countIdOf.get(normalizeCell(cell));
      if (id === undefined) return undefined;
      const out: DensityLevel[] = [];
      for (const level of levels) {
        out.push({ res: level.res, cell: cellOf(level.keys[id]!), unclipped: level.unclipped[id]!, clipped: level.clipped[id]! });
        id = level.parentId[id]!;
      }
      return out;
    },
    withHotspotAt: (cell) => withHotspotAt(state, cell),
  });
}

/** What a built map keeps for withHotspotAt, and the indexes its first call builds. */
interface DensityState {
  params: HexDensityParams;
  levels: Level[];
  countIdOf: Map<string, number>;
  scaleOfId: HexScale[];
  /** Input cells of each count cell. */
  cellsOfCountId?: string[][];
  /** Per level, each cell's children's ids in the level below. */
  childIds?: number[][][];
}

interface Figures {
  unclipped: number;
  clipped: number;
}

/** New figures of the cells an extra hotspot reaches, per level by key; every other cell keeps its own. */
type Overlay = Map<number, Figures>[];

function figuresOf(state: DensityState, overlay: Overlay | undefined, depth: number, key: number): Figures {
  const changed = overlay?.[depth]!.get(key);
  if (changed) return changed;
  const level = state.levels[depth]!;
  const id = level.idOf.get(key);
  return id === undefined ? { unclipped: 0, clipped: 0 } : { unclipped: level.unclipped[id]!, clipped: level.clipped[id]! };
}

/**
 * Recounts what one more hotspot in the count cell `countKey` changes, level by level: its
 * parent's unclipped count follows each changed clipped count below, and a cell crossing its
 * target changes the occupancy, so the limit, of every cell in its disk.
 */
function recountWithHotspot(state: DensityState, countKey: number): Overlay {
  const { levels, params } = state;
  const overlay: Overlay = levels.map(() => new Map());
  const counted = figuresOf(state, overlay, 0, countKey);
  overlay[0]!.set(countKey, { unclipped: counted.unclipped + 1, clipped: counted.clipped + 1 });
  let moved = [countKey]; // cells whose clipped count changed
  for (let depth = 1; depth < levels.length; depth++) {
    const res = levels[depth]!.res;
    const config = params.clipping[res]!;
    const unclipped = new Map<number, number>();
    for (const key of moved) {
      const parent = parentKey(key, res);
      const delta = figuresOf(state, overlay, depth - 1, key).clipped - figuresOf(state, undefined, depth - 1, key).clipped;
      unclipped.set(parent, (unclipped.get(parent) ?? figuresOf(state, overlay, depth, parent).unclipped) + delta);
    }
    const recount = new Set(unclipped.keys());
    for (const [key, n] of unclipped) {
      if (n >= config.target !== figuresOf(state, undefined, depth, key).unclipped >= config.target) for (const c of gridDisk(cellOf(key), 1)) recount.add(keyOf(c));
    }
    const unclippedNow = (key: number) => unclipped.get(key) ?? figuresOf(state, overlay, depth, key).unclipped;
    moved = [];
    for (const key of recount) {
      const n = unclippedNow(key);
      // As computeHexDensity clips: the disk is only looked at when the limit can bind.
      let clipped = Math.min(n, config.max);
      if (n > config.target && config.max !== config.target) {
        let occupied = 0;
        for (const c of gridDisk(cellOf(key), 1)) if (unclippedNow(keyOf(c)) >= config.target) occupied++;
        clipped = Math.min(n, clipLimit(config, occupied));
      }
      const before = figuresOf(state, undefined, depth, key);
      if (n !== before.unclipped || clipped !== before.clipped) overlay[depth]!.set(key, { unclipped: n, clipped });
      if (clipped !== before.clipped) moved.push(key);
    }
  }
  return overlay;
}

/** A count cell's scale: the product of clipped/unclipped up its chain, with the overlay's figures. */
function scaleWith(state: DensityState, overlay: Overlay, countKey: number): HexScale {
  let product: Ratio = UNIT;
  state.levels.forEach((level, depth) => {
    const { unclipped, clipped } = figuresOf(state, overlay, depth, depth === 0 ? countKey : parentKey(countKey, level.res));
    if (clipped !== unclipped) {
      const g = gcdNumber(clipped, unclipped);
      product = mulRatio({ num: clipped / g, den: unclipped / g }, product);
    }
  });
  return hexScaleFromE4(roundE4HalfEven(product));
}

/** The existing count cells under a cell whose clipped/unclipped ratio the overlay changes: the only ones whose scale can change. */
function countIdsUnderChanges(state: DensityState, overlay: Overlay): Set<number> {
  const { levels } = state;
  state.childIds ??= levels.map((level, depth) => {
    const out: number[][] = level.keys.map(() => []);
    if (depth > 0) levels[depth - 1]!.parentId.forEach((parent, child) => out[parent]!.push(child));
    return out;
  });
  const childIds = state.childIds;
  const reached = new Set<number>();
  const under = (depth: number, id: number): void => {
    if (depth === 0) reached.add(id);
    else for (const child of childIds[depth]![id]!) under(depth - 1, child);
  };
  overlay.forEach((changes, depth) => {
    for (const [key, now] of changes) {
      const id = levels[depth]!.idOf.get(key);
      const before = figuresOf(state, undefined, depth, key);
      if (id !== undefined && now.clipped * before.unclipped !== before.clipped * now.unclipped) under(depth, id);
    }
  });
  return reached;
}

function withHotspotAt(state: DensityState, raw: string): DensityChange {
  const countRes = state.params.countResolution;
  const cell = normalizeCell(raw);
  if (cell.length !== 15 || !isValidCell(cell) || getResolution(cell) < countRes) throw invalidCell(raw, 0, `not a valid H3 cell at res >= ${countRes}`);
  const countKey = countKeyOf(cell, countRes);
  const overlay = recountWithHotspot(state, countKey);
  state.cellsOfCountId ??= (() => {
    const out: string[][] = state.levels[0]!.keys.map(() => []);
    for (const [c, id] of state.countIdOf) out[id]!.push(c);
    return out;
  })();
  const changed: DensityChange['changed'] = [];
  for (const id of countIdsUnderChanges(state, overlay)) {
    const before = state.scaleOfId[id]!;
    const after = scaleWith(state, overlay, state.levels[0]!.keys[id]!);
    if (after.scaleE4 !== before.scaleE4) for (const c of state.cellsOfCountId[id]!) changed.push({ cell: c, before, after });
  }
  const levels: DensityLevel[] = state.levels.map((level, depth) => {
    const key = depth === 0 ? countKey : parentKey(countKey, level.res);
    return { res: level.res, cell: cellOf(key), ...figuresOf(state, overlay, depth, key) };
  });
  return { scale: scaleWith(state, overlay, countKey), levels, changed };
}
