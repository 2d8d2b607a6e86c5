// DB functions for the records of deleted routes (`deleted_routes`) and the EUI pairs they had.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@cov/shared/db/client';
import { deletedRouteEuiPairs, deletedRoutes, orgApiKeys, routeEuiPairs } from '@cov/shared/db/schema/routing';
import type { DeletedRouteInsert } from './deleted-route-record';

export type DeletedRouteRow = typeof deletedRoutes.$inferSelect;

/** A deleted route with the key that deleted it (null: the admin key), as the views show it. */
export interface DeletedRouteWithKey {
  route: DeletedRouteRow;
  deletedByKey: { id: string; name: string; prefix: string } | null;
}

/**
 * Records the route and copies its EUI pairs, in the caller's transaction and before the route's
 * row goes (its pairs cascade away with it).
 */
export async function insertDeletedRoute(db: Db, record: DeletedRouteInsert): Promise<void> {
  await db.insert(deletedRoutes).values(record);
  await db
    .insert(deletedRouteEuiPairs)
    .select(db.select({ routeId: routeEuiPairs.routeId, joinEui: routeEuiPairs.joinEui, devEui: routeEuiPairs.devEui }).from(routeEuiPairs).where(eq(routeEuiPairs.routeId, record.id)));
}

const withKey = (db: Db) =>
  db
    .select({ route: deletedRoutes, keyId: orgApiKeys.id, keyName: orgApiKeys.name, keyPrefix: orgApiKeys.keyPrefix })
    .from(deletedRoutes)
    .leftJoin(orgApiKeys, eq(orgApiKeys.id, deletedRoutes.deletedByKeyId));

function toWithKey(r: { route: DeletedRouteRow; keyId: string | null; keyName: string | null; keyPrefix: string | null }): DeletedRouteWithKey {
  return { route: r.route, deletedByKey: r.keyId === null ? null : { id: r.keyId, name: r.keyName ?? '', prefix: r.keyPrefix ?? '' } };
}

/** The org's deleted route of that id; another org's is not found. */
export async function findOrgDeletedRoute(db: Db, orgId: string, routeId: string): Promise<DeletedRouteWithKey | undefined> {
  const [row] = await withKey(db)
    .where(and(eq(deletedRoutes.id, routeId), eq(deletedRoutes.orgId, orgId)))
    .limit(1);
  return row === undefined ? undefined : toWithKey(row);
}

/** Newest deletion first (the org/deleted_at index); `before` is the last row of the page before. */
export async function listOrgDeletedRoutes(db: Db, orgId: string, before: { t: number; i: string } | undefined, limit: number): Promise<DeletedRouteWithKey[]> {
  const rows = await withKey(db)
    .where(
      and(
        eq(deletedRoutes.orgId, orgId),
        before === undefined ? undefined : sql`(${deletedRoutes.deletedAt}, ${deletedRoutes.id}) < (${new Date(before.t).toISOString()}::timestamptz, ${before.i}::uuid)`,
      ),
    )
    .orderBy(desc(deletedRoutes.deletedAt), desc(deletedRoutes.id))
    .limit(limit);
  return rows.map(toWithKey);
}

/** A deleted route's EUI pairs in (JoinEUI, DevEUI) order, as the live route's are listed. */
export async function listDeletedEuiPairs(db: Db, routeId: string, after: { j: string; d: string } | undefined, limit: number): Promise<{ joinEui: string; devEui: string }[]> {
  return db
    .select({ joinEui: deletedRouteEuiPairs.joinEui, devEui: deletedRouteEuiPairs.devEui })
    .from(deletedRouteEuiPairs)
    .where(
      and(
        eq(deletedRouteEuiPairs.routeId, routeId),
        after === undefined ? undefined : sql`(${deletedRouteEuiPairs.joinEui}, ${deletedRouteEuiPairs.devEui}) > (${after.j}, ${after.d})`,
      ),
    )
    .orderBy(asc(deletedRouteEuiPairs.joinEui), asc(deletedRouteEuiPairs.devEui))
    .limit(limit);
}
