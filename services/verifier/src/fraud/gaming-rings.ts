/**
 * Gaming rings: groups that invent witnesses of each other. Two things together give them away:
 *  - their witness reports stay inside the group (members hear members and nobody else), and
 *  - the signals on those internal edges are implausible for fixed radios: the path loss of one
 *    link swings several dB from report to report, where a static link fades by about 1.5 dB.
 * Either alone is common and honest: an isolated village only hears itself, a noisy receiver
 * swings. Candidates are hotspots whose own reports swing; groups are candidates connected by
 * links heard both ways (ring members invent witnesses for each other, so every pair is mutual,
 * while an honest bystander that merely hears a ring's real beacons is never heard back). A group
 * then takes in mutual partners whose own reports are mostly of the group (a member whose invented
 * numbers happened to swing less). A group is a ring when it is big enough, its internal edges
 * swing as a whole, and its members' reports stay inside.
 */
import { round2, type EdgeEvidence, type FraudFlag } from './epoch-evidence';
import { edgesByWitness, pooledSpread } from './fading';
import type { FraudParams } from './fraud-params';

export function detectGamingRings(edges: readonly EdgeEvidence[], params: FraudParams): FraudFlag[] {
  const byWitness = edgesByWitness(edges);
  const candidates = new Set<string>();
  for (const [witness, own] of byWitness) {
    const s = pooledSpread(own);
    if (s.dof >= params.ringCandidateMinDof && s.spreadDb >= params.ringCandidateFadingDb) candidates.add(witness);
  }
  const directed = new Set(edges.map((e) => `${e.beaconer}>${e.witness}`));
  // Mutual partners of every hotspot (heard both ways).
  const mutual = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.beaconer === e.witness || !directed.has(`${e.witness}>${e.beaconer}`)) continue;
    const set = mutual.get(e.witness) ?? new Set<string>();
    set.add(e.beaconer);
    mutual.set(e.witness, set);
  }
  const neighbours = new Map<string, Set<string>>();
  for (const c of candidates) {
    const set = new Set([...(mutual.get(c) ?? [])].filter((m) => candidates.has(m)));
    if (set.size > 0) neighbours.set(c, set);
  }
  const insideShareOf = (m: string, members: ReadonlySet<string>): number => {
    const own = byWitness.get(m) ?? [];
    const total = own.reduce((s, e) => s + e.count, 0);
    const inside = own.filter((e) => members.has(e.beaconer)).reduce((s, e) => s + e.count, 0);
    return total > 0 ? inside / total : 0;
  };
  const seen = new Set<string>();
  const flags: FraudFlag[] = [];
  for (const start of [...candidates].sort()) {
    if (seen.has(start)) continue;
    const group: string[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const node = stack.pop()!;
      group.push(node);
      for (const next of neighbours.get(node) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    const members = new Set(group);
    for (let grew = true; grew; ) {
      grew = false;
      for (const m of [...members]) {
        for (const x of [...(mutual.get(m) ?? [])].sort()) {
          // A hotspot an earlier group already took stays there (as the search above does), so it
          // is flagged once: fraud_flags holds one row per (epoch, hotspot, kind).
          if (members.has(x) || seen.has(x) || insideShareOf(x, members) < params.ringMinInsideShare) continue;
          members.add(x);
          seen.add(x);
          group.push(x);
          grew = true;
        }
      }
    }
    if (group.length < params.ringMinMembers) continue;
    const internal = edges.filter((e) => e.beaconer !== e.witness && members.has(e.beaconer) && members.has(e.witness));
    const spread = pooledSpread(internal);
    const insideShares = group.map((m) => insideShareOf(m, members));
    const insideShare = insideShares.reduce((s, v) => s + v, 0) / insideShares.length;
    if (spread.spreadDb < params.ringMinGroupFadingDb || insideShare < params.ringMinInsideShare) continue;
    const sorted = [...group].sort();
    for (const member of sorted) {
      flags.push({
        hotspotAddress: member,
        kind: 'gaming_ring',
        score: round2(Math.min(1, insideShare * Math.min(1, spread.spreadDb / (2 * params.ringMinGroupFadingDb)) * 1.5)),
        evidence: {
          members: sorted,
          internalEdges: internal.length,
          reportToReportSpreadDb: round2(spread.spreadDb),
          spreadDegreesOfFreedom: spread.dof,
          insideShare: round2(insideShare),
        },
      });
    }
  }
  return flags;
}
