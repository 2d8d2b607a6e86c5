/**
 * `--labels FILE`: the ground truth a detector is scored against. One entry per hotspot (honest ones
 * too, with `kind: null`), with where it really is and what it asserted, plus the rings and their
 * members, so precision and recall can be computed per kind.
 */
import { writeFileSync } from 'node:fs';
import type { SimWorld } from '../world/world';
import { distanceM } from '../world/geodesy';
import { CHEATER_KINDS, type CheaterKind } from './cheater-kinds';

export interface HotspotLabel {
  address: string;
  index: number;
  owner: string;
  capability: 'full' | 'data_only';
  kind: CheaterKind | null;
  details: Record<string, unknown> | null;
  truePosition: { lat: number; lng: number };
  asserted: { lat: number; lng: number; gainDbiX10: number; elevationM: number };
  /** How far the asserted location is from the true one. */
  assertionErrorM: number;
}

export interface LabelsFile {
  version: 1;
  seed: string;
  scenario: string;
  region: string;
  counts: Record<CheaterKind | 'honest', number>;
  hotspots: HotspotLabel[];
  rings: { id: number; members: string[]; farm: { lat: number; lng: number }; assertedCentre: { lat: number; lng: number } }[];
}

export function buildLabels(world: SimWorld, scenario: string): LabelsFile {
  const counts = { honest: 0, ...Object.fromEntries(CHEATER_KINDS.map((k) => [k, 0])) } as Record<CheaterKind | 'honest', number>;
  const hotspots = world.hotspots.map((h): HotspotLabel => {
    counts[h.cheat?.kind ?? 'honest']++;
    const { kind: _kind, ...details } = h.cheat ?? { kind: null };
    return {
      address: h.address,
      index: h.index,
      owner: world.owners[h.owner]!.address,
      capability: h.capability,
      kind: h.cheat?.kind ?? null,
      details: h.cheat ? details : null,
      truePosition: h.truePosition,
      asserted: h.asserted,
      assertionErrorM: Math.round(distanceM(h.truePosition, h.asserted)),
    };
  });
  return {
    version: 1,
    seed: world.seed,
    scenario,
    region: world.region,
    counts,
    hotspots,
    rings: world.rings.map((r) => ({ id: r.id, members: r.members.map((m) => world.hotspots[m]!.address), farm: r.farm, assertedCentre: r.assertedCentre })),
  };
}

export function writeLabels(path: string, labels: LabelsFile): void {
  writeFileSync(path, `${JSON.stringify(labels, null, 2)}\n`);
}
