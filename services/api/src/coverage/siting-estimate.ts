/**
 * "What would a hotspot placed here get?": the transmit scale HIP-17 would give a new hotspot at a
 * candidate cell once it is interactive, the counts and limits behind it, and the interactive
 * hotspots whose scale it would lower (or raise): what someone siting a hotspot weighs.
 *
 * The snapshot's density map answers it (HexDensityMap.withHotspotAt): only the cells the new count
 * reaches are recounted, so an estimate costs the size of the change, not a recount of the network
 * or of a neighbourhood (which took 158 ms in a metro area of 25,000 hotspots; BENCHMARKS.md).
 */
import { computeHexDensity, HIP104_HEX_DENSITY_PARAMS, type DensityLevel, type HexDensityMap, type HexScale } from '@cov/shared/rewards/hex-density';

/** An interactive hotspot as the density map counts it. */
export interface DensityInput {
  address: string;
  cell: string;
}

/** The density inputs by cell (co-located hotspots share one), built once per snapshot: the map names changed cells, the answer names hotspots. */
export class DensityInputsByCell {
  private readonly byCell = new Map<string, DensityInput[]>();

  /** `inputs` with their cells as h3-js and the database write them (lower case), as the density map names changed cells. */
  constructor(inputs: readonly DensityInput[]) {
    for (const input of inputs) {
      const list = this.byCell.get(input.cell);
      if (list) list.push(input);
      else this.byCell.set(input.cell, [input]);
    }
  }

  at(cell: string): readonly DensityInput[] {
    return this.byCell.get(cell) ?? [];
  }
}

export interface ScaleChange {
  address: string;
  cell: string;
  scaleBefore: HexScale;
  scaleAfter: HexScale;
}

export interface SitingEstimate {
  /** What a hotspot asserted at the cell would get once interactive, with everything else as it is now. */
  scale: HexScale;
  /** The counts behind it, from the count resolution up (`unclipped` includes the new hotspot). */
  levels: DensityLevel[];
  /** Interactive hotspots whose scale the new one would change, the largest drop first, then by address. */
  changes: ScaleChange[];
}

/**
 * The estimate for a hotspot at `cell` (res 12, as locations are asserted), against the current
 * density map (undefined when no hotspot is interactive) and its inputs by cell.
 */
export function estimateSiting(current: HexDensityMap | undefined, inputs: DensityInputsByCell, cell: string): SitingEstimate {
  if (!current) {
    // Nobody is counted yet: the new hotspot is alone.
    const alone = computeHexDensity([cell], HIP104_HEX_DENSITY_PARAMS);
    if (!alone.ok) throw alone.error;
    return { scale: alone.value.scaleOf(cell), levels: alone.value.explain(cell) ?? [], changes: [] };
  }
  const change = current.withHotspotAt(cell);
  const changes = change.changed.flatMap((c) => inputs.at(c.cell).map((i) => ({ address: i.address, cell: i.cell, scaleBefore: c.before, scaleAfter: c.after })));
  changes.sort((a, b) => b.scaleBefore.scaleE4 - b.scaleAfter.scaleE4 - (a.scaleBefore.scaleE4 - a.scaleAfter.scaleE4) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { scale: change.scale, levels: change.levels, changes };
}
