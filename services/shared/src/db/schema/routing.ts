/**
 * Packet routing for device makers: organisations (with API keys, DevAddr blocks and a data-credit
 * balance), their routes (endpoint, DevAddr ranges, JoinEUI/DevEUI pairs, session-key filters),
 * the append-only data-credit ledger, and what the router did with each packet (bought copies for
 * data-transfer rewards, per-route packet log and daily stats).
 *
 * DevAddrs are unsigned 32-bit numbers here (bigint columns) so ranges compare numerically; the
 * API shows them as 8 hex characters. High-volume router tables carry epoch-ms times like the
 * report tables and have no foreign keys, so a deleted route keeps its history (and `deleted_routes`
 * keeps the route as it was).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../columns';

export const orgs = pgTable('orgs', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  /** NetID (6 hex, upper case) the org's DevAddr blocks come from. */
  netId: text('net_id').notNull(),
  /** Current balance; always equals the sum of the org's ledger rows (both change in one transaction). */
  dcBalance: bigint('dc_balance', { mode: 'number' }).notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  /**
   * Signs what the org's endpoints are posted (routing/webhook-signature.ts); null: unsigned. Kept
   * as it is, as authHeader values are: signing needs the secret itself.
   */
  webhookSecret: text('webhook_secret'),
  webhookSecretCreatedAtMs: bigint('webhook_secret_created_at_ms', { mode: 'number' }),
  /** The secret before the last rotation, which still signs until `webhookSecretPreviousUntilMs`. */
  webhookSecretPrevious: text('webhook_secret_previous'),
  webhookSecretPreviousUntilMs: bigint('webhook_secret_previous_until_ms', { mode: 'number' }),
});

/**
 * An org's low-balance alert: when its DC balance falls below `threshold_dc`, the API posts one
 * notice to `url` (`armed` goes false), and arms again once the balance is back at or above the
 * threshold (a top-up). A failed post is retried at the next check.
 */
export const orgBalanceAlerts = pgTable('org_balance_alerts', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => orgs.id, { onDelete: 'cascade' }),
  thresholdDc: bigint('threshold_dc', { mode: 'number' }).notNull(),
  url: text('url').notNull(),
  /** Sent as the Authorization header of the notice, when set. */
  authHeader: text('auth_header'),
  /** True until a notice went out for the current dip below the threshold. */
  armed: boolean('armed').notNull().default(true),
  /** Also post a notice to `url` when a route's endpoint is backed off (packets not bought) and when it takes packets again. */
  endpointAlerts: boolean('endpoint_alerts').notNull().default(false),
  lastSentAtMs: bigint('last_sent_at_ms', { mode: 'number' }),
  lastAttemptAtMs: bigint('last_attempt_at_ms', { mode: 'number' }),
  /** What the last failed post got (`status_500`, `timeout`, `ECONNREFUSED`, ...); null after a success. */
  lastError: text('last_error'),
  updatedAtMs: bigint('updated_at_ms', { mode: 'number' }).notNull(),
});

/** read: GET only; write: everything an org may do to its own data. */
export const orgApiKeyScope = pgEnum('org_api_key_scope', ['read', 'write']);

export const orgApiKeys = pgTable(
  'org_api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    keyHash: text('key_hash').notNull().unique(),
    keyPrefix: text('key_prefix').notNull(),
    /** What the org calls the key ("CI", "dashboard"), so it can tell its keys apart; '' when not named. */
    name: text('name').notNull().default(''),
    scope: orgApiKeyScope('scope').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    /** When the key was last used, to within auth/api-key-use.ts's resolution; null if never. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('org_api_keys_org_idx').on(t.orgId)],
);

/** A slab of DevAddrs owned by one org: even size, at least 8, starting on an even address. */
export const devaddrBlocks = pgTable(
  'devaddr_blocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    netId: text('net_id').notNull(),
    startAddr: bigint('start_addr', { mode: 'number' }).notNull(),
    /** Inclusive. */
    endAddr: bigint('end_addr', { mode: 'number' }).notNull(),
    allocatedAt: timestamp('allocated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('devaddr_blocks_org_idx').on(t.orgId), index('devaddr_blocks_range_idx').on(t.netId, t.startAddr)],
);

export type RouteEndpoint =
  | { protocol: 'http'; url: string; authHeader?: string }
  /**
   * `regionPorts`: a UDP port per hotspot region, for an LNS that runs one gateway bridge per region
   * (Helium's gwmp route mapping); copies from hotspots of other regions go to `port`.
   */
  | { protocol: 'gwmp'; host: string; port: number; regionPorts?: Partial<Record<string, number>> };

export const routes = pgTable(
  'routes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull().default(''),
    endpoint: jsonb('endpoint').$type<RouteEndpoint>().notNull(),
    maxCopies: integer('max_copies').notNull(),
    /** Set by the org: an inactive route receives nothing. */
    active: boolean('active').notNull().default(true),
    /** Set by an admin: a locked route receives nothing and its org cannot change it. */
    locked: boolean('locked').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('routes_org_idx').on(t.orgId)],
);

export const routeDevaddrRanges = pgTable(
  'route_devaddr_ranges',
  {
    routeId: uuid('route_id')
      .notNull()
      .references(() => routes.id, { onDelete: 'cascade' }),
    startAddr: bigint('start_addr', { mode: 'number' }).notNull(),
    /** Inclusive. */
    endAddr: bigint('end_addr', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.routeId, t.startAddr, t.endAddr] })],
);

