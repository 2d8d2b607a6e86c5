/**
 * The hotspot registry: identity (Helium address and binary ed25519 key), owner, maker, capability,
 * and the current asserted location. Every assertion is also kept in location_assertions so the
 * history can be shown and past epochs can be recomputed with the location that was current then;
 * every change of owner is kept in hotspot_transfers.
 */
import { pgTable, text, timestamp, integer, bigint, index, uniqueIndex, pgEnum, smallint, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { makers } from './makers';
import { bytea } from '../columns';


export const hotspotCapability = pgEnum('hotspot_capability', ['full', 'data_only']);

export const hotspots = pgTable(
  'hotspots',
  {
    /** base58check Helium address of the hotspot's ed25519 key. */
    address: text('address').primaryKey(),
    /**
     * Helium's three-word name of the address (registry/hotspot-name.ts), kept to look hotspots up
     * by it. Set when a hotspot is onboarded; rows from before this column, or written by other
     * paths, are named by the API when it starts (null until then).
     */
    name: text('name'),
    /** Helium binary key (type byte + 32 key bytes), as carried in reports. */
    publicKey: bytea('public_key').notNull().unique(),
    ownerAddress: text('owner_address').notNull(),
    makerId: uuid('maker_id')
      .notNull()
      .references(() => makers.id),
    capability: hotspotCapability('capability').notNull(),
    /** 64-bit gateway EUI (16 hex chars, upper case) the packet forwarder reports over GWMP. */
    gatewayEui: text('gateway_eui').notNull().unique(),
    /** Current asserted location as an H3 res-12 cell (hex); null until first asserted. */
    locationCell: text('location_cell'),
    /** Parent res-8 cell: the public, coarse location shown on maps. */
    locationCellRes8: text('location_cell_res8'),
    gainDbiX10: smallint('gain_dbi_x10'),
    elevationM: integer('elevation_m'),
    region: text('region'),
    /**
     * ISO 3166-1 alpha-2 code of the country the asserted location is in (XK, ZZ: country-codes.ts);
     * null until asserted, and for rows located before countries were kept until the API fills them in.
     */
    countryCode: text('country_code'),
    /** Nonce of the last accepted location assertion; each new one must be greater. */
    assertNonce: bigint('assert_nonce', { mode: 'bigint' }).notNull().default(sql`0`),
    locationAssertedAt: timestamp('location_asserted_at', { withTimezone: true, mode: 'date' }),
    /** Nonce of the last accepted ownership transfer; each new one must be greater. */
    transferNonce: bigint('transfer_nonce', { mode: 'bigint' }).notNull().default(sql`0`),
    onboardedAt: timestamp('onboarded_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('hotspots_owner_idx').on(t.ownerAddress, t.address),
    // A maker's hotspots in address order: the registry list filtered by maker, and its counts.
    index('hotspots_maker_idx').on(t.makerId, t.address),
    index('hotspots_location_res8_idx').on(t.locationCellRes8),
    // One country's hotspots in address order: the registry list filtered by country.
    index('hotspots_country_idx').on(t.countryCode, t.address),
    // The located rows still without a country: empty once the API has filled them in.
    index('hotspots_uncountried_idx').on(t.address).where(sql`${t.countryCode} is null and ${t.locationCell} is not null`),
    // text_pattern_ops: a search by the start of a name is a LIKE 'prefix%' range scan whatever the collation.
    index('hotspots_name_idx').on(t.name.op('text_pattern_ops'), t.address),
    // The rows still to be named: empty once the API has named them, so it costs nothing to keep.
    index('hotspots_unnamed_idx').on(t.address).where(sql`${t.name} is null`),
  ],
);

export const locationAssertions = pgTable(
  'location_assertions',
  {
    hotspotAddress: text('hotspot_address')
      .notNull()
      .references(() => hotspots.address),
    nonce: bigint('nonce', { mode: 'bigint' }).notNull(),
    ownerAddress: text('owner_address').notNull(),
    locationCell: text('location_cell').notNull(),
    gainDbiX10: smallint('gain_dbi_x10').notNull(),
    elevationM: integer('elevation_m').notNull(),
    region: text('region').notNull(),
    /** ed25519 signature by the owner over the canonical request bytes (kept as evidence). */
    signature: bytea('signature').notNull(),
    assertedAt: timestamp('asserted_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('location_assertions_pk').on(t.hotspotAddress, t.nonce), index('location_assertions_time_idx').on(t.hotspotAddress, t.assertedAt)],
);


export const hotspotTransfers = pgTable(
  'hotspot_transfers',
  {
    hotspotAddress: text('hotspot_address')
      .notNull()
      .references(() => hotspots.address),
    nonce: bigint('nonce', { mode: 'bigint' }).notNull(),
    fromOwner: text('from_owner').notNull(),
    toOwner: text('to_owner').notNull(),
    /** ed25519 signature by the previous owner over the canonical request bytes (kept as evidence). */
    signature: bytea('signature').notNull(),
    transferredAt: timestamp('transferred_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    uniqueIndex('hotspot_transfers_pk').on(t.hotspotAddress, t.nonce),
    // A hotspot's transfers in a time range (its activity feed), as location_assertions_time_idx.
    index('hotspot_transfers_time_idx').on(t.hotspotAddress, t.transferredAt),
  ],
);
