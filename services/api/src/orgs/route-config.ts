/**
 * Use cases that change an org's routes. Every change bumps the routing configuration version in
 * the same transaction, so routers reload exactly the committed state. DevAddr ranges and
 * session-key filters must lie inside the org's own DevAddr blocks (otherwise an org could pull
 * another org's traffic to its endpoint). A locked route (set by an admin) cannot be changed by
 * its org. A deleted route cannot be changed either (410 `routes.deleted`); deleting one keeps its
 * record (`deleted_routes`) in the same transaction, and its ranges, EUI pairs and filters go with
 * its row, free for other routes as before.
 */
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import { bumpRoutingConfigVersion } from '@cov/shared/routing/routing-config';
import type { RouteEndpoint } from '@cov/shared/db/schema/routing';
import { requireHttpUrl } from '../http/outbound-request';
import { insideBlocks } from './devaddr-allocation';
import type { OrgCaller } from './org-access';
import type { OrgsDeps } from './orgs-deps';
import { listDevaddrBlocks } from './orgs-repository';
import { requireOrg } from './create-org';
import { deletedRouteRecord } from './deleted-route-record';
import { insertDeletedRoute } from './deleted-routes-repository';
import { liveOrgRoute } from './route-lookup';
import {
  addEuiPairs,
  countEuiPairs,
  countSkfs,
  deleteRoute,
  insertRoute,
  listRanges,
  listRouteDelivery,
  removeEuiPairs,
  removeSkfs,
  replaceRanges,
  updateRoute,
  upsertSkfs,
  type RouteRow,
} from './routes-repository';

export interface HexRange {
  start: string;
  end: string;
}

/** An endpoint as PATCH gives it: an HTTP one's authHeader null to remove it, left out to keep it. */
export type EndpointPatch = RouteEndpoint | { protocol: 'http'; url: string; authHeader?: string | null };

export interface RouteInput {
  name?: string;
  endpoint?: RouteEndpoint;
  maxCopies?: number;
  active?: boolean;
  devAddrRanges?: HexRange[];
}

export interface EuiPairInput {
  joinEui: string;
  devEui: string;
}

export interface SkfInput {
  devAddr: string;
  sessionKey: string;
  maxCopies?: number;
}

const addr = (hex: string) => parseInt(hex, 16);

async function checkedRanges(db: Db, orgId: string, ranges: HexRange[]): Promise<{ startAddr: number; endAddr: number }[]> {
  const blocks = (await listDevaddrBlocks(db, orgId)).map((b) => ({ start: b.startAddr, end: b.endAddr }));
  return ranges.map((r, i) => {
    const start = addr(r.start);
    const end = addr(r.end);
    if (start > end) throw new AppError('routes.invalid_range', `devAddrRanges[${i}]: start ${r.start} is after end ${r.end}`, { field: `devAddrRanges/${i}` });
    if (!insideBlocks({ start, end }, blocks)) {
      throw new AppError('routes.devaddr_outside_blocks', `devAddrRanges[${i}] ${r.start}-${r.end} is not all inside the organisation's DevAddr blocks`, { field: `devAddrRanges/${i}` });
    }
    return { startAddr: start, endAddr: end };
  });
}

async function routeToChange(tx: Db, caller: OrgCaller, orgId: string, routeId: string): Promise<RouteRow> {
  const route = await liveOrgRoute(tx, orgId, routeId, true);
  if (route.locked && caller.kind !== 'admin') throw new AppError('routes.locked', `route ${routeId} is locked by the network operator`);
  return route;
}

/** A webhook URL routers could never post to is refused when set, not stored. */
function checkEndpoint(endpoint: EndpointPatch | undefined): void {
  if (endpoint?.protocol === 'http') requireHttpUrl(endpoint.url, 'endpoint/url');
}

export async function createRoute(deps: OrgsDeps, orgId: string, input: RouteInput & { endpoint: RouteEndpoint }, euiPairs: EuiPairInput[]): Promise<RouteRow> {
  checkEndpoint(input.endpoint);
  await requireOrg(deps.db, orgId);
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const ranges = await checkedRanges(tx, orgId, input.devAddrRanges ?? []);
    const route = await insertRoute(tx, {
      orgId,
      name: input.name ?? '',
      endpoint: input.endpoint,
      maxCopies: input.maxCopies ?? 3,
      active: input.active ?? true,
      now: new Date(deps.clock.nowMs()),
    });
    await replaceRanges(tx, route.id, ranges);
    await addEuiPairs(tx, route.id, euiPairs.map(normalizePair));
    await bumpRoutingConfigVersion(tx);
    return route;
  });
}

/**
 * The endpoint a PATCH leaves the route with: the one given, where an HTTP endpoint without an
 * authHeader keeps the route's current one (null removes it).
 */
export function patchedEndpoint(current: RouteEndpoint, patch: EndpointPatch): RouteEndpoint {
  if (patch.protocol !== 'http') return patch;
  const { authHeader, ...rest } = patch;
  if (authHeader === null) return rest;
  if (authHeader !== undefined) return { ...rest, authHeader };
  return current.protocol === 'http' && current.authHeader !== undefined ? { ...rest, authHeader: current.authHeader } : rest;
}

