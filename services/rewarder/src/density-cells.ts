/**
 * Which cells the density map counts, and the scale each rewarded beacon's cell gets from it,
 * under the parameter set's `densityCells` rule (`parameter-set.ts`).
 *
 * Every interactive hotspot counts once at the cell of its latest witnessed beacon. Under
 * `latest-and-rewarded-beacons` a hotspot that moved during the epoch also counts once in each
 * other res-11 cell (the count resolution) its rewarded beacons came from, so the proofs it made
 * before the move are scaled by the density where it then stood rather than by the default 0.2 for
 * a cell the map does not know. It is counted in both places for the whole epoch: the neighbours it
 * left and the ones it joined share with it, which is what a move within the epoch costs them.
 * Moves inside one res-11 cell change nothing: all its cells have one scale.
 */
import { cellToParent, getResolution, isValidCell } from 'h3-js';
import { normalizeCell, type HexDensityMap } from '@cov/shared/rewards/hex-density';
import type { InteractiveHotspot } from '@cov/shared/coverage/interactive-hotspots';
import type { DensityCellsRule } from './parameter-set';
import { compareAddresses } from './hotspot-input-row';

/** A cell one of a hotspot's rewarded beacons of the epoch came from (distinct pairs). */
export interface HotspotCell {
  address: string;
  cell: string;
}

export interface DensityCells {
  /** The map's input: one cell per counted (hotspot, res-11 cell). */
  counted: string[];
  /** Interactive hotspots whose cell the map cannot use (not a valid H3 cell at res >= countResolution). */
  skipped: number;
  /** Cells counted besides the latest-beacon ones, sorted by address then cell (for the input digest). */
  proofCells: HotspotCell[];
}

function usableCell(cell: string, countResolution: number): string | undefined {
  const c = normalizeCell(cell);
  return c.length === 15 && isValidCell(c) && getResolution(c) >= countResolution ? c : undefined;
}

export function densityCells(
  interactive: readonly InteractiveHotspot[],
  rewardedBeaconCells: readonly HotspotCell[],
  rule: DensityCellsRule,
  countResolution: number,
): DensityCells {
  const counted: string[] = [];
  const latestCell = new Map<string, string | undefined>();
  for (const h of interactive) {
    const c = usableCell(h.cell, countResolution);
    if (c) counted.push(c);
    latestCell.set(h.address, c);
  }
  const skipped = interactive.length - counted.length;
  const proofCells: HotspotCell[] = [];
  if (rule === 'latest-beacon') return { counted, skipped, proofCells };

  // Count cells already counted per hotspot; built only for hotspots that moved (rare).
  const countCellsOf = new Map<string, Set<string>>();
  for (const b of rewardedBeaconCells) {
    // Hotspots that are not interactive (or that the fraud policy excludes) are not counted anywhere.
    if (!latestCell.has(b.address)) continue;
    const latest = latestCell.get(b.address);
    // Most hotspots never move: their beacons name the latest cell verbatim, and skip validation.
    if (b.cell === latest) continue;
    const c = usableCell(b.cell, countResolution);
    if (!c || c === latest) continue;
    let seen = countCellsOf.get(b.address);
    if (!seen) {
      seen = new Set(latest ? [cellToParent(latest, countResolution)] : []);
      countCellsOf.set(b.address, seen);
    }
    const parent = cellToParent(c, countResolution);
    if (seen.has(parent)) continue;
    seen.add(parent);
    counted.push(c);
    proofCells.push({ address: b.address, cell: c });
  }
  proofCells.sort((x, y) => compareAddresses(x.address, y.address) || (x.cell < y.cell ? -1 : x.cell > y.cell ? 1 : 0));
  return { counted, skipped, proofCells };
}

/**
 * The scale table handed to the SQL aggregation (cell → scale × 10⁴; a beacon whose cell is not in
 * it gets the default scale). `latest-beacon` keeps the map's own input cells, so a beacon from
 * another res-12 cell, even one inside a counted res-11 cell, gets the default, exactly as epochs
 * paid under it were. `latest-and-rewarded-beacons` gives every rewarded beacon's cell the scale of
 * the res-11 cell holding it.
 */
export function scaleTable(
  map: HexDensityMap,
  rewardedBeaconCells: readonly HotspotCell[],
  rule: DensityCellsRule,
): { cells: string[]; scalesE4: number[] } {
  const cells: string[] = [];
  const scalesE4: number[] = [];
  if (rule === 'latest-beacon') {
    for (const [cell, scale] of map.scales) {
      cells.push(cell);
      scalesE4.push(scale.scaleE4);
    }
    return { cells, scalesE4 };
  }
  const done = new Set<string>();
  for (const { cell } of rewardedBeaconCells) {
    // The SQL joins on the stored text, so the table is keyed by it, not by its normalised form.
    if (done.has(cell)) continue;
    done.add(cell);
    const scale = map.scaleInCountCell(cell);
    if (scale) {
      cells.push(cell);
      scalesE4.push(scale.scaleE4);
    }
  }
  return { cells, scalesE4 };
}
