/**
 * Hotspot makers (manufacturers). A maker onboards hotspots with one of its API keys; keys are
 * stored only as SHA-256 hashes with a short visible prefix so an operator can tell them apart.
 */
import { pgTable, text, timestamp, uuid, index } from 'drizzle-orm/pg-core';

export const makers = pgTable('makers', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export const makerApiKeys = pgTable(
  'maker_api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    makerId: uuid('maker_id')
      .notNull()
      .references(() => makers.id),
    keyHash: text('key_hash').notNull().unique(),
    keyPrefix: text('key_prefix').notNull(),
    /** What the maker calls the key ("factory line 2"), to tell its keys apart; '' when not named. */
    name: text('name').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    /** When the key was last used, to within auth/api-key-use.ts's resolution; null if never. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('maker_api_keys_maker_idx').on(t.makerId)],
);
