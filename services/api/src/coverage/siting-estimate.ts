/**
 * "What would a hotspot placed here get?": the transmit scale HIP-17 would give a new hotspot at a
 * candidate cell once it is interactive, the counts and limits behind it, and the interactive
 * hotspots whose scale it would lower (or raise): what someone siting a hotspot weighs.
 *
 * The scale of a cell depends only on nearby counts: its ancestors' counts and, at each resolution,
 * the occupancy of the ancestor's ring of neighbours, whose counts in turn depend on their own
 * children's neighbours, a little further out at each finer level: everything lies within one ring
 * of res-4 cells around the cell's res-4 ancestor plus less than one res-4 cell of spill. A new
 * hotspot changes the figures of cells within that reach of its own, so the hotspots it can change
 * lie within AFFECTED_RINGS res-4 rings, and their own figures within NEIGHBOURHOOD_RINGS. Counting
 * the interactive hotspots of that neighbourhood gives exactly the scales the whole network's
 * computation gives, for the candidate and for every hotspot it can change (siting-estimate.test
 * checks this against the whole computation). One estimate computes the density of that
 * neighbourhood, not of the 400,000 hotspots.
 */
import { cellToParent, gridDisk } from 'h3-js';
import { computeHexDensity, HIP104_HEX_DENSITY_PARAMS, type DensityLevel, type HexDensityMap, type HexScale } from '@cov/shared/rewards/hex-density';

/** An interactive hotspot as the density map counts it. */
export interface DensityInput {
  address: string;
  cell: string;
}

/** Res-4 rings around the candidate's res-4 cell holding every hotspot whose scale it can change (one ring plus spill, rounded up). */
export const AFFECTED_RINGS = 2;
/** Res-4 rings whose hotspots are counted: what those hotspots' own figures reach (AFFECTED_RINGS plus one ring plus spill, rounded up). */
export const NEIGHBOURHOOD_RINGS = 4;
const NEIGHBOURHOOD_RES = 4;

/** The density inputs by res-4 ancestor, built once per snapshot. */
export class DensityNeighbourhoods {
  private readonly byCell = new Map<string, DensityInput[]>();

  constructor(inputs: readonly DensityInput[]) {
    for (const input of inputs) {
      const key = cellToParent(input.cell, NEIGHBOURHOOD_RES);
      const list = this.byCell.get(key);
      if (list) list.push(input);
      else this.byCell.set(key, [input]);
    }
  }

  /** The inputs whose res-4 ancestor is within `rings` of `cell`'s. */
  around(cell: string, rings: number): DensityInput[] {
    return gridDisk(cellToParent(cell, NEIGHBOURHOOD_RES), rings).flatMap((c) => this.byCell.get(c) ?? []);
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
  /** Interactive hotspots the estimate counted (the candidate's neighbourhood). */
  counted: number;
}

/**
 * The estimate for a hotspot at `cell` (res 12, as locations are asserted), against the current
 * density map (`current`, over the same inputs `neighbourhoods` was built from; undefined when no
 * hotspot is interactive).
 */
export function estimateSiting(neighbourhoods: DensityNeighbourhoods, current: HexDensityMap | undefined, cell: string): SitingEstimate {
  const local = neighbourhoods.around(cell, NEIGHBOURHOOD_RINGS);
  const computed = computeHexDensity([...local.map((i) => i.cell), cell], HIP104_HEX_DENSITY_PARAMS);
  // The inputs come from asserted cells the snapshot already computed with, and `cell` from h3-js.
  if (!computed.ok) throw computed.error;
  const withNew = computed.value;
  const changes: ScaleChange[] = [];
  // Further out the neighbourhood is cut short of what a hotspot's own figures reach: scales there are not exact, and cannot change.
  for (const input of neighbourhoods.around(cell, AFFECTED_RINGS)) {
    const scaleBefore = current?.scaleOf(input.cell) ?? withNew.scaleOf(input.cell);
    const scaleAfter = withNew.scaleOf(input.cell);
    if (scaleAfter.scaleE4 !== scaleBefore.scaleE4) changes.push({ address: input.address, cell: input.cell, scaleBefore, scaleAfter });
  }
  changes.sort((a, b) => b.scaleBefore.scaleE4 - b.scaleAfter.scaleE4 - (a.scaleBefore.scaleE4 - a.scaleAfter.scaleE4) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { scale: withNew.scaleOf(cell), levels: withNew.explain(cell) ?? [], changes, counted: local.length };
}
