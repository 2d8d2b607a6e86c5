/**
 * Reads behind a hotspot's activity feed, one source per event type. Every source is bounded by
 * the hotspot, a time range and (for a page) `limit` rows after the cursor, and walks an index that
 * leads with the hotspot and then its time: hotspots' primary key, location_assertions_time_idx,
 * hotspot_transfers_time_idx, beacon_verdicts_hotspot_idx, witness_verdicts_hotspot_idx,
 * hotspot_epoch_rewards_pk, fraud_flags_hotspot_idx and stale_witnesses_hotspot_idx
 * (activity.int.test.ts checks the plans).
 * Helium's activity endpoint had none of these bounds and scanned a hotspot's whole history.
 *
 * Times are whole milliseconds, as the views show them. Timestamp columns may hold microseconds, so
 * their time is floored to the millisecond, and bounds on them are instants at whole milliseconds
 * (`t < T` is `column < T`, `t <= T` is `column < T + 1`), which the index can use.
 * Ids compare with `collate "C"`, the byte order activity-page.ts's compareIds uses.
 */
import { and, desc, eq, fillPlaceholders, gte, lt, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '@cov/shared/db/client';
import { hotspots, hotspotTransfers, locationAssertions } from '@cov/shared/db/schema/hotspots';
import { beaconVerdicts, fraudFlags, staleWitnesses, witnessVerdicts } from '@cov/shared/db/schema/verdicts';
import { hotspotEpochRewards, rewardEpochs, rewardParameterSets } from '@cov/shared/db/schema/rewards';
import type { TimeRange } from '../http/time-range';
import { ACTIVITY_TYPES, type ActivityType, type SourceAfter } from './activity-page';

export interface SourceQuery {
  hotspot: string;
  range: TimeRange;
  after: SourceAfter | undefined;
  limit: number;
}

/**
 * How one source places its rows in time: conditions on its time column that an index can serve,
 * written with placeholders (the statement is built once and kept, see `prepared`), and the value a
 * placeholder takes for an instant in ms.
 */
interface TimeAxis {
  /** Names this axis's placeholders apart from another axis of the same statement. */
  key: string;
  value(ms: number): unknown;
  /** time >= the instant a placeholder (or a value, in counts) stands for */
  atLeast(p: Placeholder | unknown): SQL;
  /** time < that instant */
  before(p: Placeholder | unknown): SQL;
}

type CursorOp = SourceAfter['op'] | undefined;

const ph = (name: string) => sql.placeholder(name);
const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

const msAxis = (column: AnyPgColumn, key = 'ms'): TimeAxis => ({ key, value: (ms) => ms, atLeast: (p) => gte(column, p), before: (p) => lt(column, p) });

/**
 * A time range may reach 270,000 years back or on (`min_time=-99999999 day` is a valid relative
 * time), and a Date past the years 1 to 9999 is written with a six-digit signed year that
 * PostgreSQL does not read (a 500). Nothing happens to a hotspot outside those years, so a bound
 * moved to their edge selects the same rows. Bounds go as ISO text: the driver sends timestamp
 * parameters as they are given (drizzle turns a Date into text only where it sees the column).
 */
const TIMESTAMP_MS = { earliest: Date.parse('0001-01-01T00:00:00Z'), latest: Date.parse('9999-12-31T23:59:59.999Z') };
const timestampAxis = (column: AnyPgColumn): TimeAxis => ({
  key: 'ts',
  value: (ms) => new Date(clamp(ms, TIMESTAMP_MS.earliest, TIMESTAMP_MS.latest)).toISOString(),
  atLeast: (p) => sql`${column} >= ${p}::timestamptz`,
  before: (p) => sql`${column} < ${p}::timestamptz`,
});
const flooredMs = (column: AnyPgColumn) => sql<number>`floor(extract(epoch from ${column}) * 1000)::bigint`.mapWith(Number);

/**
 * Epoch N ends at (N + 1) × epochLengthMs (the rewarder's epoch window; the reward and flag views
 * give the same end), so the epochs ending in a range, or before an instant, are known without a read.
 */
function epochAxis(epoch: AnyPgColumn, epochLengthMs: number): TimeAxis {
  // (N + 1) × L >= ms  <=>  N >= ceil(ms / L) - 1. Epochs are 32-bit integers, and a bound past
  // them (far times, short epochs) was refused by PostgreSQL; no epoch lies beyond, so clamped it
  // selects the same rows.
  return { key: 'epoch', value: (ms) => clamp(Math.ceil(ms / epochLengthMs) - 1, -(2 ** 31), 2 ** 31 - 1), atLeast: (p) => gte(epoch, p), before: (p) => lt(epoch, p) };
}

/** Within the range: its placeholders, or, given the range (counts are built per request), its values. */
function inRange(axis: TimeAxis, range?: TimeRange): SQL {
  if (range) return and(axis.atLeast(axis.value(range.minMs)), axis.before(axis.value(range.maxMs)))!;
  return and(axis.atLeast(ph(`${axis.key}Min`)), axis.before(ph(`${axis.key}Max`)))!;
}

/** Rows after the cursor (activity-page.ts sourceAfter); the time bound alone is what the index uses. */
function afterCursor(axis: TimeAxis, id: SQL, op: CursorOp): SQL | undefined {
  if (op === undefined) return undefined;
  if (op === 'time_at_most') return axis.before(ph(`${axis.key}AfterEnd`));
  if (op === 'time_before') return axis.before(ph(`${axis.key}AfterStart`));
  return and(axis.before(ph(`${axis.key}AfterEnd`)), or(axis.before(ph(`${axis.key}AfterStart`)), sql`${id} < ${ph('afterId')} collate "C"`));
}

/** The values of an axis's placeholders for a query (unused ones are harmless). */
function axisValues(axis: TimeAxis, q: SourceQuery): Record<string, unknown> {
  const values: Record<string, unknown> = { [`${axis.key}Min`]: axis.value(q.range.minMs), [`${axis.key}Max`]: axis.value(q.range.maxMs) };
  if (q.after) Object.assign(values, { [`${axis.key}AfterEnd`]: axis.value(q.after.timeMs + 1), [`${axis.key}AfterStart`]: axis.value(q.after.timeMs) });
  return values;
}

const idDesc = (id: SQL) => sql`${id} collate "C" desc`;
const hotspotIs = (column: AnyPgColumn) => eq(column, ph('hotspot'));
/** What every source on one time axis asks: the hotspot's rows in the range, after the cursor. */
const within = (hotspotColumn: AnyPgColumn, axis: TimeAxis, id: SQL, op: CursorOp) => and(hotspotIs(hotspotColumn), inRange(axis), afterCursor(axis, id, op));
const LIMIT = ph('limit');

/** One kind of event: its statement for a cursor position (with placeholders) and the time axes its placeholders are on. */
interface Source {
  axes: TimeAxis[];
  build(db: Db, op: CursorOp): { toSQL(): { sql: string; params: unknown[] }; prepare(name: string): { execute(values: Record<string, unknown>): Promise<object[]> } };
}

function onboardedSource() {
  const axis = timestampAxis(hotspots.onboardedAt);
  // One per hotspot: at most one event at any instant, so every row has the same id.
  const id = sql<string>`''`;
  return {
    axes: [axis],
    build: (db: Db, op: CursorOp) =>
      db
        .select({ timeMs: flooredMs(hotspots.onboardedAt), id, makerId: hotspots.makerId, capability: hotspots.capability })
        .from(hotspots)
        .where(within(hotspots.address, axis, id, op))
        .limit(LIMIT),
  };
}

// Nonces are positive 64-bit integers: zero-padded to 19 digits their text sorts as the numbers do.
const paddedNonce = (nonce: AnyPgColumn) => sql<string>`lpad(${nonce}::text, 19, '0')`;

function locationSource() {
  const t = locationAssertions;
  const axis = timestampAxis(t.assertedAt);
  const id = paddedNonce(t.nonce);
  const timeMs = flooredMs(t.assertedAt);
  return {
    axes: [axis],
    build: (db: Db, op: CursorOp) =>
      db
        .select({ timeMs, id, nonce: t.nonce, locationCell: t.locationCell, gainDbiX10: t.gainDbiX10, elevationM: t.elevationM, region: t.region })
        .from(t)
        .where(within(t.hotspotAddress, axis, id, op))
        // By the floored time, not the column: two assertions within one millisecond are ordered by
        // nonce as the feed orders them. A hotspot has few assertions, so sorting them costs nothing.
        .orderBy(desc(timeMs), idDesc(id))
        .limit(LIMIT),
  };
}

function transferSource() {
  const t = hotspotTransfers;
  const axis = timestampAxis(t.transferredAt);
  const id = paddedNonce(t.nonce);
  const timeMs = flooredMs(t.transferredAt);
  return {
    axes: [axis],
    build: (db: Db, op: CursorOp) =>
      db
        .select({ timeMs, id, nonce: t.nonce, fromOwner: t.fromOwner, toOwner: t.toOwner })
        .from(t)
        .where(within(t.hotspotAddress, axis, id, op))
        .orderBy(desc(timeMs), idDesc(id))
        .limit(LIMIT),
  };
}

function beaconSource() {
  const t = beaconVerdicts;
  const axis = msAxis(t.receivedAtMs);
  const id = sql<string>`${t.beaconId}`;
  return {
    axes: [axis],
    build: (db: Db, op: CursorOp) =>
      db
        .select({ timeMs: t.receivedAtMs, id, beaconId: t.beaconId, valid: t.valid, reason: t.reason, witnessCount: t.witnessCount, validWitnessCount: t.validWitnessCount })
        .from(t)
        .where(within(t.hotspotAddress, axis, id, op))
        .orderBy(desc(t.receivedAtMs), idDesc(id))
        .limit(LIMIT),
  };
}

function witnessSource() {
  const t = witnessVerdicts;
  const axis = msAxis(t.receivedAtMs);
  // A witness verdict is one per (beacon, witness report): both make its id.
  const id = sql<string>`(${t.witnessId} || ' ' || ${t.beaconId})`;
  return {
    axes: [axis],
    build: (db: Db, op: CursorOp) =>
      db
        .select({
          timeMs: t.receivedAtMs,
          id,
          witnessId: t.witnessId,
          beaconId: t.beaconId,
          beaconer: t.beaconerAddress,
          valid: t.valid,
          reason: t.reason,
          selected: t.selected,
          signalDbmX10: t.signalDbmX10,
          snrDbX10: t.snrDbX10,
          distanceM: t.distanceM,
        })
        .from(t)
        .where(within(t.hotspotAddress, axis, id, op))
        .orderBy(desc(t.receivedAtMs), idDesc(id))
        .limit(LIMIT),
  };
}

/**
 * A witness report of the hotspot that no beacon claimed before the verifier aged it out (there was
 * no such beacon, or it came outside the beacon's window): why a witness an owner expected never
 * shows as judged.
 */
function staleWitnessSource() {
  const t = staleWitnesses;
  const axis = msAxis(t.receivedAtMs);
  const id = sql<string>`${t.witnessId}`;
  return {
    axes: [axis],
    build: (db: Db, op: CursorOp) =>
      db
        .select({
          timeMs: t.receivedAtMs,
          id,
          witnessId: t.witnessId,
          reason: t.reason,
          cause: sql<string | null>`${t.details}->>'cause'`,
          beaconId: sql<string | null>`${t.details}->>'beaconId'`,
          agedOutAtMs: t.agedOutAtMs,
        })
        .from(t)
        .where(within(t.hotspotAddress, axis, id, op))
        .orderBy(desc(t.receivedAtMs), idDesc(id))
        .limit(LIMIT),
  };
}

/**
 * A paid epoch, at its end (reward_epochs.end_ms), which the reward views call `end`: the amounts
 * are for the hotspot's work up to then, and the end is fixed, whereas the time the rewarder got to
 * the epoch (computed_at_ms) depends on its settle delay and on how far behind it was, and no view
 * shows it. The end of epoch N follows from N, so the range and the cursor bound the primary key
 * walk by epoch, and the end_ms filter keeps the answer exactly what the reward views say.
 */
function rewardedSource(epochLengthMs: number) {
  const r = hotspotEpochRewards;
  const byEpoch = epochAxis(r.epoch, epochLengthMs);
  const byEnd = msAxis(rewardEpochs.endMs, 'end');
  const id = sql<string>`${r.epoch}::text`;
  return {
    axes: [byEpoch, byEnd],
    build: (db: Db, op: CursorOp) =>
      db
        .select({ timeMs: rewardEpochs.endMs, id, epoch: r.epoch, beaconAmount: r.beaconAmount, witnessAmount: r.witnessAmount, dataAmount: r.dataAmount })
        .from(r)
        .innerJoin(rewardEpochs, eq(rewardEpochs.epoch, r.epoch))
        .where(and(hotspotIs(r.hotspotAddress), inRange(byEpoch), afterCursor(byEpoch, id, op), inRange(byEnd), afterCursor(byEnd, id, op)))
        .orderBy(desc(r.epoch))
        .limit(LIMIT),
  };
}

/**
 * A fraud flag, at the end of its epoch: the verifier analyses an epoch once it is over, and the
 * flag view gives the epoch's bounds. Its action is the paid epoch's fraud policy, as that view
 * gives it (null while the epoch is not paid).
 */
function flaggedSource(epochLengthMs: number) {
  const f = fraudFlags;
  const axis = epochAxis(f.epoch, epochLengthMs);
  const id = sql<string>`${f.kind}`;
  return {
    axes: [axis],
    build: (db: Db, op: CursorOp) =>
      db
        .select({
          timeMs: sql<number>`(${f.epoch}::bigint + 1) * ${sql.raw(String(Math.trunc(epochLengthMs)))}::bigint`.mapWith(Number),
          id,
          epoch: f.epoch,
          kind: f.kind,
          score: sql<number>`${f.score}::float8`.mapWith(Number),
          policy: sql<string | null>`${rewardParameterSets.params}->>'fraudPolicy'`,
        })
        .from(f)
        .leftJoin(rewardEpochs, eq(rewardEpochs.epoch, f.epoch))
        .leftJoin(rewardParameterSets, eq(rewardParameterSets.id, rewardEpochs.parameterSetId))
        .where(within(f.hotspotAddress, axis, id, op))
        .orderBy(desc(f.epoch), idDesc(id))
        .limit(LIMIT),
  };
}

function sourceOf(type: ActivityType, epochLengthMs: number): Source {
  switch (type) {
    case 'onboarded':
      return onboardedSource();
    case 'location_asserted':
      return locationSource();
    case 'transferred':
      return transferSource();
    case 'beacon':
      return beaconSource();
    case 'witness':
      return witnessSource();
    case 'rewarded':
      return rewardedSource(epochLengthMs);
    case 'flagged':
      return flaggedSource(epochLengthMs);
    case 'witness_stale':
      return staleWitnessSource();
  }
}

function valuesOf(source: Source, q: SourceQuery): Record<string, unknown> {
  return Object.assign({ hotspot: q.hotspot, limit: q.limit, afterId: q.after?.op === 'time_then_id_before' ? q.after.id : '' }, ...source.axes.map((axis) => axisValues(axis, q)));
}

/**
 * Statements kept per database handle, source and cursor position: building one through the query
 * builder cost about 0.3 ms of CPU, seven of them per page most of the request (measured: 4.8 ms of
 * server CPU per activity request before, BENCHMARKS.md), where a kept one only binds its values.
 */
const kept = new WeakMap<Db, Map<string, { source: Source; statement: { execute(values: Record<string, unknown>): Promise<object[]> } }>>();

function prepared(db: Db, type: ActivityType, op: CursorOp, epochLengthMs: number) {
  let byKey = kept.get(db);
  if (!byKey) kept.set(db, (byKey = new Map()));
  const key = `${type}:${op ?? 'first'}:${epochLengthMs}`;
  let entry = byKey.get(key);
  if (!entry) {
    const source = sourceOf(type, epochLengthMs);
    byKey.set(key, (entry = { source, statement: source.build(db, op).prepare(`activity_${type}_${op ?? 'first'}`) }));
  }
  return entry;
}

type RowsOf<F extends (...args: never[]) => { build: (...args: never[]) => PromiseLike<unknown[]> }> = Awaited<ReturnType<ReturnType<F>['build']>>[number];
export type ActivityRow =
  | ({ type: 'onboarded' } & RowsOf<typeof onboardedSource>)
  | ({ type: 'location_asserted' } & RowsOf<typeof locationSource>)
  | ({ type: 'transferred' } & RowsOf<typeof transferSource>)
  | ({ type: 'beacon' } & RowsOf<typeof beaconSource>)
  | ({ type: 'witness' } & RowsOf<typeof witnessSource>)
  | ({ type: 'rewarded' } & RowsOf<typeof rewardedSource>)
  | ({ type: 'flagged' } & RowsOf<typeof flaggedSource>)
  | ({ type: 'witness_stale' } & RowsOf<typeof staleWitnessSource>);

/** One source's rows after the cursor, newest first, at most `q.limit`. */
export async function listActivity(db: Db, type: ActivityType, q: SourceQuery, epochLengthMs: number): Promise<ActivityRow[]> {
  const { source, statement } = prepared(db, type, q.after?.op, epochLengthMs);
  const rows = await statement.execute(valuesOf(source, q));
  return rows.map((r) => ({ ...r, type }) as ActivityRow);
}

/** The SQL a source runs for a page, with its values, for a test to EXPLAIN. */
export function activitySql(db: Db, type: ActivityType, q: SourceQuery, epochLengthMs: number): { sql: string; params: unknown[] } {
  const source = sourceOf(type, epochLengthMs);
  const built = source.build(db, q.after?.op).toSQL();
  return { sql: built.sql, params: fillPlaceholders(built.params, valuesOf(source, q)) };
}

/** How many events of each type fall in the range, in one statement over the same indexes. */
export async function countActivity(db: Db, hotspot: string, range: TimeRange, epochLengthMs: number): Promise<Record<ActivityType, number>> {
  const counted = (from: SQL, hotspotColumn: AnyPgColumn, ...conditions: SQL[]) => sql`(select count(*) from ${from} where ${and(eq(hotspotColumn, hotspot), ...conditions)})::int`;
  const counts: Record<ActivityType, SQL> = {
    onboarded: counted(sql`${hotspots}`, hotspots.address, inRange(timestampAxis(hotspots.onboardedAt), range)),
    location_asserted: counted(sql`${locationAssertions}`, locationAssertions.hotspotAddress, inRange(timestampAxis(locationAssertions.assertedAt), range)),
    transferred: counted(sql`${hotspotTransfers}`, hotspotTransfers.hotspotAddress, inRange(timestampAxis(hotspotTransfers.transferredAt), range)),
    beacon: counted(sql`${beaconVerdicts}`, beaconVerdicts.hotspotAddress, inRange(msAxis(beaconVerdicts.receivedAtMs), range)),
    witness: counted(sql`${witnessVerdicts}`, witnessVerdicts.hotspotAddress, inRange(msAxis(witnessVerdicts.receivedAtMs), range)),
    witness_stale: counted(sql`${staleWitnesses}`, staleWitnesses.hotspotAddress, inRange(msAxis(staleWitnesses.receivedAtMs), range)),
    flagged: counted(sql`${fraudFlags}`, fraudFlags.hotspotAddress, inRange(epochAxis(fraudFlags.epoch, epochLengthMs), range)),
    rewarded: counted(
      sql`${hotspotEpochRewards} join ${rewardEpochs} on ${rewardEpochs.epoch} = ${hotspotEpochRewards.epoch}`,
      hotspotEpochRewards.hotspotAddress,
      inRange(epochAxis(hotspotEpochRewards.epoch, epochLengthMs), range),
      inRange(msAxis(rewardEpochs.endMs), range),
    ),
  };
  const columns = sql.join(
    ACTIVITY_TYPES.map((type) => sql`${counts[type]} as ${sql.identifier(type)}`),
    sql`, `,
  );
  const [row] = await db.execute<Record<ActivityType, number>>(sql`select ${columns}`);
  return Object.fromEntries(ACTIVITY_TYPES.map((type) => [type, Number(row![type])])) as Record<ActivityType, number>;
}