/** Joins route by (JoinEUI, DevEUI); DevEUI 0000000000000000 matches every device of the JoinEUI. */
export const routeEuiPairs = pgTable(
  'route_eui_pairs',
  {
    routeId: uuid('route_id')
      .notNull()
      .references(() => routes.id, { onDelete: 'cascade' }),
    /** 16 hex, lower case, display order. */
    joinEui: text('join_eui').notNull(),
    devEui: text('dev_eui').notNull(),
  },
  (t) => [primaryKey({ columns: [t.routeId, t.joinEui, t.devEui] }), index('route_eui_pairs_lookup_idx').on(t.joinEui, t.devEui)],
);

/**
 * Session-key filters: among routes sharing a DevAddr, an uplink goes to the routes whose NwkSKey
 * validates its MIC (routes without any filter for that DevAddr take it too).
 */
export const routeSkfs = pgTable(
  'route_skfs',
  {
    routeId: uuid('route_id')
      .notNull()
      .references(() => routes.id, { onDelete: 'cascade' }),
    devAddr: bigint('dev_addr', { mode: 'number' }).notNull(),
    /** NwkSKey, 32 hex lower case. */
    sessionKey: text('session_key').notNull(),
    /** 0: the route's max_copies. */
    maxCopies: integer('max_copies').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.routeId, t.devAddr, t.sessionKey] })],
);

/** An endpoint as a deleted route's record keeps it: no credentials (see `deletedRoutes.endpoint`). */
export type DeletedRouteEndpoint =
  | { protocol: 'http'; url: string; hasAuthHeader: boolean }
  | { protocol: 'gwmp'; host: string; port: number; regionPorts?: Partial<Record<string, number>> };

/** The router's `route_delivery` row of a route as it stood when the route was deleted. */
export interface DeletedRouteDelivery {
  lastError: string;
  lastErrorAtMs: number;
  backoffs: number;
  backoffUntilMs: number | null;
  recoveredAtMs: number | null;
}

/**
 * Routes their org (or an admin) deleted, as they were at deletion, so the device maker can still
 * read a deleted route's history (its daily stats, drops and packet log stay, as they have no
 * foreign keys) and tell "deleted" from "never existed". An archive rather than a `deleted_at`
 * column on `routes`: `routes` keeps meaning "live routes", so the router's config load, the
 * DevAddr ranges, EUI pairs and filters (which cascade away with the route, released for other
 * routes as before), and every listing of routes need no filter that one forgotten query would miss.
 */
export const deletedRoutes = pgTable(
  'deleted_routes',
  {
    /** The route's own id. */
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    /** Without credentials: an HTTP endpoint's URL loses user info and query string, its Authorization header is only `hasAuthHeader`. */
    endpoint: jsonb('endpoint').$type<DeletedRouteEndpoint>().notNull(),
    maxCopies: integer('max_copies').notNull(),
    active: boolean('active').notNull(),
    locked: boolean('locked').notNull(),
    /** Inclusive unsigned 32-bit bounds, ascending: the ranges the deletion released. */
    devaddrRanges: jsonb('devaddr_ranges').$type<{ startAddr: number; endAddr: number }[]>().notNull(),
    euiPairCount: integer('eui_pair_count').notNull(),
    /** Session-key filters the route had; the filters themselves hold keys and are not kept. */
    skfCount: integer('skf_count').notNull(),
    delivery: jsonb('delivery').$type<DeletedRouteDelivery>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The org API key that deleted the route; null when the admin key did. */
    deletedByKeyId: uuid('deleted_by_key_id').references(() => orgApiKeys.id),
  },
  // Newest first per org: the deleted-routes listing's keyset order.
  (t) => [index('deleted_routes_org_deleted_idx').on(t.orgId, t.deletedAt, t.id)],
);

