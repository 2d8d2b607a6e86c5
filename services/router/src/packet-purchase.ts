/**
 * A packet's purchases on its matching routes while its dedup window is open.
 *
 * Which copies a route buys is fixed by arrival order: the first `max_copies`. So the router need
 * not wait for the window to close before paying. It buys what the window holds shortly before the
 * close (or as soon as every route's `max_copies` are in), and each copy heard after that, while a
 * route still has room, in a later purchase. The burns then commit while the window is open, and
 * the packet leaves the moment it closes.
 *
 * A later purchase is made only after the one before it was settled, and only on routes whose
 * purchases so far were paid. So a route's paid copies are always the first ones it heard, and a
 * packet an org could not pay for is never half bought later by a top-up that landed in between.
 * Copies heard after a route's last purchase (it was full, or refused) are recorded as heard at
 * the close.
 *
 * With several routers, each purchase's copies are first claimed on the shared multi-buy counter
 * (multi-buy-counter.ts): copies other routers already bought for the route are not bought here
 * (`granted`), and the route buys nothing more of the packet.
 *
 * This file holds the rules (what to buy next, what the packet's state is after an outcome, what
 * to forward); the uplink pipeline submits the decisions and forwards.
 */
import { dcPerCopy } from '@cov/shared/routing/data-credits';
import type { ClosedPacket } from './dedup-window';
import type { HeldFrame } from './held-frame';
import type { RouteDecision, RouteOutcome } from './route-decision';
import type { RouteMatch } from './route-table';
import { buyCopies, type UplinkCopy } from './uplink-copy';

/** One matching route's side of a packet. */
export interface RoutePurchases {
  readonly match: RouteMatch;
  /** Copies bought so far, paid or being paid: always the first ones heard. */
  bought: number;
  /** Copies the window held when the last purchase was made. */
  heardAtLastPurchase: number;
  /** The first purchase's outcome: the packet's status on this route. Undefined until settled. */
  status: RouteOutcome | undefined;
  /** A later purchase was not paid: nothing more is bought, and copies heard after it are not over max_copies. */
  refused: boolean;
  /** Copies the window held before the last purchase (to give a purchase back when its copies were bought elsewhere). */
  heardBeforeLastPurchase: number;
  /** The shared multi-buy counter says the route's max_copies are bought (partly through other routers): nothing more to buy. */
  full: boolean;
  /** Other routers bought every copy of the packet this route may have: nothing of it is bought or recorded here. */
  boughtElsewhere: boolean;
  /** Paid decisions, in order. */
  readonly paid: RouteDecision[];
}

/** True once the window holds as many copies as any matching route may buy. */
export function allCopiesIn(matches: readonly RouteMatch[], copiesHeard: number): boolean {
  for (const m of matches) if (copiesHeard < m.maxCopies) return false;
  return true;
}

export class PacketPurchase {
  readonly routes: RoutePurchases[];
  /** Purchases made so far (the next one's index). */
  private made = 0;
  /** A purchase is submitted and not settled yet. */
  inFlight = false;
  /** Copies were kept while a purchase was in flight: buy them once it settles. */
  moreWanted = false;
  /** The window closed: forward once nothing is in flight. */
  closed = false;

  constructor(matches: readonly RouteMatch[]) {
    this.routes = matches.map((match) => ({
      match,
      bought: 0,
      heardAtLastPurchase: 0,
      heardBeforeLastPurchase: 0,
      status: undefined,
      refused: false,
      full: false,
      boughtElsewhere: false,
      paid: [],
    }));
  }

  /** Whether a route may still buy one of `copiesHeard` copies. */
  hasRoom(copiesHeard: number): boolean {
    for (const r of this.routes) if (this.mayBuy(r, copiesHeard)) return true;
    return false;
  }

  private mayBuy(r: RoutePurchases, copiesHeard: number): boolean {
    if (this.made === 0) return true;
    return r.status === 'forwarded' && !r.refused && !r.full && r.bought < r.match.maxCopies && r.bought < copiesHeard;
  }

