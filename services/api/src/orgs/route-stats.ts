/**
 * Per-route stats over the last N UTC days: packets forwarded, copies bought, DC burned, and
 * packets (or copies) not forwarded, by reason, with the day-by-day rows behind the totals.
 */
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { routeStatsSince } from './routes-repository';

export interface DayStats {
  day: string;
  packets: number;
  copies: number;
  dc: number;
  drops: Record<string, number>;
}

export interface RouteStats {
  from: string;
  to: string;
  totals: Omit<DayStats, 'day'>;
  days: DayStats[];
}

export function dayStartingDaysAgo(nowMs: number, days: number): string {
  return new Date(nowMs - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

export function summarise(
  stats: { day: string; packets: number; copies: number; dc: number }[],
  drops: { day: string; reason: string; count: number }[],
): { totals: Omit<DayStats, 'day'>; days: DayStats[] } {
  const byDay = new Map<string, DayStats>();
  const day = (d: string) => {
    let e = byDay.get(d);
    if (!e) {
      e = { day: d, packets: 0, copies: 0, dc: 0, drops: {} };
      byDay.set(d, e);
    }
    return e;
  };
  const totals = { packets: 0, copies: 0, dc: 0, drops: {} as Record<string, number> };
  for (const s of stats) {
    const e = day(s.day);
    e.packets += s.packets;
    e.copies += s.copies;
    e.dc += s.dc;
    totals.packets += s.packets;
    totals.copies += s.copies;
    totals.dc += s.dc;
  }
  for (const d of drops) {
    const e = day(d.day);
    e.drops[d.reason] = (e.drops[d.reason] ?? 0) + d.count;
    totals.drops[d.reason] = (totals.drops[d.reason] ?? 0) + d.count;
  }
  return { totals, days: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)) };
}

export async function routeStats(deps: { db: Db; clock: Clock }, routeId: string, days: number): Promise<RouteStats> {
  const nowMs = deps.clock.nowMs();
  const from = dayStartingDaysAgo(nowMs, days);
  const { stats, drops } = await routeStatsSince(deps.db, routeId, from);
  return { from, to: new Date(nowMs).toISOString().slice(0, 10), ...summarise(stats, drops) };
}
