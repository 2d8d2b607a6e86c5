/**
 * Reads of proof-of-coverage verdicts for owners: a hotspot's beacons with every witness (selected
 * or not, valid or not, with the reason and numbers), its witness verdicts, and per-link summaries.
 * Every query is bounded by a time range and a page size and walks an index on
 * (hotspot_address, received_at_ms).
 */
import { and, desc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';
import { beaconVerdicts, witnessVerdicts } from '@cov/shared/db/schema/verdicts';
import type { TimeRange } from '../http/time-range';

export type BeaconVerdictRow = typeof beaconVerdicts.$inferSelect;
export type WitnessVerdictRow = typeof witnessVerdicts.$inferSelect;

export interface PageAfter {
  receivedAtMs: number;
  id: string;
}

/** `valid` narrows to valid or invalid verdicts; undefined lists both. */
export async function listBeaconVerdicts(db: Db, hotspot: string, range: TimeRange, after: PageAfter | undefined, limit: number, valid?: boolean): Promise<BeaconVerdictRow[]> {
  return db
    .select()
    .from(beaconVerdicts)
    .where(
      and(
        eq(beaconVerdicts.hotspotAddress, hotspot),
        gte(beaconVerdicts.receivedAtMs, range.minMs),
        lt(beaconVerdicts.receivedAtMs, range.maxMs),
        valid === undefined ? undefined : eq(beaconVerdicts.valid, valid),
        after ? or(lt(beaconVerdicts.receivedAtMs, after.receivedAtMs), and(eq(beaconVerdicts.receivedAtMs, after.receivedAtMs), lt(beaconVerdicts.beaconId, after.id))) : undefined,
      ),
    )
    .orderBy(desc(beaconVerdicts.receivedAtMs), desc(beaconVerdicts.beaconId))
    .limit(limit);
}

export async function witnessVerdictsOfBeacons(db: Db, beaconIds: string[]): Promise<WitnessVerdictRow[]> {
  if (beaconIds.length === 0) return [];
  return db.select().from(witnessVerdicts).where(inArray(witnessVerdicts.beaconId, beaconIds)).orderBy(witnessVerdicts.receivedAtMs, witnessVerdicts.witnessId);
}

export async function listWitnessVerdicts(db: Db, hotspot: string, range: TimeRange, after: PageAfter | undefined, limit: number, valid?: boolean): Promise<WitnessVerdictRow[]> {
  return db
    .select()
    .from(witnessVerdicts)
    .where(
      and(
        eq(witnessVerdicts.hotspotAddress, hotspot),
        gte(witnessVerdicts.receivedAtMs, range.minMs),
        lt(witnessVerdicts.receivedAtMs, range.maxMs),
        valid === undefined ? undefined : eq(witnessVerdicts.valid, valid),
        after ? or(lt(witnessVerdicts.receivedAtMs, after.receivedAtMs), and(eq(witnessVerdicts.receivedAtMs, after.receivedAtMs), lt(witnessVerdicts.witnessId, after.id))) : undefined,
      ),
    )
    .orderBy(desc(witnessVerdicts.receivedAtMs), desc(witnessVerdicts.witnessId))
    .limit(limit);
}

export interface LinkSummary {
  hotspot: string;
  reports: number;
  valid: number;
  selected: number;
  bestSignalDbmX10: number;
  medianSignalDbmX10: number;
  meanSnrDbX10: number;
  distanceM: number | null;
  lastReceivedAtMs: number;
}

/**
 * Per counterpart: who hears this hotspot (direction 'heard_by': witnesses of its beacons) or whom
 * it hears (direction 'hears': beaconers of the beacons it witnessed).
 */
export async function linkSummaries(db: Db, hotspot: string, direction: 'heard_by' | 'hears', range: TimeRange, limit: number): Promise<LinkSummary[]> {
  const self = direction === 'heard_by' ? witnessVerdicts.beaconerAddress : witnessVerdicts.hotspotAddress;
  const other = direction === 'heard_by' ? witnessVerdicts.hotspotAddress : witnessVerdicts.beaconerAddress;
  const rows = await db
    .select({
      hotspot: other,
      reports: sql<number>`count(*)::int`,
      valid: sql<number>`count(*) filter (where ${witnessVerdicts.valid})::int`,
      selected: sql<number>`count(*) filter (where ${witnessVerdicts.selected})::int`,
      bestSignalDbmX10: sql<number>`max(${witnessVerdicts.signalDbmX10})::int`,
      medianSignalDbmX10: sql<number>`round(percentile_cont(0.5) within group (order by ${witnessVerdicts.signalDbmX10}))::int`,
      meanSnrDbX10: sql<number>`round(avg(${witnessVerdicts.snrDbX10}))::int`,
      distanceM: sql<number | null>`max(${witnessVerdicts.distanceM})::int`,
      lastReceivedAtMs: sql<number>`max(${witnessVerdicts.receivedAtMs})::bigint`,
    })
    .from(witnessVerdicts)
    .where(and(eq(self, hotspot), gte(witnessVerdicts.receivedAtMs, range.minMs), lt(witnessVerdicts.receivedAtMs, range.maxMs)))
    .groupBy(other)
    .orderBy(desc(sql`count(*)`), other)
    .limit(limit);
  return rows.map((r) => ({ ...r, lastReceivedAtMs: Number(r.lastReceivedAtMs) }));
}
