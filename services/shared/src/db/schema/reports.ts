/**
 * Raw beacon and witness reports exactly as ingest received them: the decoded fields the verifier
 * reads, plus the signed protobuf bytes as evidence. Ids are hex SHA-256 of (encoded report,
 * server receive time, key), so storing the same delivery twice is a no-op. received_at_ms is the
 * server clock at receipt: the only time the checks trust.
 */
import { bigint, index, integer, pgEnum, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { bytea } from '../columns';

export const beaconStatus = pgEnum('beacon_status', ['pending', 'verified']);

export const beaconReports = pgTable(
  'beacon_reports',
  {
    id: text('id').primaryKey(),
    hotspotAddress: text('hotspot_address').notNull(),
    receivedAtMs: bigint('received_at_ms', { mode: 'number' }).notNull(),
    /** The transmitted beacon payload; witnesses name a beacon by these bytes. */
    payload: bytea('payload').notNull(),
    localEntropy: bytea('local_entropy').notNull(),
    remoteEntropy: bytea('remote_entropy').notNull(),
    frequencyHz: bigint('frequency_hz', { mode: 'number' }).notNull(),
    channel: integer('channel').notNull(),
    dataRate: text('data_rate').notNull(),
    txPowerDbm: smallint('tx_power_dbm').notNull(),
    /** The hotspot's own claim of transmit time (ns); informational only. */
    reportedTimestampNs: bigint('reported_timestamp_ns', { mode: 'bigint' }).notNull(),
    tmst: bigint('tmst', { mode: 'number' }).notNull(),
    encoded: bytea('encoded').notNull(),
    status: beaconStatus('status').notNull().default('pending'),
    verifiedAtMs: bigint('verified_at_ms', { mode: 'number' }),
    /**
     * Until when (verifier clock, ms) a verifier's poller has this pending beacon out on the verify
     * queue. Other pollers skip it until then; past it, the job counts as lost and any poller may
     * hand the beacon out again. null: never handed out. Not part of any verdict.
     */
    claimedUntilMs: bigint('claimed_until_ms', { mode: 'number' }),
  },
  (t) => [
    index('beacon_reports_pending_idx').on(t.status, t.receivedAtMs),
    index('beacon_reports_hotspot_idx').on(t.hotspotAddress, t.receivedAtMs),
    index('beacon_reports_payload_idx').on(t.payload),
  ],
);

export const witnessReports = pgTable(
  'witness_reports',
  {
    id: text('id').primaryKey(),
    hotspotAddress: text('hotspot_address').notNull(),
    receivedAtMs: bigint('received_at_ms', { mode: 'number' }).notNull(),
    /** Payload of the beacon heard. */
    payload: bytea('payload').notNull(),
    reportedTimestampNs: bigint('reported_timestamp_ns', { mode: 'bigint' }).notNull(),
    tmst: bigint('tmst', { mode: 'number' }).notNull(),
    signalDbmX10: integer('signal_dbm_x10').notNull(),
    snrDbX10: integer('snr_db_x10').notNull(),
    frequencyHz: bigint('frequency_hz', { mode: 'number' }).notNull(),
    dataRate: text('data_rate').notNull(),
    encoded: bytea('encoded').notNull(),
  },
  (t) => [
    index('witness_reports_payload_idx').on(t.payload, t.receivedAtMs),
    index('witness_reports_hotspot_idx').on(t.hotspotAddress, t.receivedAtMs),
    // The verifier's stale-witness sweep walks reports by arrival time.
    index('witness_reports_time_idx').on(t.receivedAtMs),
  ],
);