export async function changeRoute(deps: OrgsDeps, caller: OrgCaller, orgId: string, routeId: string, input: Omit<RouteInput, 'endpoint'> & { endpoint?: EndpointPatch }): Promise<RouteRow> {
  checkEndpoint(input.endpoint);
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const current = await routeToChange(tx, caller, orgId, routeId);
    if (input.devAddrRanges) await replaceRanges(tx, routeId, await checkedRanges(tx, orgId, input.devAddrRanges));
    const { devAddrRanges: _r, endpoint, ...fields } = input;
    const updated = await updateRoute(tx, routeId, {
      ...fields,
      ...(endpoint === undefined ? {} : { endpoint: patchedEndpoint(current.endpoint, endpoint) }),
      updatedAt: new Date(deps.clock.nowMs()),
    });
    await bumpRoutingConfigVersion(tx);
    return updated;
  });
}

/** Admin only: lock (stop all traffic, freeze the org's changes) or unlock a route. */
export async function setRouteLocked(deps: OrgsDeps, orgId: string, routeId: string, locked: boolean): Promise<RouteRow> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await routeToChange(tx, { kind: 'admin' }, orgId, routeId);
    const updated = await updateRoute(tx, routeId, { locked, updatedAt: new Date(deps.clock.nowMs()) });
    await bumpRoutingConfigVersion(tx);
    return updated;
  });
}

export async function removeRoute(deps: OrgsDeps, caller: OrgCaller, orgId: string, routeId: string): Promise<void> {
  await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const route = await routeToChange(tx, caller, orgId, routeId);
    // Read before the delete cascades them away.
    const ranges = await listRanges(tx, [routeId]);
    const euiPairs = await countEuiPairs(tx, [routeId]);
    const skfs = await countSkfs(tx, [routeId]);
    const delivery = await listRouteDelivery(tx, [routeId]);
    await insertDeletedRoute(
      tx,
      deletedRouteRecord({
        route,
        ranges,
        euiPairCount: euiPairs.get(routeId) ?? 0,
        skfCount: skfs.get(routeId) ?? 0,
        delivery: delivery.get(routeId),
        deletedAt: new Date(deps.clock.nowMs()),
        deletedByKeyId: caller.kind === 'org' ? caller.keyId : null,
      }),
    );
    await deleteRoute(tx, routeId);
    await bumpRoutingConfigVersion(tx);
  });
}

/**
 * EUI pairs and session-key filters are part of the route: changing them moves its updatedAt, as a
 * client syncing its configuration by updatedAt would otherwise never see them change.
 */
async function touchRoute(tx: Db, deps: OrgsDeps, routeId: string): Promise<void> {
  await updateRoute(tx, routeId, { updatedAt: new Date(deps.clock.nowMs()) });
}

function normalizePair(p: EuiPairInput): EuiPairInput {
  return { joinEui: p.joinEui.toLowerCase(), devEui: p.devEui.toLowerCase() };
}

export async function changeEuiPairs(deps: OrgsDeps, caller: OrgCaller, orgId: string, routeId: string, add: EuiPairInput[], remove: EuiPairInput[]): Promise<void> {
  await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await routeToChange(tx, caller, orgId, routeId);
    await removeEuiPairs(tx, routeId, remove.map(normalizePair));
    await addEuiPairs(tx, routeId, add.map(normalizePair));
    await touchRoute(tx, deps, routeId);
    await bumpRoutingConfigVersion(tx);
  });
}

/**
 * One row per (DevAddr, session key), the last given winning as if each were added in turn: one
 * upsert statement cannot touch a row twice (PostgreSQL refuses the whole statement).
 */
export function lastOfEachFilter<T extends { devAddr: number; sessionKey: string }>(skfs: T[]): T[] {
  return [...new Map(skfs.map((s) => [`${s.devAddr}/${s.sessionKey}`, s])).values()];
}

export async function changeSkfs(deps: OrgsDeps, caller: OrgCaller, orgId: string, routeId: string, add: SkfInput[], remove: SkfInput[]): Promise<void> {
  await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await routeToChange(tx, caller, orgId, routeId);
    const blocks = (await listDevaddrBlocks(tx, orgId)).map((b) => ({ start: b.startAddr, end: b.endAddr }));
    add.forEach((s, i) => {
      const a = addr(s.devAddr);
      if (!insideBlocks({ start: a, end: a }, blocks)) {
        throw new AppError('routes.devaddr_outside_blocks', `add[${i}].devAddr ${s.devAddr} is not in the organisation's DevAddr blocks`, { field: `add/${i}/devAddr` });
      }
    });
    await removeSkfs(tx, routeId, remove.map((s) => ({ devAddr: addr(s.devAddr), sessionKey: s.sessionKey.toLowerCase() })));
    await upsertSkfs(tx, routeId, lastOfEachFilter(add.map((s) => ({ devAddr: addr(s.devAddr), sessionKey: s.sessionKey.toLowerCase(), maxCopies: s.maxCopies ?? 0 }))));
    await touchRoute(tx, deps, routeId);
    await bumpRoutingConfigVersion(tx);
  });
}
