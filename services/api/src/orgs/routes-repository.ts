// DB functions for routes and what hangs off them: DevAddr ranges, EUI pairs, session-key filters, stats and the packet log.
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';
import { packetCopies, routeDelivery, routeDevaddrRanges, routeDropsDaily, routedPackets, routeEuiPairs, routes, routeSkfs, routeStatsDaily, type RouteEndpoint } from '@cov/shared/db/schema/routing';

export type RouteRow = typeof routes.$inferSelect;
export type RangeRow = typeof routeDevaddrRanges.$inferSelect;
export type EuiPairRow = typeof routeEuiPairs.$inferSelect;
export type SkfRow = typeof routeSkfs.$inferSelect;
export type RoutedPacketRow = typeof routedPackets.$inferSelect;
export type RouteDeliveryRow = typeof routeDelivery.$inferSelect;
export type PacketCopyRow = typeof packetCopies.$inferSelect;

/** The router's record of each route's endpoint outages (routes that never had one have none). */
export async function listRouteDelivery(db: Db, routeIds: string[]): Promise<Map<string, RouteDeliveryRow>> {
  if (routeIds.length === 0) return new Map();
  const rows = await db.select().from(routeDelivery).where(inArray(routeDelivery.routeId, routeIds));
  return new Map(rows.map((r) => [r.routeId, r]));
}

export async function insertRoute(db: Db, route: { orgId: string; name: string; endpoint: RouteEndpoint; maxCopies: number; active: boolean; now: Date }): Promise<RouteRow> {
  const [row] = await db
    .insert(routes)
    .values({ orgId: route.orgId, name: route.name, endpoint: route.endpoint, maxCopies: route.maxCopies, active: route.active, createdAt: route.now, updatedAt: route.now })
    .returning();
  return row!;
}

