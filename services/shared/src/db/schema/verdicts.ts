/**
 * The verifier's output: one verdict per beacon and per (beacon, witness) pair, each with its
 * reason code and the numbers behind it (details), so every rejection can be explained to an owner
 * and every reward recomputed. Plus the versioned denylist and per-epoch fraud flags.
 */
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, serial, text } from 'drizzle-orm/pg-core';

export const beaconVerdicts = pgTable(
  'beacon_verdicts',
  {
    beaconId: text('beacon_id').primaryKey(),
    hotspotAddress: text('hotspot_address').notNull(),
    receivedAtMs: bigint('received_at_ms', { mode: 'number' }).notNull(),
    epoch: integer('epoch').notNull(),
    valid: boolean('valid').notNull(),
    reason: text('reason'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    /** Beaconer's asserted res-12 cell when verified (null if it had none). */
    locationCell: text('location_cell'),
    witnessCount: integer('witness_count').notNull(),
    validWitnessCount: integer('valid_witness_count').notNull(),
    selectedWitnessCount: integer('selected_witness_count').notNull(),
    denylistVersion: integer('denylist_version').notNull(),
    verifiedAtMs: bigint('verified_at_ms', { mode: 'number' }).notNull(),
    /**
     * Passed the beacon checks (before HIP-106 reciprocity). With witness_count > 0 this is the
     * evidence that lets the hotspot's own witnesses pass reciprocity (Helium's last_beacon_recip).
     */
    passedChecks: boolean('passed_checks').notNull().default(false),
  },
  (t) => [index('beacon_verdicts_hotspot_idx').on(t.hotspotAddress, t.receivedAtMs), index('beacon_verdicts_epoch_idx').on(t.epoch)],
);

export const witnessVerdicts = pgTable(
  'witness_verdicts',
  {
    beaconId: text('beacon_id').notNull(),
    witnessId: text('witness_id').notNull(),
    hotspotAddress: text('hotspot_address').notNull(),
    beaconerAddress: text('beaconer_address').notNull(),
    receivedAtMs: bigint('received_at_ms', { mode: 'number' }).notNull(),
    epoch: integer('epoch').notNull(),
    valid: boolean('valid').notNull(),
    reason: text('reason'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    /** Among the first MAX_WITNESSES_PER_POC valid witnesses by receive time: rewarded. */
    selected: boolean('selected').notNull(),
    signalDbmX10: integer('signal_dbm_x10').notNull(),
    snrDbX10: integer('snr_db_x10').notNull(),
    distanceM: integer('distance_m'),
    locationCell: text('location_cell'),
    /**
     * Passed the witness report and link checks (before HIP-106 reciprocity): the evidence that
     * lets this hotspot's own beacons pass reciprocity (Helium's last_witness).
     */
    passedChecks: boolean('passed_checks').notNull().default(false),
    /** Free-space bound on the RSSI for this link (dBm), when both locations were known. */
    expectedMaxRssiDbm: real('expected_max_rssi_dbm'),
  },
  (t) => [
    primaryKey({ name: 'witness_verdicts_pk', columns: [t.beaconId, t.witnessId] }),
    index('witness_verdicts_witness_idx').on(t.witnessId),
    index('witness_verdicts_hotspot_idx').on(t.hotspotAddress, t.receivedAtMs),
    index('witness_verdicts_beaconer_idx').on(t.beaconerAddress, t.receivedAtMs),
    index('witness_verdicts_epoch_idx').on(t.epoch, t.selected),
  ],
);

/**
 * Witness reports no verified beacon claimed by the time they aged out (the beacon report never
 * arrived, or its payload matches nothing). Superseded (deleted) if a beacon claims the witness
 * later, so a witness report has at most one disposition.
 */
export const staleWitnesses = pgTable(
  'stale_witnesses',
  {
    witnessId: text('witness_id').primaryKey(),
    hotspotAddress: text('hotspot_address').notNull(),
    receivedAtMs: bigint('received_at_ms', { mode: 'number' }).notNull(),
    epoch: integer('epoch').notNull(),
    reason: text('reason').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    agedOutAtMs: bigint('aged_out_at_ms', { mode: 'number' }).notNull(),
  },
  (t) => [index('stale_witnesses_epoch_idx').on(t.epoch), index('stale_witnesses_hotspot_idx').on(t.hotspotAddress, t.receivedAtMs)],
);

/** Progress markers of the verifier's sweeps (e.g. up to when witness reports were aged out). */
export const verifierCursors = pgTable('verifier_cursors', {
  name: text('name').primaryKey(),
  valueMs: bigint('value_ms', { mode: 'number' }).notNull(),
});

export const denylistKind = pgEnum('denylist_kind', ['key', 'edge']);

export const denylistVersions = pgTable('denylist_versions', {
  version: serial('version').primaryKey(),
  createdAtMs: bigint('created_at_ms', { mode: 'number' }).notNull(),
  note: text('note').notNull(),
});

export const denylistEntries = pgTable(
  'denylist_entries',
  {
    id: serial('id').primaryKey(),
    kind: denylistKind('kind').notNull(),
    address: text('address').notNull(),
    /** The other end of a denied edge (witnesses of `address` by this hotspot are refused). */
    otherAddress: text('other_address'),
    reason: text('reason').notNull(),
    addedInVersion: integer('added_in_version').notNull(),
    removedInVersion: integer('removed_in_version'),
  },
  (t) => [index('denylist_entries_address_idx').on(t.address)],
);

export const fraudFlags = pgTable(
  'fraud_flags',
  {
    epoch: integer('epoch').notNull(),
    hotspotAddress: text('hotspot_address').notNull(),
    kind: text('kind').notNull(),
    score: real('score').notNull(),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ name: 'fraud_flags_pk', columns: [t.epoch, t.hotspotAddress, t.kind] }),
    // One hotspot's flags over a range of epochs (its flags and activity feed): the primary key
    // leads with the epoch, so without this a read walked every hotspot's flags in the range.
    index('fraud_flags_hotspot_idx').on(t.hotspotAddress, t.epoch),
  ],
);
