/**
 * What the router decided for one packet on one matching route, before paying: the copies it
 * means to buy and their price. The burn batch settles it (paid, or dropped for lack of DC) and
 * records it; only a settled, paid decision is forwarded.
 */
import type { RouteConfig } from '@cov/shared/routing/routing-config';
import type { UplinkCopy } from './uplink-copy';

/** Final state of a decision; the strings are the `status` of the packet log and the drop reasons of the stats. */
export type RouteOutcome = 'forwarded' | 'insufficient_dc' | 'burn_failed' | 'route_inactive' | 'route_locked' | 'endpoint_backoff';

export interface RouteDecision {
  /** SHA-256 of the PHYPayload, hex: the packet's id toward device makers. */
  packetId: string;
  route: RouteConfig;
  kind: 'uplink' | 'join';
  devAddr: string | null;
  joinEui: string | null;
  devEui: string | null;
  fCnt: number | null;
  fPort: number | null;
  /** FRMPayload bytes (what the price is based on); 0 for joins. */
  payloadBytes: number;
  copiesHeard: number;
  /** Copies to buy, in arrival order. */
  bought: readonly UplinkCopy[];
  /** Copies heard beyond max_copies (not bought). */
  overMax: number;
  dcPerCopy: number;
  /** Server time of the first copy (epoch ms). */
  receivedAtMs: number;
  /**
   * 0 for the packet's first purchase on this route (it makes the packet log row and counts a
   * packet in the stats); 1, 2, ... for copies heard after that purchase and bought later, while
   * the route still had room (they add to the first purchase's log row and to the stats' copies
   * and DC). A later purchase is only made after the one before it was paid (forwarded).
   */
  purchaseIndex: number;
  /**
   * Set when the route cannot take the packet whatever the balance (turned off, locked, or its
   * endpoint in error back-off); recorded, never paid.
   */
  dropReason?: 'route_inactive' | 'route_locked' | 'endpoint_backoff';
  /**
   * Several routers: another router had bought copies of the packet on this route before this
   * router's first purchase, so that router's record counts the packet in the route's stats and
   * this one adds only copies and DC. Set only when it applies.
   */
  countedElsewhere?: true;
}

export function decisionDc(d: RouteDecision): number {
  return d.dropReason ? 0 : d.dcPerCopy * d.bought.length;
}

const DAY_MS = 86_400_000;
let lastDayStartMs = NaN;
let lastDay = '';

/** UTC day (YYYY-MM-DD) of an epoch-ms time: the bucket of the daily route stats. Asked per packet, so the last day is remembered. */
export function utcDay(ms: number): string {
  if (ms >= lastDayStartMs && ms < lastDayStartMs + DAY_MS) return lastDay;
  const startMs = Math.floor(ms / DAY_MS) * DAY_MS;
  const day = new Date(startMs).toISOString().slice(0, 10);
  lastDayStartMs = startMs;
  lastDay = day;
  return day;
}
