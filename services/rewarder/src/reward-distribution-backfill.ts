/**
 * Epochs paid before the rewarder recorded how their rewards spread over hotspots (summary
 * `perHotspot`) get it from their stored per-hotspot rows, with the same function the rewarder uses
 * when it pays an epoch, so an old epoch's figures are what paying it today would record. The
 * rows are the epoch's final amounts, so filling an epoch once is enough, and a second run (or a
 * second rewarder) finds nothing left: each update only applies to an epoch still without it.
 */
import type { Logger } from 'pino';
import { epochTotals } from '@cov/shared/earnings/epoch-totals';
import { rewardDistribution } from '@cov/shared/rewards/reward-distribution';
import type { Queryable } from './queryable';

/** Epochs filled per call: each reads all of one epoch's paid hotspots (up to ~400,000 rows). */
const EPOCHS_PER_CALL = 20;

export async function fillRewardDistributions(sql: Queryable, logger: Logger): Promise<number> {
  const epochs = await sql<{ epoch: number }[]>`
    select epoch from reward_epochs where not (summary ? 'perHotspot') order by epoch limit ${EPOCHS_PER_CALL}`;
  for (const { epoch } of epochs) {
    const distribution = rewardDistribution([...(await epochTotals(sql, epoch)).values()]);
    await sql`
      update reward_epochs set summary = summary || jsonb_build_object('perHotspot', ${JSON.stringify(distribution)}::jsonb)
      where epoch = ${epoch} and not (summary ? 'perHotspot')`;
  }
  if (epochs.length > 0) logger.info({ epochs: epochs.map((e) => e.epoch) }, 'recorded how earlier epochs\' rewards spread over hotspots');
  return epochs.length;
}
