/**
 * Which routes a packet goes to (reference/lorawan-routing.md §3.3):
 * - join request: routes of (JoinEUI, DevEUI) plus those of (JoinEUI, 0), the DevEUI wildcard,
 *   each taking up to JOIN_MAX_COPIES copies (joins are free);
 * - data uplink: routes whose DevAddr ranges contain the DevAddr; then, for each such route,
 *   its session-key filters for that DevAddr: none -> the route takes the packet; one whose
 *   NwkSKey validates the MIC (FCnt high bits guessed as HPR does) -> the route takes it, with that filter's max copies when set;
 *   filters exist but none validates -> the route is excluded. If every candidate is excluded
 *   the packet is dropped as invalid_mic.
 * Inactive and locked routes are returned too, so the router can count the packets they miss.
 */
import { verifyDataMic } from '@cov/shared/lorawan/mic';
import { hexToBytes } from '@cov/shared/lorawan/bytes';
import { parseDevAddr } from '@cov/shared/lorawan/netid';
import type { DataFrame } from '@cov/shared/lorawan/types';
import { WILDCARD_DEV_EUI, type RouteConfig, type RoutingConfig } from '@cov/shared/routing/routing-config';
import { secretsInForce, type SigningSecrets } from '@cov/shared/routing/webhook-signature';
import { DevAddrIndex } from './devaddr-index';

export interface RouteMatch {
  route: RouteConfig;
  /** Copies the router may buy for this route. */
  maxCopies: number;
}

/**
 * `mismatched`: routes that cover the DevAddr but have session-key filters for it none of which
 * validates the frame's MIC (the device rejoined and the LNS has not sent the new key yet, say):
 * left out, and counted on those routes so their org can see its packets go elsewhere or nowhere.
 */
export type UplinkLookup =
  | { ok: true; matches: readonly RouteMatch[]; mismatched: readonly RouteConfig[] }
  | { ok: false; reason: 'no_route' | 'invalid_mic'; mismatched: readonly RouteConfig[] };

const NONE: readonly RouteConfig[] = [];

/**
 * Lookups remembered per DevAddr (without session-key filters) or EUI pair: a table never changes
 * (a new configuration builds a new one), so the answer for a device is the same for every packet,
 * and sharing it saves each packet its own match list, which an open window would otherwise carry
 * through young-generation collections. Bounded so that a flood of made-up addresses cannot grow it.
 */
const MAX_REMEMBERED_LOOKUPS = 65_536;

/**
 * A frame carries only FCnt's low 16 bits; its MIC covers all 32. A filter's key is tried with the
 * high 16 bits 0..7 (FCnt below 2^19), as HPR's `key_matches_mic` does, so a device past 65,535
 * uplinks still matches its filter.
 */
const SKF_FCNT_HIGH_TRIED = 8;

/**
 * Copies of a join-request every matching route may take, whatever its max_copies: joins are free,
 * and the more hotspots the LNS hears a join through, the better the one it answers through (HPR's
 * `MAX_JOIN_REQ`, since it stopped applying max_copies to joins in #265).
 */
export const JOIN_MAX_COPIES = 50;

function skfMatches(nwkSKey: Uint8Array, frame: DataFrame): boolean {
  for (let high = 0; high < SKF_FCNT_HIGH_TRIED; high++) if (verifyDataMic(nwkSKey, frame, high)) return true;
  return false;
}

interface Skf {
  nwkSKey: Uint8Array;
  maxCopies: number;
}

export class RouteTable {
  readonly version: number;
  private readonly routesById = new Map<string, RouteConfig>();
  private readonly byDevAddr: DevAddrIndex<string>;
  private readonly byEuiPair = new Map<string, string[]>();
  /** `${routeId}/${devAddr}` -> filters. */
  private readonly skfs = new Map<string, Skf[]>();
  private readonly uplinkLookups = new Map<string, UplinkLookup>();
  private readonly joinLookups = new Map<string, readonly RouteMatch[]>();
  private readonly secretsByOrg = new Map<string, SigningSecrets>();