/** A deleted route's JoinEUI/DevEUI pairs at deletion (which joins it took), in the live table's shape. */
export const deletedRouteEuiPairs = pgTable(
  'deleted_route_eui_pairs',
  {
    routeId: uuid('route_id')
      .notNull()
      .references(() => deletedRoutes.id, { onDelete: 'cascade' }),
    joinEui: text('join_eui').notNull(),
    devEui: text('dev_eui').notNull(),
  },
  (t) => [primaryKey({ columns: [t.routeId, t.joinEui, t.devEui] })],
);

/** One row (id 1) bumped by every routing change, so routers reload only when something changed. */
export const routingConfigVersion = pgTable('routing_config_version', {
  id: integer('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});

/** `correction`: an admin's signed adjustment (reversing a mistaken credit, crediting back a failed delivery). */
export const dcLedgerKind = pgEnum('dc_ledger_kind', ['purchase', 'top_up', 'burn', 'correction']);

/** Append-only: credits are positive, burns negative; balance_after_dc is the org balance after the row. */
export const dcLedger = pgTable(
  'dc_ledger',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: dcLedgerKind('kind').notNull(),
    amountDc: bigint('amount_dc', { mode: 'number' }).notNull(),
    balanceAfterDc: bigint('balance_after_dc', { mode: 'number' }).notNull(),
    /** Burns: how many bought copies the row pays for (one row per org per router flush). */
    copies: integer('copies').notNull().default(0),
    memo: text('memo').notNull().default(''),
    createdAtMs: bigint('created_at_ms', { mode: 'number' }).notNull(),
    /** Credits: the admin's Idempotency-Key, so a retried credit is recorded once. */
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    index('dc_ledger_org_idx').on(t.orgId, t.id),
    uniqueIndex('dc_ledger_idempotency_key_idx').on(t.orgId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
  ],
);

/**
 * Every bought copy: which hotspot carried which packet for which org, and the DC it cost. Written
 * at the router's packet rate, read by time range (data-transfer rewards per epoch: a BRIN index,
 * cheap to keep up on appends) and by hotspot (its last activity); no primary key.
 */
export const packetCopies = pgTable(
  'packet_copies',
  {
    packetHash: bytea('packet_hash').notNull(),
    routeId: uuid('route_id').notNull(),
    orgId: uuid('org_id').notNull(),
    hotspotAddress: text('hotspot_address').notNull(),
    dc: integer('dc').notNull(),
    rssiDbm: integer('rssi_dbm').notNull(),
    snrDb: real('snr_db').notNull(),
    frequencyHz: bigint('frequency_hz', { mode: 'number' }).notNull(),
    dataRate: text('data_rate').notNull(),
    receivedAtMs: bigint('received_at_ms', { mode: 'number' }).notNull(),
  },
  (t) => [index('packet_copies_time_brin').using('brin', t.receivedAtMs), index('packet_copies_hotspot_idx').on(t.hotspotAddress, t.receivedAtMs)],
);

/**
 * Per org, UTC day, hotspot and route: the copies the router bought from the hotspot for the org,
 * their DC and the last one's time. Written with the bought copies when the burn journal is settled
 * (one row per group of a settle statement, not per copy), so that a device maker can see which
 * hotspots carry its devices' traffic without scanning `packet_copies`, which has no org index.
 */
export const orgHotspotsDaily = pgTable(
  'org_hotspots_daily',
  {
    orgId: uuid('org_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    hotspotAddress: text('hotspot_address').notNull(),
    routeId: uuid('route_id').notNull(),
    copies: bigint('copies', { mode: 'number' }).notNull(),
    dc: bigint('dc', { mode: 'number' }).notNull(),
    lastAtMs: bigint('last_at_ms', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.hotspotAddress, t.routeId] })],
);

/** What happened to each packet on each matching route (forwarded, or the drop reason); pruned after a retention period. */
export const routedPackets = pgTable(
  'routed_packets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    packetHash: bytea('packet_hash').notNull(),
    routeId: uuid('route_id').notNull(),
    orgId: uuid('org_id').notNull(),
    /** 'uplink' | 'join'. */
    kind: text('kind').notNull(),
    devAddr: text('dev_addr'),
    joinEui: text('join_eui'),
    devEui: text('dev_eui'),
    fCnt: integer('f_cnt'),
    fPort: integer('f_port'),
    payloadBytes: integer('payload_bytes').notNull(),
    copiesHeard: integer('copies_heard').notNull(),
    copiesBought: integer('copies_bought').notNull(),
    dc: integer('dc').notNull(),
    /** 'forwarded' or a drop reason. */
    status: text('status').notNull(),
    receivedAtMs: bigint('received_at_ms', { mode: 'number' }).notNull(),
  },
  (t) => [index('routed_packets_route_idx').on(t.routeId, t.receivedAtMs), index('routed_packets_time_brin').using('brin', t.receivedAtMs)],
);

/**
 * Per route and UTC day: packets forwarded, copies bought, DC burned. Kept when its route is
 * deleted: an org's spending is read by org and day (the org index), so DC burned through a route
 * the org has since removed still counts.
 */
export const routeStatsDaily = pgTable(
  'route_stats_daily',
  {
    routeId: uuid('route_id').notNull(),
    orgId: uuid('org_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    packets: bigint('packets', { mode: 'number' }).notNull().default(sql`0`),
    copies: bigint('copies', { mode: 'number' }).notNull().default(sql`0`),
    dc: bigint('dc', { mode: 'number' }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.routeId, t.day] }), index('route_stats_daily_org_day_idx').on(t.orgId, t.day)],
);

