/**
 * The routing configuration as the router holds it in memory: every route with its endpoint,
 * DevAddr ranges, JoinEUI/DevEUI pairs and session-key filters, and the orgs' webhook signing secrets. The API changes it; the router
 * reloads it whole when the version row moves (every change bumps it in the same transaction), so
 * a router never sees half of a change and never polls more than one tiny row.
 */
import { isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { orgs, routeDevaddrRanges, routeEuiPairs, routes, routeSkfs, routingConfigVersion, type RouteEndpoint } from '../db/schema/routing';
import type { SigningSecrets } from './webhook-signature';

export type { RouteEndpoint };

export interface RouteConfig {
  id: string;
  orgId: string;
  endpoint: RouteEndpoint;
  maxCopies: number;
  active: boolean;
  locked: boolean;
}

export interface DevAddrRangeConfig {
  routeId: string;
  /** Inclusive unsigned 32-bit bounds. */
  startAddr: number;
  endAddr: number;
}

export interface EuiPairConfig {
  routeId: string;
  /** 16 hex, lower case; devEui "0000000000000000" is the wildcard. */
  joinEui: string;
  devEui: string;
}

export interface SkfConfig {
  routeId: string;
  devAddr: number;
  /** NwkSKey, 32 hex. */
  sessionKey: string;
  /** 0: the route's max_copies. */
  maxCopies: number;
}

/** An org's webhook signing secrets (webhook-signature.ts), for the messages its HTTP endpoints are posted. */
export interface OrgSigningSecrets extends SigningSecrets {
  orgId: string;
}

export interface RoutingConfig {
  version: number;
  routes: RouteConfig[];
  devAddrRanges: DevAddrRangeConfig[];
  euiPairs: EuiPairConfig[];
  skfs: SkfConfig[];
  /** Orgs that sign their messages; absent or empty: none does. */
  signingSecrets?: OrgSigningSecrets[];
}

export const WILDCARD_DEV_EUI = '0000000000000000';

type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'execute'>;

export async function readRoutingConfigVersion(db: Tx): Promise<number> {
  const [row] = await db.select({ version: routingConfigVersion.version }).from(routingConfigVersion).limit(1);
  return row?.version ?? 0;
}

/** Call inside every transaction that changes routes, ranges, pairs, filters or an org's signing secret. */
export async function bumpRoutingConfigVersion(db: Tx): Promise<void> {
  await db
    .insert(routingConfigVersion)
    .values({ id: 1, version: 1 })
    .onConflictDoUpdate({ target: routingConfigVersion.id, set: { version: sql`${routingConfigVersion.version} + 1` } });
}

/** Everything, read in one repeatable-read snapshot so the version matches the rows. */
export async function loadRoutingConfig(db: Db): Promise<RoutingConfig> {
  return db.transaction(
    async (tx) => {
      const version = await readRoutingConfigVersion(tx);
      const routeRows = await tx
        .select({ id: routes.id, orgId: routes.orgId, endpoint: routes.endpoint, maxCopies: routes.maxCopies, active: routes.active, locked: routes.locked })
        .from(routes);
      const devAddrRanges = await tx.select().from(routeDevaddrRanges);
      const euiPairs = await tx.select().from(routeEuiPairs);
      const skfs = await tx.select().from(routeSkfs);
      const signed = await tx
        .select({ orgId: orgs.id, current: orgs.webhookSecret, previous: orgs.webhookSecretPrevious, previousUntilMs: orgs.webhookSecretPreviousUntilMs })
        .from(orgs)
        .where(isNotNull(orgs.webhookSecret));
      const signingSecrets = signed.map((o) => ({ ...o, current: o.current! }));
      return { version, routes: routeRows, devAddrRanges, euiPairs, skfs, signingSecrets };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
