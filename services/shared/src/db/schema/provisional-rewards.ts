/**
 * Provisional rewards: what the epochs not paid yet (the one in progress, and the one that ended
 * and waits for its payment) would pay each hotspot from the inputs recorded so far. The rewarder
 * recomputes them every PROVISIONAL_REWARDS_INTERVAL_MS and replaces an epoch's rows in one
 * transaction; an epoch's rows go once it is paid (its hotspot_epoch_rewards rows are the answer
 * from then on). Nothing here is signed or final: owners read it as "earned so far today".
 */
import { bigint, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { rewardParameterSets } from './rewards';

export const provisionalRewardEpochs = pgTable('provisional_reward_epochs', {
  epoch: integer('epoch').primaryKey(),
  startMs: bigint('start_ms', { mode: 'number' }).notNull(),
  /** Exclusive. */
  endMs: bigint('end_ms', { mode: 'number' }).notNull(),
  /** Inputs recorded before this instant were counted: min(computation time, end). */
  asOfMs: bigint('as_of_ms', { mode: 'number' }).notNull(),
  parameterSetId: integer('parameter_set_id')
    .notNull()
    .references(() => rewardParameterSets.id),
  /** The epoch's emission times the share of it elapsed at as_of_ms (what is split so far). */
  emission: bigint('emission', { mode: 'bigint' }).notNull(),
  /** Hotspots with a total above zero so far (the run's hotspot rows also hold those with inputs and nothing paid). */
  hotspots: integer('hotspots').notNull(),
  beaconAmount: bigint('beacon_amount', { mode: 'bigint' }).notNull(),
  witnessAmount: bigint('witness_amount', { mode: 'bigint' }).notNull(),
  dataAmount: bigint('data_amount', { mode: 'bigint' }).notNull(),
  dataDc: bigint('data_dc', { mode: 'bigint' }).notNull(),
  /** Input counts and what is not final yet (beacons still unverified, fraud analysis not run). */
  summary: jsonb('summary').$type<Record<string, unknown>>().notNull(),
  computedAtMs: bigint('computed_at_ms', { mode: 'number' }).notNull(),
});

export const provisionalHotspotRewards = pgTable(
  'provisional_hotspot_rewards',
  {
    epoch: integer('epoch')
      .notNull()
      .references(() => provisionalRewardEpochs.epoch, { onDelete: 'cascade' }),
    hotspotAddress: text('hotspot_address').notNull(),
    beaconAmount: bigint('beacon_amount', { mode: 'bigint' }).notNull(),
    witnessAmount: bigint('witness_amount', { mode: 'bigint' }).notNull(),
    dataAmount: bigint('data_amount', { mode: 'bigint' }).notNull(),
    totalAmount: bigint('total_amount', { mode: 'bigint' })
      .generatedAlwaysAs(sql`beacon_amount + witness_amount + data_amount`)
      .notNull(),
    /** Rewarded beacons and valid selected witnesses counted so far. */
    beacons: integer('beacons').notNull(),
    witnesses: integer('witnesses').notNull(),
    dataDc: bigint('data_dc', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'provisional_hotspot_rewards_pk', columns: [t.epoch, t.hotspotAddress] }),
    // A hotspot's (and, through the registry, a fleet's) provisional rows across the open epochs.
    index('provisional_hotspot_rewards_address_idx').on(t.hotspotAddress),
    // Today's leaderboard: best earning first, ties by address, keyset pages walking the index
    // (NULLS FIRST is PostgreSQL's default for DESC, so `order by total_amount desc` uses it).
    index('provisional_hotspot_rewards_epoch_total_idx').on(t.epoch, t.totalAmount.desc().nullsFirst(), t.hotspotAddress),
  ],
);