/**
 * How a route's endpoint has been taking its packets, as far as the router's error back-off goes:
 * written by the router when it backs a failing endpoint off and when the endpoint takes a packet
 * again (a few writes per outage, none per packet), read by the API so a device maker can see why
 * its packets are dropped as `endpoint_backoff` and what its server answered.
 */
export const routeDelivery = pgTable('route_delivery', {
  routeId: uuid('route_id')
    .primaryKey()
    .references(() => routes.id, { onDelete: 'cascade' }),
  /** What the last failed delivery got: `status_500`, `timeout`, `ECONNREFUSED`, ... */
  lastError: text('last_error').notNull(),
  lastErrorAtMs: bigint('last_error_at_ms', { mode: 'number' }).notNull(),
  /** Back-offs in the current (or last) outage. */
  backoffs: integer('backoffs').notNull(),
  /** End of the current back-off (UTC ms); null once the endpoint took a packet again. */
  backoffUntilMs: bigint('backoff_until_ms', { mode: 'number' }),
  /** When the endpoint last took a packet again after a back-off. */
  recoveredAtMs: bigint('recovered_at_ms', { mode: 'number' }),
  /** When the org was last told of an outage (its endpoint alert); an outage after `recoveredAtMs` not told yet is due. */
  downToldAtMs: bigint('down_told_at_ms', { mode: 'number' }),
  /** The `recoveredAtMs` last told as a recovery (only outages told as down are told as recovered). */
  recoveredToldAtMs: bigint('recovered_told_at_ms', { mode: 'number' }),
});

/** Per route, UTC day and reason: packets (or copies, for copy-level reasons) not forwarded. */
export const routeDropsDaily = pgTable(
  'route_drops_daily',
  {
    routeId: uuid('route_id').notNull(),
    orgId: uuid('org_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.routeId, t.day, t.reason] })],
);

/**
 * Router burn batches committed but not yet expanded. The router's critical path (before it
 * forwards anything) debits the balances, writes the ledger rows and appends the batch here as
 * one row; a background step then expands each row into `packet_copies`, `routed_packets` and the
 * daily stats and deletes it in the same transaction, so every row is expanded exactly once,
 * including rows a crashed router left behind (any router settles them). JSON text, as the router
 * built it: decisions with their bought copies (and their settled `outcomes`, same order), drops
 * counted outside decisions, and copies heard after a purchase. Its columns are compressed with lz4
 * where the server has it (migration 0022_burn_journal_lz4: drizzle cannot declare a column's
 * compression), since the router writes them on its critical path.
 */
export const burnJournal = pgTable('burn_journal', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  decisions: text('decisions').notNull(),
  drops: text('drops').notNull(),
  /**
   * Copies of packets bought in an earlier batch, heard after the purchase (the router buys as soon
   * as it holds max_copies, before the window closes): settling adds them to the packet log's copies heard.
   */
  lateCopies: text('late_copies').notNull().default('[]'),
  /** One per decision, in order: 'forwarded' or the drop reason (insufficient_dc, route_inactive, route_locked, endpoint_backoff). */
  outcomes: text('outcomes').array().notNull(),
  createdAtMs: bigint('created_at_ms', { mode: 'number' }).notNull(),
});
