/**
 * How fast an organisation spends its data credits and how long its balance lasts at that pace:
 * what a device maker needs to top up before its packets stop being forwarded (the router cuts an
 * org off when its balance cannot pay). From the daily route stats (DC burned per route and UTC
 * day), so it costs a few rows per route whatever the traffic.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';

/** Full days the average is taken over (today, still running, is shown apart). */
export const SPENDING_DAYS = 7;
const DAY_MS = 86_400_000;

export interface DcSpending {
  /** DC burned so far today (UTC). */
  burnedTodayDc: number;
  /** DC burned over the last SPENDING_DAYS full days (UTC). */
  burnedLast7DaysDc: number;
  /** Average DC a day over those days, or over the full days since the org was created when fewer. */
  averageDailyDc: number;
  /** Balance / average daily burn, in days (one decimal); null when nothing was burned. */
  estimatedDaysLeft: number | null;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Full UTC days, up to SPENDING_DAYS, between the org's creation and today: the days its average is
 * taken over. The day it was created in is partial and not counted. Over a fixed 7, an org two days
 * old averaged two days' burn over seven, and was told its balance lasted 3.5 times longer than it
 * would.
 */
export function spendingDays(orgCreatedAtMs: number, nowMs: number): number {
  const todayStartMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const firstFullDayStartMs = Math.ceil(orgCreatedAtMs / DAY_MS) * DAY_MS;
  return Math.max(0, Math.min(SPENDING_DAYS, Math.floor((todayStartMs - firstFullDayStartMs) / DAY_MS)));
}

/** The rule, from the daily burns (`day` as YYYY-MM-DD). */
export function dcSpending(balanceDc: number, burns: readonly { day: string; dc: number }[], nowMs: number, orgCreatedAtMs: number): DcSpending {
  const today = dayOf(nowMs);
  const firstDay = dayOf(nowMs - SPENDING_DAYS * DAY_MS);
  const days = spendingDays(orgCreatedAtMs, nowMs);
  const firstAveragedDay = dayOf(nowMs - days * DAY_MS);
  let burnedTodayDc = 0;
  let burnedLast7DaysDc = 0;
  let averagedDc = 0;
  for (const b of burns) {
    if (b.day === today) burnedTodayDc += b.dc;
    else if (b.day >= firstDay && b.day < today) {
      burnedLast7DaysDc += b.dc;
      if (b.day >= firstAveragedDay) averagedDc += b.dc;
    }
  }
  const averageDailyDc = days > 0 ? averagedDc / days : 0;
  const estimatedDaysLeft = averageDailyDc > 0 ? Math.round((Math.max(0, balanceDc) / averageDailyDc) * 10) / 10 : null;
  return { burnedTodayDc, burnedLast7DaysDc, averageDailyDc: Math.round(averageDailyDc * 10) / 10, estimatedDaysLeft };
}

/**
 * DC burned per UTC day since `fromMs`, over every route the org has had (through the stats' org
 * index): going through the org's current routes lost what a deleted route had burned, so
 * replacing a route made the org's spending drop and its days left look longer.
 */
export async function orgDailyBurns(db: Db, orgId: string, fromMs: number): Promise<{ day: string; dc: number }[]> {
  const rows = await db.execute<{ day: string; dc: string }>(sql`
    select s.day::text as day, sum(s.dc)::text as dc from route_stats_daily s
    where s.org_id = ${orgId} and s.day >= ${dayOf(fromMs)}::date group by s.day`);
  return [...rows].map((r) => ({ day: r.day, dc: Number(r.dc) }));
}

export async function orgDcSpending(db: Db, org: { id: string; createdAtMs: number }, balanceDc: number, nowMs: number): Promise<DcSpending> {
  return dcSpending(balanceDc, await orgDailyBurns(db, org.id, nowMs - SPENDING_DAYS * DAY_MS), nowMs, org.createdAtMs);
}
