/**
 * Epoch rewards: the versioned protocol parameter sets, one row per computed epoch (its signed
 * manifest, totals and burn-and-mint accounting), the per-hotspot amounts of each epoch, and the
 * lifetime reward index a distributor reads. The rewarder writes an epoch's rows, its index updates
 * and its manifest in one transaction, so an epoch is either fully paid or not at all.
 */
import { bigint, index, integer, jsonb, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core';
import { bytea } from '../columns';
import { sql } from 'drizzle-orm';

/**
 * Protocol parameters (emission, pool split, HIP-15/HIP-17 constants, check thresholds, epoch
 * length, token price, fraud policy). Rows are never changed: a new set takes effect from
 * effective_from_epoch; the set in force for epoch E is the one with the greatest
 * (effective_from_epoch, id) not after E, so past epochs recompute with the set they were paid under.
 */
export const rewardParameterSets = pgTable(
  'reward_parameter_sets',
  {
    id: serial('id').primaryKey(),
    effectiveFromEpoch: integer('effective_from_epoch').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    /** sha256 (hex) of the RFC 8785 canonical JSON of params; manifests record it. */
    paramsHash: text('params_hash').notNull(),
    createdAtMs: bigint('created_at_ms', { mode: 'number' }).notNull(),
  },
  (t) => [index('reward_parameter_sets_epoch_idx').on(t.effectiveFromEpoch, t.id)],
);

export const rewardEpochs = pgTable('reward_epochs', {
  epoch: integer('epoch').primaryKey(),
  startMs: bigint('start_ms', { mode: 'number' }).notNull(),
  /** Exclusive. */
  endMs: bigint('end_ms', { mode: 'number' }).notNull(),
  parameterSetId: integer('parameter_set_id')
    .notNull()
    .references(() => rewardParameterSets.id),
  /** sha256 (hex) of the manifest's canonical JSON. */
  manifestHash: text('manifest_hash').notNull(),
  /** ed25519 signature (hex) by the oracle key over the 32 hash bytes. */
  signature: text('signature').notNull(),
  oraclePublicKey: text('oracle_public_key').notNull(),
  /** Merkle root (hex) over (hotspot address, cumulative lifetime amount) after this epoch. */
  merkleRoot: text('merkle_root').notNull(),
  /** Published file name under MANIFESTS_DIR. */
  fileName: text('file_name').notNull(),
  emission: bigint('emission', { mode: 'bigint' }).notNull(),
  hotspotsRewarded: integer('hotspots_rewarded').notNull(),
  beaconAmount: bigint('beacon_amount', { mode: 'bigint' }).notNull(),
  witnessAmount: bigint('witness_amount', { mode: 'bigint' }).notNull(),
  dataAmount: bigint('data_amount', { mode: 'bigint' }).notNull(),
  operationsAmount: bigint('operations_amount', { mode: 'bigint' }).notNull(),
  oraclesAmount: bigint('oracles_amount', { mode: 'bigint' }).notNull(),
  unallocatedAmount: bigint('unallocated_amount', { mode: 'bigint' }).notNull(),
  /** Burn-and-mint: data credits burned for packets carried in the epoch, and their USD value (exact decimal). */
  dcBurned: bigint('dc_burned', { mode: 'bigint' }).notNull(),
  dcBurnedUsd: text('dc_burned_usd').notNull(),
  /** USD per whole token used for the epoch (exact decimal) and the USD value of the emission. */
  tokenPriceUsd: text('token_price_usd').notNull(),
  emittedUsd: text('emitted_usd').notNull(),
  /** Rates, pools and input counts of the manifest, for the API (the manifest is the authority). */
  summary: jsonb('summary').$type<Record<string, unknown>>().notNull(),
  /** The published file's exact bytes, gzip-compressed, so it can be republished or served. */
  documentGz: bytea('document_gz').notNull(),
  computedAtMs: bigint('computed_at_ms', { mode: 'number' }).notNull(),
});

/** Per hotspot and epoch (only hotspots paid something), with the shares behind the amounts. */
export const hotspotEpochRewards = pgTable(
  'hotspot_epoch_rewards',
  {
    hotspotAddress: text('hotspot_address').notNull(),
    epoch: integer('epoch').notNull(),
    beaconAmount: bigint('beacon_amount', { mode: 'bigint' }).notNull(),
    witnessAmount: bigint('witness_amount', { mode: 'bigint' }).notNull(),
    dataAmount: bigint('data_amount', { mode: 'bigint' }).notNull(),
    /** Σ hex scale × reward units, fixed point × 10^8. */
    beaconSharesE8: bigint('beacon_shares_e8', { mode: 'bigint' }).notNull(),
    witnessSharesE8: bigint('witness_shares_e8', { mode: 'bigint' }).notNull(),
    dataDc: bigint('data_dc', { mode: 'bigint' }).notNull(),
    /** Cumulative lifetime amount after this epoch. */
    lifetimeAmount: bigint('lifetime_amount', { mode: 'bigint' }).notNull(),
    /** beacon + witness + data, kept by the database so an epoch's hotspots can be walked best paid first. */
    totalAmount: bigint('total_amount', { mode: 'bigint' })
      .generatedAlwaysAs(sql`beacon_amount + witness_amount + data_amount`)
      .notNull(),
  },
  (t) => [
    primaryKey({ name: 'hotspot_epoch_rewards_pk', columns: [t.hotspotAddress, t.epoch] }),
    index('hotspot_epoch_rewards_epoch_idx').on(t.epoch, t.hotspotAddress),
    // The epoch's leaderboard: best paid first, ties by address (keyset pages over it). NULLS FIRST is
    // PostgreSQL's own default for DESC, so `order by total_amount desc` walks it (NULLS LAST would not).
    index('hotspot_epoch_rewards_epoch_total_idx').on(t.epoch, t.totalAmount.desc().nullsFirst(), t.hotspotAddress),
  ],
);

/** One row per hotspot ever paid: its cumulative lifetime amount (what a distributor signs for). */
export const rewardIndex = pgTable('reward_index', {
  hotspotAddress: text('hotspot_address').primaryKey(),
  lifetimeAmount: bigint('lifetime_amount', { mode: 'bigint' }).notNull(),
  lastEpoch: integer('last_epoch').notNull(),
});