  constructor(config: RoutingConfig) {
    this.version = config.version;
    for (const s of config.signingSecrets ?? []) this.secretsByOrg.set(s.orgId, s);
    for (const r of config.routes) this.routesById.set(r.id, r);
    this.byDevAddr = new DevAddrIndex(
      config.devAddrRanges.filter((r) => this.routesById.has(r.routeId)).map((r) => ({ start: r.startAddr, end: r.endAddr, value: r.routeId })),
    );
    for (const p of config.euiPairs) {
      if (!this.routesById.has(p.routeId)) continue;
      const key = euiKey(p.joinEui, p.devEui);
      const list = this.byEuiPair.get(key) ?? [];
      if (!list.includes(p.routeId)) list.push(p.routeId);
      this.byEuiPair.set(key, list);
    }
    for (const s of config.skfs) {
      const key = hexToBytes(s.sessionKey);
      if (!key || key.length !== 16) continue;
      const id = `${s.routeId}/${s.devAddr >>> 0}`;
      const list = this.skfs.get(id) ?? [];
      list.push({ nwkSKey: key, maxCopies: s.maxCopies });
      this.skfs.set(id, list);
    }
  }

  get routeCount(): number {
    return this.routesById.size;
  }

  route(id: string): RouteConfig | undefined {
    return this.routesById.get(id);
  }

  /** The secrets an org's HTTP messages are signed with now (none: unsigned); the previous one expires by time, without a reload. */
  signingSecrets(orgId: string, nowMs: number): string[] {
    return secretsInForce(this.secretsByOrg.get(orgId), nowMs);
  }

  /** The matches are shared between calls: read them, do not change them. */
  lookupJoin(joinEui: string, devEui: string): readonly RouteMatch[] {
    const key = euiKey(joinEui, devEui);
    const known = this.joinLookups.get(key);
    if (known) return known;
    const ids = new Set([...(this.byEuiPair.get(key) ?? []), ...(this.byEuiPair.get(euiKey(joinEui, WILDCARD_DEV_EUI)) ?? [])]);
    const matches = [...ids].map((id) => this.routesById.get(id)!).map((route) => ({ route, maxCopies: JOIN_MAX_COPIES }));
    remember(this.joinLookups, key, matches);
    return matches;
  }

  /** Routes whose ranges hold the DevAddr, before session-key filters (for the negative cache). */
  hasDevAddr(devAddr: string): boolean {
    const addr = parseDevAddr(devAddr);
    return addr !== null && this.byDevAddr.find(addr).length > 0;
  }

  /**
   * `frame` is called (once) only if a candidate route has session-key filters for the DevAddr.
   * The answer is shared between calls when no such filter was involved: read it, do not change it.
   */
  lookupUplink(devAddr: string, frame: () => DataFrame): UplinkLookup {
    const known = this.uplinkLookups.get(devAddr);
    if (known) return known;
    const addr = parseDevAddr(devAddr);
    const candidates = addr === null ? [] : this.byDevAddr.find(addr);
    if (candidates.length === 0) return remember(this.uplinkLookups, devAddr, { ok: false, reason: 'no_route', mismatched: NONE });
    const matches: RouteMatch[] = [];
    const mismatched: RouteConfig[] = [];
    let parsed: DataFrame | undefined;
    for (const id of candidates) {
      const route = this.routesById.get(id)!;
      const filters = this.skfs.get(`${id}/${addr}`);
      if (!filters) {
        matches.push({ route, maxCopies: route.maxCopies });
        continue;
      }
      parsed ??= frame();
      const checked = parsed;
      const hit = filters.find((f) => skfMatches(f.nwkSKey, checked));
      if (hit) matches.push({ route, maxCopies: hit.maxCopies > 0 ? hit.maxCopies : route.maxCopies });
      else mismatched.push(route);
    }
    const found: UplinkLookup = matches.length > 0 ? { ok: true, matches, mismatched } : { ok: false, reason: 'invalid_mic', mismatched };
    // With filters the answer depends on the frame's MIC, so it is this packet's alone.
    return parsed === undefined ? remember(this.uplinkLookups, devAddr, found) : found;
  }
}

function remember<V>(lookups: Map<string, V>, key: string, value: V): V {
  if (lookups.size >= MAX_REMEMBERED_LOOKUPS) lookups.clear();
  lookups.set(key, value);
  return value;
}

function euiKey(joinEui: string, devEui: string): string {
  return `${joinEui.toLowerCase()}:${devEui.toLowerCase()}`;
}
