/**
 * Report-to-report spread of the path loss on a hotspot's edges, pooled: sqrt(sum of squared
 * deviations / degrees of freedom). A static link fades a little from packet to packet; numbers
 * that never move were computed, numbers that swing several dB were invented with noise.
 */
import type { EdgeEvidence } from './epoch-evidence';

export interface PooledSpread {
  spreadDb: number;
  dof: number;
}

export function pooledSpread(edges: Iterable<EdgeEvidence>): PooledSpread {
  let ssd = 0;
  let dof = 0;
  for (const e of edges) {
    if (e.count < 2) continue;
    ssd += e.sumSquaredDeviationDb2;
    dof += e.count - 1;
  }
  return { spreadDb: dof > 0 ? Math.sqrt(ssd / dof) : 0, dof };
}

/** Edges grouped by the hotspot that reported them (the witness), sorted by address. */
export function edgesByWitness(edges: readonly EdgeEvidence[]): Map<string, EdgeEvidence[]> {
  const out = new Map<string, EdgeEvidence[]>();
  for (const e of edges) {
    if (e.beaconer === e.witness) continue;
    const list = out.get(e.witness) ?? [];
    list.push(e);
    out.set(e.witness, list);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
