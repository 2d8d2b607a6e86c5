/**
 * What happens to the PoC shares of hotspots that fraud analytics flagged for the epoch. The flag
 * itself (kind, score, evidence) comes from fraud_flags; the policy is a protocol parameter, so a
 * manifest says how flagged hotspots were treated and a recomputation treats them the same way.
 */
import type { FraudPolicy } from './parameter-set';
import type { HotspotInputRow } from './hotspot-input-row';

export interface FraudAction {
  address: string;
  /** Flag kinds raised for the hotspot this epoch, sorted. */
  kinds: string[];
  action: FraudPolicy;
}

const SCALE_ONE_E4 = 10_000n;

/**
 * Returns the rows with the policy applied and one action per flagged hotspot that had input rows
 * or flags (sorted by address). Downgrading floors the scaled shares, like every other step that
 * drops fractions of a share.
 */
export function applyFraudPolicy(
  rows: readonly HotspotInputRow[],
  flags: ReadonlyMap<string, readonly string[]>,
  policy: FraudPolicy,
  downgradeScaleE4: number,
): { rows: HotspotInputRow[]; actions: FraudAction[] } {
  const actions: FraudAction[] = [...flags]
    .map(([address, kinds]) => ({ address, kinds: [...new Set(kinds)].sort(), action: policy }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  if (policy === 'ignore' || flags.size === 0) return { rows: [...rows], actions };
  const factor = policy === 'exclude' ? 0n : BigInt(downgradeScaleE4);
  const out = rows.map((r) => {
    if (!flags.has(r.address)) return r;
    return {
      ...r,
      beaconSharesE8: (r.beaconSharesE8 * factor) / SCALE_ONE_E4,
      witnessSharesE8: (r.witnessSharesE8 * factor) / SCALE_ONE_E4,
    };
  });
  return { rows: out, actions };
}
