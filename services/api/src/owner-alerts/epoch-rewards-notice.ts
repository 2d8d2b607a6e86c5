/**
 * The notice an owner opted into epoch rewards gets once per paid epoch: what it paid each of the
 * owner's hotspots (those paid nothing too: what an owner most needs to hear of), by part, and how
 * each compares with the network's paid hotspots, as the hotspot views rank them.
 */
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { rewardStanding } from '@cov/shared/rewards/reward-distribution';
import type { EpochRewardsNotice } from '@cov/shared/alerts/notice-schemas';
import type { EpochAmounts, PaidEpoch } from './owner-alerts-repository';

/** Its schema, published in the OpenAPI document: shared/alerts/notice-schemas.ts. */
export type { EpochRewardsNotice };

export function epochRewardsNotice(owner: string, epoch: PaidEpoch, fleet: readonly string[], amounts: ReadonlyMap<string, EpochAmounts>, nowMs: number): EpochRewardsNotice {
  const rows = fleet.map((address) => {
    const a = amounts.get(address) ?? { beacon: 0n, witness: 0n, data: 0n };
    return { address, a, total: a.beacon + a.witness + a.data };
  });
  rows.sort((x, y) => (x.total !== y.total ? (x.total > y.total ? -1 : 1) : x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  const { spread } = epoch;
  return {
    type: 'epoch_rewards',
    owner,
    epoch: epoch.epoch,
    start: new Date(epoch.startMs).toISOString(),
    end: new Date(epoch.endMs).toISOString(),
    totalAmount: rows.reduce((s, r) => s + r.total, 0n).toString(),
    paidHotspots: rows.filter((r) => r.total > 0n).length,
    hotspots: rows.map((r) => ({
      hotspot: r.address,
      name: hotspotName(r.address),
      beaconAmount: r.a.beacon.toString(),
      witnessAmount: r.a.witness.toString(),
      dataAmount: r.a.data.toString(),
      totalAmount: r.total.toString(),
      standing: r.total > 0n && spread ? rewardStanding(r.total, spread) : null,
    })),
    network: spread ? { paidHotspots: spread.hotspots, mean: spread.mean, median: spread.median, p90: spread.p90 } : null,
    at: new Date(nowMs).toISOString(),
  };
}
