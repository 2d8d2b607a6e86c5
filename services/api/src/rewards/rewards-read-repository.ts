// Reads of the rewarder's tables for the rewards API.
import { and, desc, eq, gt, lt, lte, asc, or, sql } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';
import type { RewardDistribution } from '@cov/shared/rewards/reward-distribution';
import { hotspotEpochRewards, rewardEpochs } from '@cov/shared/db/schema/rewards';

export type RewardEpochRow = Omit<typeof rewardEpochs.$inferSelect, 'documentGz'>;
export type HotspotEpochRow = typeof hotspotEpochRewards.$inferSelect & {
  startMs: number;
  endMs: number;
  /** How the epoch's rewards spread over its paid hotspots; null until recorded (older epochs). */
  perHotspot: RewardDistribution | null;
};

const epochColumns = {
  epoch: rewardEpochs.epoch,
  startMs: rewardEpochs.startMs,
  endMs: rewardEpochs.endMs,
  parameterSetId: rewardEpochs.parameterSetId,
  manifestHash: rewardEpochs.manifestHash,
  signature: rewardEpochs.signature,
  oraclePublicKey: rewardEpochs.oraclePublicKey,
  merkleRoot: rewardEpochs.merkleRoot,
  fileName: rewardEpochs.fileName,
  emission: rewardEpochs.emission,
  hotspotsRewarded: rewardEpochs.hotspotsRewarded,
  beaconAmount: rewardEpochs.beaconAmount,
  witnessAmount: rewardEpochs.witnessAmount,
  dataAmount: rewardEpochs.dataAmount,
  operationsAmount: rewardEpochs.operationsAmount,
  oraclesAmount: rewardEpochs.oraclesAmount,
  unallocatedAmount: rewardEpochs.unallocatedAmount,
  dcBurned: rewardEpochs.dcBurned,
  dcBurnedUsd: rewardEpochs.dcBurnedUsd,
  tokenPriceUsd: rewardEpochs.tokenPriceUsd,
  emittedUsd: rewardEpochs.emittedUsd,
  summary: rewardEpochs.summary,
  computedAtMs: rewardEpochs.computedAtMs,
};

export async function findRewardEpoch(db: Db, epoch: number): Promise<RewardEpochRow | undefined> {
  const [row] = await db.select(epochColumns).from(rewardEpochs).where(eq(rewardEpochs.epoch, epoch)).limit(1);
  return row;
}

/** Newest first, epochs before `beforeEpoch` when given. */
export async function listRewardEpochs(db: Db, beforeEpoch: number | undefined, limit: number): Promise<RewardEpochRow[]> {
  return db
    .select(epochColumns)
    .from(rewardEpochs)
    .where(beforeEpoch === undefined ? undefined : lt(rewardEpochs.epoch, beforeEpoch))
    .orderBy(desc(rewardEpochs.epoch))
    .limit(limit);
}

export async function findEpochDocumentGz(db: Db, epoch: number): Promise<Uint8Array | undefined> {
  const [row] = await db.select({ doc: rewardEpochs.documentGz }).from(rewardEpochs).where(eq(rewardEpochs.epoch, epoch)).limit(1);
  return row?.doc;
}

/** Per-hotspot epoch amounts joined with their epoch's bounds: the one shape both listings return. */
function selectHotspotEpochRows(db: Db) {
  return db
    .select({
      hotspotAddress: hotspotEpochRewards.hotspotAddress,
      epoch: hotspotEpochRewards.epoch,
      beaconAmount: hotspotEpochRewards.beaconAmount,
      witnessAmount: hotspotEpochRewards.witnessAmount,
      dataAmount: hotspotEpochRewards.dataAmount,
      totalAmount: hotspotEpochRewards.totalAmount,
      beaconSharesE8: hotspotEpochRewards.beaconSharesE8,
      witnessSharesE8: hotspotEpochRewards.witnessSharesE8,
      dataDc: hotspotEpochRewards.dataDc,
      lifetimeAmount: hotspotEpochRewards.lifetimeAmount,
      startMs: rewardEpochs.startMs,
      endMs: rewardEpochs.endMs,
      perHotspot: sql<RewardDistribution | null>`${rewardEpochs.summary}->'perHotspot'`,
    })
    .from(hotspotEpochRewards)
    .innerJoin(rewardEpochs, eq(rewardEpochs.epoch, hotspotEpochRewards.epoch));
}

/** A hotspot's per-epoch rewards, newest first, epochs before `beforeEpoch` when given. */
export async function listHotspotEpochRewards(db: Db, address: string, beforeEpoch: number | undefined, limit: number): Promise<HotspotEpochRow[]> {
  return selectHotspotEpochRows(db)
    .where(
      beforeEpoch === undefined
        ? eq(hotspotEpochRewards.hotspotAddress, address)
        : and(eq(hotspotEpochRewards.hotspotAddress, address), lt(hotspotEpochRewards.epoch, beforeEpoch)),
    )
    .orderBy(desc(hotspotEpochRewards.epoch))
    .limit(limit);
}

/** One epoch's paid hotspots in address order, after `afterAddress` when given. */
export async function listEpochHotspots(db: Db, epoch: number, afterAddress: string | undefined, limit: number): Promise<HotspotEpochRow[]> {
  return selectHotspotEpochRows(db)
    .where(
      afterAddress === undefined
        ? eq(hotspotEpochRewards.epoch, epoch)
        : and(eq(hotspotEpochRewards.epoch, epoch), gt(hotspotEpochRewards.hotspotAddress, afterAddress)),
    )
    .orderBy(asc(hotspotEpochRewards.hotspotAddress))
    .limit(limit);
}

/**
 * One epoch's paid hotspots best paid first, ties by address, after `after` (the last row of the
 * previous page) when given: the epoch's leaderboard, walked through its (epoch, total desc,
 * address) index without a sort, however deep the page.
 */
export function epochLeaderboardQuery(db: Db, epoch: number, after: { totalAmount: bigint; address: string } | undefined, limit: number) {
  return selectHotspotEpochRows(db)
    .where(
      after === undefined
        ? eq(hotspotEpochRewards.epoch, epoch)
        : and(
            eq(hotspotEpochRewards.epoch, epoch),
            // The first bound lets the index seek to the position; the second drops the tied rows already shown.
            lte(hotspotEpochRewards.totalAmount, after.totalAmount),
            or(lt(hotspotEpochRewards.totalAmount, after.totalAmount), gt(hotspotEpochRewards.hotspotAddress, after.address)),
          ),
    )
    .orderBy(desc(hotspotEpochRewards.totalAmount), asc(hotspotEpochRewards.hotspotAddress))
    .limit(limit);
}