  /**
   * The next purchase: one decision per route that may still buy (the first purchase: every
   * matching route, so a locked or inactive one, or one whose endpoint is backed off, is recorded
   * too). Empty when no route may buy. `backingOff` tells whether a route's endpoint is in error
   * back-off (endpoint-backoff.ts); asked for the first purchase only, as later ones go out with it.
   */
  next(packet: ClosedPacket<UplinkCopy, { frame: HeldFrame }>, nowMs: number, backingOff?: (routeId: string) => boolean): RouteDecision[] {
    const frame = packet.frame.frame;
    const copies = packet.copies;
    const decisions: RouteDecision[] = [];
    for (const r of this.routes) {
      if (!this.mayBuy(r, copies.length)) continue;
      const route = r.match.route;
      const kind = frame.kind === 'join_request' ? 'join' : 'uplink';
      const payloadBytes = frame.kind === 'data' ? frame.payloadBytes : 0;
      const bought = buyCopies(copies, r.bought, r.match.maxCopies);
      const decision: RouteDecision = {
        packetId: packet.key,
        route,
        kind,
        devAddr: frame.kind === 'data' ? frame.devAddr : null,
        joinEui: frame.kind === 'join_request' ? frame.joinEui : null,
        devEui: frame.kind === 'join_request' ? frame.devEui : null,
        fCnt: frame.kind === 'data' ? frame.fCnt : null,
        fPort: frame.kind === 'data' ? frame.fPort : null,
        payloadBytes,
        copiesHeard: copies.length,
        bought,
        overMax: copies.length - r.bought - bought.length,
        dcPerCopy: dcPerCopy(kind, payloadBytes),
        receivedAtMs: copies[0]?.receivedAtMs ?? nowMs,
        purchaseIndex: this.made,
      };
      // Set only when it applies (rare): a spread of a conditional object would allocate one per decision.
      if (route.locked) decision.dropReason = 'route_locked';
      else if (!route.active) decision.dropReason = 'route_inactive';
      else if (this.made === 0 && backingOff?.(route.id)) decision.dropReason = 'endpoint_backoff';
      r.bought += bought.length;
      r.heardBeforeLastPurchase = r.heardAtLastPurchase;
      r.heardAtLastPurchase = copies.length;
      decisions.push(decision);
    }
    if (decisions.length > 0) this.made++;
    return decisions;
  }

  /** The max_copies that applies to a decision's route for this packet (a session-key filter's, or the route's). */
  maxCopiesOf(decision: RouteDecision): number {
    return this.routeOf(decision)?.match.maxCopies ?? 0;
  }

  /**
   * What is left of a decision once the shared multi-buy counter granted `granted` of its copies:
   * the decision itself when all were granted; its first `granted` copies (the rest over
   * max_copies) when some were; undefined when none were, as other routers bought them. The
   * route then buys nothing more of the packet. A first purchase with nothing granted leaves no
   * trace here (the packet is another router's to record and forward); a later one is given back,
   * so the copies it meant to buy count as heard over max_copies at the close.
   */
  granted(decision: RouteDecision, granted: number, boughtBefore = 0): RouteDecision | undefined {
    // Another router bought copies of the packet first: its record counts the packet in the stats.
    if (decision.purchaseIndex === 0 && boughtBefore > 0 && granted > 0) decision = { ...decision, countedElsewhere: true };
    const denied = decision.bought.length - granted;
    const r = this.routeOf(decision);
    if (denied <= 0 || r === undefined) return decision;
    r.bought -= denied;
    r.full = true;
    if (granted > 0) return { ...decision, bought: decision.bought.slice(0, granted), overMax: decision.overMax + denied };
    if (decision.purchaseIndex === 0) r.boughtElsewhere = true;
    else r.heardAtLastPurchase = r.heardBeforeLastPurchase;
    return undefined;
  }

  private routeOf(decision: RouteDecision): RoutePurchases | undefined {
    return this.routes.find((x) => x.match.route === decision.route);
  }

  /** Records a settled decision's outcome on its route. */
  settled(decision: RouteDecision, outcome: RouteOutcome): void {
    const r = this.routeOf(decision);
    if (r === undefined) return;
    if (decision.purchaseIndex === 0) r.status = outcome;
    else if (outcome !== 'forwarded') r.refused = true;
    if (outcome === 'forwarded') r.paid.push(decision);
  }

  /**
   * What goes to a route's endpoint: its paid copies as one decision (the first purchase's fields,
   * every paid copy, the copies heard and over max_copies as of the last purchase). Undefined when
   * the packet was not paid on this route.
   */
  forwardable(r: RoutePurchases): RouteDecision | undefined {
    if (r.status !== 'forwarded' || r.paid.length === 0) return undefined;
    if (r.paid.length === 1) return r.paid[0];
    const first = r.paid[0]!;
    const last = r.paid[r.paid.length - 1]!;
    return { ...first, bought: r.paid.flatMap((d) => d.bought), copiesHeard: last.copiesHeard, overMax: last.overMax };
  }
}