/** The route if it belongs to the org; `forUpdate` locks it for the rest of the transaction. */
export async function findOrgRoute(db: Db, orgId: string, routeId: string, forUpdate = false): Promise<RouteRow | undefined> {
  const q = db.select().from(routes).where(and(eq(routes.id, routeId), eq(routes.orgId, orgId))).limit(1);
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

/** Where a page of an org's routes ends: creation time in µs since the epoch (as stored, so exact) and id. */
export interface RouteListKey {
  createdAtUs: number;
  id: string;
}

/** An org's routes, oldest first, after `after` (keyset), at most `limit`; each with its sort key for the next page. */
export async function listOrgRoutes(db: Db, orgId: string, after: RouteListKey | undefined, limit: number): Promise<{ row: RouteRow; key: RouteListKey }[]> {
  const createdAtUs = sql<string>`(extract(epoch from ${routes.createdAt}) * 1000000)::bigint::text`;
  const rows = await db
    .select({ row: routes, createdAtUs })
    .from(routes)
    .where(
      after === undefined
        ? eq(routes.orgId, orgId)
        : and(eq(routes.orgId, orgId), sql`(${routes.createdAt}, ${routes.id}) > (to_timestamp(0) + ${after.createdAtUs}::bigint * interval '1 microsecond', ${after.id}::uuid)`),
    )
    .orderBy(asc(routes.createdAt), asc(routes.id))
    .limit(limit);
  return rows.map((r) => ({ row: r.row, key: { createdAtUs: Number(r.createdAtUs), id: r.row.id } }));
}

export async function updateRoute(db: Db, routeId: string, set: Partial<Pick<RouteRow, 'name' | 'endpoint' | 'maxCopies' | 'active' | 'locked'>> & { updatedAt: Date }): Promise<RouteRow> {
  const [row] = await db.update(routes).set(set).where(eq(routes.id, routeId)).returning();
  return row!;
}

export async function deleteRoute(db: Db, routeId: string): Promise<void> {
  await db.delete(routes).where(eq(routes.id, routeId));
}

export async function listRanges(db: Db, routeIds: string[]): Promise<RangeRow[]> {
  if (routeIds.length === 0) return [];
  return db.select().from(routeDevaddrRanges).where(inArray(routeDevaddrRanges.routeId, routeIds)).orderBy(asc(routeDevaddrRanges.startAddr));
}

export async function replaceRanges(db: Db, routeId: string, ranges: { startAddr: number; endAddr: number }[]): Promise<void> {
  await db.delete(routeDevaddrRanges).where(eq(routeDevaddrRanges.routeId, routeId));
  if (ranges.length > 0) await db.insert(routeDevaddrRanges).values(ranges.map((r) => ({ ...r, routeId }))).onConflictDoNothing();
}

export async function countEuiPairs(db: Db, routeIds: string[]): Promise<Map<string, number>> {
  if (routeIds.length === 0) return new Map();
  const rows = await db
    .select({ routeId: routeEuiPairs.routeId, n: sql<number>`count(*)::int` })
    .from(routeEuiPairs)
    .where(inArray(routeEuiPairs.routeId, routeIds))
    .groupBy(routeEuiPairs.routeId);
  return new Map(rows.map((r) => [r.routeId, r.n]));
}

/** In (JoinEUI, DevEUI) order (the primary key's); `after` is the last pair of the page before. */
/** Session-key filters per route (routes without any are absent). */
export async function countSkfs(db: Db, routeIds: string[]): Promise<Map<string, number>> {
  if (routeIds.length === 0) return new Map();
  const rows = await db
    .select({ routeId: routeSkfs.routeId, n: sql<number>`count(*)::int` })
    .from(routeSkfs)
    .where(inArray(routeSkfs.routeId, routeIds))
    .groupBy(routeSkfs.routeId);
  return new Map(rows.map((r) => [r.routeId, r.n]));
}

export async function listEuiPairs(db: Db, routeId: string, after: { j: string; d: string } | undefined, limit: number): Promise<EuiPairRow[]> {
  return db
    .select()
    .from(routeEuiPairs)
    .where(and(eq(routeEuiPairs.routeId, routeId), after === undefined ? undefined : sql`(${routeEuiPairs.joinEui}, ${routeEuiPairs.devEui}) > (${after.j}, ${after.d})`))
    .orderBy(asc(routeEuiPairs.joinEui), asc(routeEuiPairs.devEui))
    .limit(limit);
}

export async function addEuiPairs(db: Db, routeId: string, pairs: { joinEui: string; devEui: string }[]): Promise<void> {
  if (pairs.length > 0) await db.insert(routeEuiPairs).values(pairs.map((p) => ({ ...p, routeId }))).onConflictDoNothing();
}

export async function removeEuiPairs(db: Db, routeId: string, pairs: { joinEui: string; devEui: string }[]): Promise<void> {
  for (const p of pairs) {
    await db.delete(routeEuiPairs).where(and(eq(routeEuiPairs.routeId, routeId), eq(routeEuiPairs.joinEui, p.joinEui), eq(routeEuiPairs.devEui, p.devEui)));
  }
}

/** SHA-256 of a session key (hex): what a page of filters ends on, as the key itself is never shown. */
export function sessionKeyDigest(sessionKey: string): string {
  return createHash('sha256').update(Buffer.from(sessionKey, 'hex')).digest('hex');
}

/**
 * In (DevAddr, key digest) order; `after` is the last filter of the page before, its key by
 * sessionKeyDigest, so that a cursor never carries a session key.
 */
export async function listSkfs(db: Db, routeId: string, after: { a: number; k: string } | undefined, limit: number): Promise<SkfRow[]> {
  const digest = sql`sha256(decode(${routeSkfs.sessionKey}, 'hex'))`;
  return db
    .select()
    .from(routeSkfs)
    .where(and(eq(routeSkfs.routeId, routeId), after === undefined ? undefined : sql`(${routeSkfs.devAddr}, ${digest}) > (${after.a}::bigint, decode(${after.k}, 'hex'))`))
    .orderBy(asc(routeSkfs.devAddr), asc(digest))
    .limit(limit);
}

export async function upsertSkfs(db: Db, routeId: string, skfs: { devAddr: number; sessionKey: string; maxCopies: number }[]): Promise<void> {
  if (skfs.length === 0) return;
  await db
    .insert(routeSkfs)
    .values(skfs.map((s) => ({ ...s, routeId })))
    .onConflictDoUpdate({ target: [routeSkfs.routeId, routeSkfs.devAddr, routeSkfs.sessionKey], set: { maxCopies: sql`excluded.max_copies` } });
}

export async function removeSkfs(db: Db, routeId: string, skfs: { devAddr: number; sessionKey: string }[]): Promise<void> {
  for (const s of skfs) {
    await db.delete(routeSkfs).where(and(eq(routeSkfs.routeId, routeId), eq(routeSkfs.devAddr, s.devAddr), eq(routeSkfs.sessionKey, s.sessionKey)));
  }
}

export async function routeStatsSince(db: Db, routeId: string, fromDay: string) {
  const stats = await db
    .select({ day: routeStatsDaily.day, packets: routeStatsDaily.packets, copies: routeStatsDaily.copies, dc: routeStatsDaily.dc })
    .from(routeStatsDaily)
    .where(and(eq(routeStatsDaily.routeId, routeId), gte(routeStatsDaily.day, fromDay)))
    .orderBy(asc(routeStatsDaily.day));
  const drops = await db
    .select({ day: routeDropsDaily.day, reason: routeDropsDaily.reason, count: routeDropsDaily.count })
    .from(routeDropsDaily)
    .where(and(eq(routeDropsDaily.routeId, routeId), gte(routeDropsDaily.day, fromDay)))
    .orderBy(asc(routeDropsDaily.day), asc(routeDropsDaily.reason));
  return { stats, drops };
}

/** Newest first (uses the route/time index); pass the last row's (receivedAtMs, id) to page on. */
/** Narrows a route's packet log to one device or one outcome (lower-case hex ids). */
export interface RoutedPacketFilter {
  devAddr?: string;
  devEui?: string;
  status?: string;
}

export async function listRoutedPackets(db: Db, routeId: string, before: { t: number; i: number } | undefined, limit: number, filter: RoutedPacketFilter = {}): Promise<RoutedPacketRow[]> {
  // The route's time index drives the scan; the filters only skip rows of it (the log holds one retention period).
  return db
    .select()
    .from(routedPackets)
    .where(
      and(
        eq(routedPackets.routeId, routeId),
        before === undefined ? undefined : sql`(${routedPackets.receivedAtMs}, ${routedPackets.id}) < (${before.t}, ${before.i})`,
        filter.devAddr === undefined ? undefined : eq(routedPackets.devAddr, filter.devAddr),
        filter.devEui === undefined ? undefined : eq(routedPackets.devEui, filter.devEui),
        filter.status === undefined ? undefined : eq(routedPackets.status, filter.status),
      ),
    )
    .orderBy(desc(routedPackets.receivedAtMs), desc(routedPackets.id))
    .limit(limit);
}

/**
 * A route's packet by its id (the PHYPayload's SHA-256), the latest when the same payload was heard
 * again later (a device repeating an unconfirmed frame). Through the route's time index: the scan
 * is over one route's packet log, which holds one retention period.
 */
export async function findRoutedPacket(db: Db, routeId: string, packetHashHex: string): Promise<RoutedPacketRow | undefined> {
  const [row] = await db
    .select()
    .from(routedPackets)
    .where(and(eq(routedPackets.routeId, routeId), eq(routedPackets.packetHash, Buffer.from(packetHashHex, 'hex'))))
    .orderBy(desc(routedPackets.receivedAtMs), desc(routedPackets.id))
    .limit(1);
  return row;
}

/**
 * The copies a route bought of a packet, with how each hotspot heard it. `fromMs`/`toMs` bound the
 * copies' times (the packet's dedup window), so the time index narrows the scan of a table written
 * at the network's packet rate to a few seconds of it.
 */
export async function listPacketCopies(db: Db, q: { routeId: string; packetHashHex: string; fromMs: number; toMs: number }): Promise<PacketCopyRow[]> {
  return db
    .select()
    .from(packetCopies)
    .where(
      and(
        gte(packetCopies.receivedAtMs, q.fromMs),
        sql`${packetCopies.receivedAtMs} <= ${q.toMs}`,
        eq(packetCopies.packetHash, Buffer.from(q.packetHashHex, 'hex')),
        eq(packetCopies.routeId, q.routeId),
      ),
    )
    .orderBy(desc(packetCopies.rssiDbm), desc(packetCopies.snrDb), asc(packetCopies.hotspotAddress));
}
