/**
 * Hotspot owners' status alerts: an owner subscribes a URL (with a request signed by the owner's
 * key) and is told when one of its hotspots goes offline or comes back, when its proof-of-coverage
 * fails or passes again, and when its transmit scale changes.
 */
import { bigint, boolean, integer, pgTable, text } from 'drizzle-orm/pg-core';

export const ownerAlerts = pgTable('owner_alerts', {
  ownerAddress: text('owner_address').primaryKey(),
  /** False once the owner unsubscribed: the row stays, so that its nonce still refuses replays of older requests. */
  active: boolean('active').notNull(),
  url: text('url').notNull(),
  /** Sent as the Authorization header of each notice, when set. */
  authHeader: text('auth_header'),
  /** Nonce of the last accepted signed change; each new one must be greater (replays are refused). */
  nonce: bigint('nonce', { mode: 'number' }).notNull(),
  updatedAtMs: bigint('updated_at_ms', { mode: 'number' }).notNull(),
  /** Also post what each paid epoch paid the owner's hotspots (opted into when subscribing). */
  /**
   * Signs every notice posted to `url` (routing/webhook-signature.ts), made when the subscription
   * starts and shown once, in that answer; forgotten when the owner unsubscribes. Null for a
   * subscription from before notices were signed, until it is set again.
   */
  signingSecret: text('signing_secret'),
  epochRewards: boolean('epoch_rewards').notNull().default(false),
  /**
   * The latest epoch whose rewards were told (or that was already paid when the owner opted in: no
   * backlog is sent); null when none was paid then. Epochs after it are told one per check, oldest first.
   */
  rewardsEpochTold: integer('rewards_epoch_told'),
  /**
   * A checker holds the owner until then (several API replicas: one posts each notice); once
   * released, when its last check ended, so checks take owners round-robin.
   */
  leaseUntilMs: bigint('lease_until_ms', { mode: 'number' }),
  lastSentAtMs: bigint('last_sent_at_ms', { mode: 'number' }),
  /** What the last failed post got (`status_500`, `timeout`, `ECONNREFUSED`, ...); null after a success. */
  lastError: text('last_error'),
});

/**
 * The status last told (or, for a hotspot first seen after subscribing, first seen) per hotspot of
 * a subscribed owner: a notice goes out when the status computed now differs.
 */
export const ownerAlertHotspots = pgTable('owner_alert_hotspots', {
  hotspotAddress: text('hotspot_address').primaryKey(),
  ownerAddress: text('owner_address').notNull(),
  online: boolean('online').notNull(),
  /** When `online` was first seen or last told. */
  changedAtMs: bigint('changed_at_ms', { mode: 'number' }).notNull(),
  /**
   * Proof-of-coverage as last told or first seen: true when every recent report was rejected, false
   * when some passed; null until known (too few reports yet, or a data-only hotspot).
   */
  pocFailing: boolean('poc_failing'),
  /**
   * Transmit scale (HIP-17) × 10^4 as last told or first seen while the hotspot was interactive;
   * null until it was. A notice tells when the scale of an interactive hotspot moves from it.
   */
  scaleE4: integer('scale_e4'),
});
