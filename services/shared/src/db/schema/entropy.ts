/**
 * Entropy values published by the entropy oracle. A beacon must embed a fresh one (seed of its
 * payload), so beacons cannot be precomputed or replayed. The timestamp is in whole seconds, as in
 * Helium's entropy_report_v1, because the beacon construction hashes it in seconds.
 */
import { bigint, index, integer, pgTable } from 'drizzle-orm/pg-core';
import { bytea } from '../columns';

export const entropyValues = pgTable(
  'entropy_values',
  {
    /** 32 unpredictable bytes. */
    data: bytea('data').primaryKey(),
    timestampSec: bigint('timestamp_sec', { mode: 'number' }).notNull(),
    version: integer('version').notNull(),
    /** ed25519 signature by the oracle key over the encoded entropy_report_v1 (signature empty). */
    signature: bytea('signature').notNull(),
  },
  (t) => [index('entropy_values_time_idx').on(t.timestampSec)],
);
