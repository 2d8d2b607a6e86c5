/**
 * The uplink path, one stage per step:
 *   rxpk -> checks (CRC, size vs data, hotspot denylisted or over its rate, base64, LoRaWAN frame, uplink type, negative cache)
 *        -> dedup window (key = SHA-256 of the PHYPayload); its first copy:
 *           route lookup (DevAddr ranges + session-key filters, or JoinEUI/DevEUI pairs)
 *        -> per route: buy the first max_copies copies, price them, while the window is open: as
 *           soon as it holds as many as any route may buy, else `purchaseLeadMs` before it closes;
 *           copies heard after that are bought in later purchases while a route has room
 *           (packet-purchase.ts)
 *        -> with several routers: the purchase's copies claimed on the shared multi-buy counter
 *           (multi-buy-counter.ts); copies other routers bought for the route are not bought here
 *        -> burn batch (durable burn + records; decides insufficient_dc)
 *        -> window closed: forward (HTTP webhook, or GWMP to the LNS) -> downlink from the answer, if any.
 * A route whose endpoint keeps failing is backed off: its packets are not bought meanwhile
 * (endpoint-backoff.ts).
 * Drops are counted by reason in metrics and, when a route is involved, in its stats.
 */
import { hash } from 'node:crypto';
import type { Clock } from '@cov/shared/clock';
import type { Rxpk } from '@cov/shared/gwmp/types';
import type { Logger } from '@cov/shared/logger';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import type { RouteConfig } from '@cov/shared/routing/routing-config';
import type { BurnBatcher } from './burn-batcher';
import type { EndpointBackoff } from './endpoint-backoff';
import type { MultiBuyClaim, MultiBuyCounter } from './multi-buy-counter';
import { DedupWindow, type AddOutcome, type ClosedPacket, type Scheduler } from './dedup-window';
import { readDownlinkRequest } from './downlinks/downlink-request';
import type { DownlinkService } from './downlinks/downlink-service';
import { lnsPortFor, type GwmpEndpoint, type GwmpLnsClient } from './forwarding/gwmp-lns-client';
import type { HttpForwarder } from './forwarding/http-forwarder';
import { lnsRxpkJson, webhookMessage, type RoutedFrame } from './forwarding/webhook-message';
import { fullFrame, holdFrame, type HeldFrame } from './held-frame';
import { devAddrMissKey, joinMissKey, type NegativeCache } from './negative-cache';
import { allCopiesIn, PacketPurchase, type RoutePurchases } from './packet-purchase';
import { utcDay, type RouteDecision, type RouteOutcome } from './route-decision';
import type { RouteMatch, RouteTable } from './route-table';
import type { DropReason, RouterMetrics } from './router-metrics';
import { byReception, toUplinkCopy, type HotspotInfo, type UplinkCopy } from './uplink-copy';

export interface UplinkPipelineDeps {
  clock: Clock;
  logger: Logger;
  metrics: RouterMetrics;
  routeTable(): RouteTable;
  negativeCache: NegativeCache;
  batcher: BurnBatcher;
  http: HttpForwarder;
  lns: GwmpLnsClient;
  downlinks: DownlinkService;
  windowMs: number;
  /**
   * How long before a window closes the router buys the copies it holds, so that the burn has
   * committed when the packet is forwarded at the close (0: at the close).
   */
  purchaseLeadMs: number;
  /** Monotonic ms. */
  monotonic(): number;
  dedupScheduler?: Scheduler;
  /** Denylist and per-hotspot rate checks (gateway-ingress.ts); without it every registered hotspot's uplinks go on. */
  ingress?: { refuse(hotspotAddress: string): DropReason | undefined };
  /** Per-route error back-off of endpoints; without it every packet is bought whatever its endpoint did before. */
  endpointBackoff?: EndpointBackoff;
  /** The multi-buy counter routers share (several routers); without it this router's own count decides. */
  multiBuy?: Pick<MultiBuyCounter, 'claim'>;
  /** Where device makers post a later downlink to this router (given in webhook messages), if known. */
  downlinkUrl?: () => string | undefined;
}

/**
 * Where a packet goes, decided when its first copy arrives: the matching routes (the route table's
 * own list, shared by the device's packets, so nothing is allocated per packet) or why none.
 */
type PacketRouting = readonly RouteMatch[] | 'no_route' | 'invalid_mic';

/** What the dedup window keeps per packet besides its copies. */
interface PacketState {
  frame: HeldFrame;
  routing: PacketRouting;
  /** Routes covering the DevAddr whose session-key filters all refused the frame (counted at the close). */
  skfMismatched: readonly RouteConfig[];
  purchase: PacketPurchase | undefined;
}

type WindowPacket = ClosedPacket<UplinkCopy, PacketState>;

const NO_ROUTES: readonly RouteConfig[] = [];

/**
 * Time a burn commit is given before its packet's window closes: a purchase's batch starts at the
 * latest this long before the close. Commits take about a millisecond, and 5-10 ms at their p99
 * on a busy 2-core machine (BENCHMARKS.md, router).
 */
const COMMIT_ALLOWANCE_MS = 20;

/** The downlink metric's outcome for a downlink in a webhook answer the service refused, by error code. */
const DOWNLINK_REFUSALS: Record<string, string> = {
  'downlinks.too_late': 'too_late',
  'downlinks.already_scheduled': 'already_scheduled',
  'downlinks.invalid_payload': 'invalid',
};

/** How long a closed packet's hash is remembered so its late copies are not taken for a new packet. */
export const LATE_COPY_MEMORY_MS = 10_000;
/** Copies kept per packet; far above any sane max_copies, low enough to bound a flood's memory. */
const MAX_COPIES_KEPT = 64;

export class UplinkPipeline {
  private readonly dedup: DedupWindow<UplinkCopy, PacketState>;
  /** Packets with a purchase made and not yet settled and forwarded; `drain` waits for none. */
  private unfinished = 0;
  private drained: (() => void)[] = [];
  /** Bound once: called as each packet's work ends, whatever its outcome. */
  private readonly untrack = (): void => {
    if (--this.unfinished > 0) return;
    const waiting = this.drained;
    this.drained = [];
    for (const wake of waiting) wake();
  };
  /**
   * Open windows by the base64 PHYPayload text of their first copy. Hotspots' copies of a packet
   * nearly always carry the same text, so later copies join their window without being decoded and
   * hashed again (half the intake work at two copies per packet). Other spellings of the same bytes
   * (unpadded base64) take the full path and still meet in the window, whose key is the hash.
   */
  private readonly openByData = new Map<string, string>();

  /** Bound once: whether a route's endpoint is backed off now (asked per purchase). */
  private readonly backingOff = (routeId: string): boolean => this.deps.endpointBackoff?.isBackingOff(routeId, this.deps.monotonic()) ?? false;

  constructor(private readonly deps: UplinkPipelineDeps) {
    this.dedup = new DedupWindow<UplinkCopy, PacketState>({
      windowMs: deps.windowMs,
      lateMemoryMs: LATE_COPY_MEMORY_MS,
      maxCopiesKept: MAX_COPIES_KEPT,
      ...(deps.dedupScheduler ? { scheduler: deps.dedupScheduler } : {}),
      onClose: (packet) => this.onWindowClosed(packet),
      onCopyKept: (packet) => this.onCopyKept(packet),
      closingSoonMs: deps.purchaseLeadMs,
      onClosingSoon: (packet) => this.onClosingSoon(packet),
      onClosedDue: () => this.deps.batcher.startNow(),
    });
  }

  get openWindows(): number {
    return this.dedup.openCount;
  }

  intake(rxpk: Rxpk, hotspot: HotspotInfo): void {
    const { metrics, logger } = this.deps;
    this.dedup.closeDueNow();
    // Only a good CRC (stat 1): without a stat the CRC is not known good, and ChirpStack's gateway
    // bridge drops such an rxpk (it reads stat 0) while Helium's semtech-udp cannot parse one, so a
    // GWMP LNS would drop a copy its device maker paid for.
    if (rxpk.stat !== 1) {
      metrics.drop('crc_failed');
      return;
    }
    // `size` is optional, but a forwarder that gives one always gives the data's length: a copy
    // that disagrees was truncated or corrupted on the way and would only fail its MIC at the LNS.
    if (rxpk.size !== undefined && rxpk.size !== Buffer.byteLength(rxpk.data, 'base64')) {
      metrics.drop('bad_payload');
      return;
    }
    const refused = this.deps.ingress?.refuse(hotspot.address);
    if (refused !== undefined) {
      metrics.drop(refused);
      return;
    }
    const openKey = this.openByData.get(rxpk.data);
    if (openKey !== undefined) {
      const outcome = this.dedup.join(openKey, toUplinkCopy(rxpk, hotspot, this.deps.clock.nowMs()));
      if (outcome !== undefined) {
        this.countJoin(outcome);
        return;
      }
      this.openByData.delete(rxpk.data); // not expected (entries leave with their window), but then take the full path
    }
    const bytes = Buffer.from(rxpk.data, 'base64');
    if (bytes.length === 0) {
      metrics.drop('bad_payload');
      return;
    }
    const parsed = parsePhyPayload(bytes);
    if (!parsed.ok) {
      metrics.drop('lorawan_malformed');
      logger.debug({ hotspot: hotspot.address, reason: parsed.error.details?.reason }, 'undecodable LoRaWAN frame dropped');
      return;
    }
    const frame = parsed.value;
    if (!(frame.kind === 'join_request' || (frame.kind === 'data' && frame.direction === 'up'))) {
      metrics.drop('not_uplink');
      return;
    }
    if (this.deps.negativeCache.has(frame.kind === 'data' ? devAddrMissKey(frame.devAddr) : joinMissKey(frame.joinEui, frame.devEui))) {
      metrics.drop('no_route');
      return;
    }
    // One-shot hash: no Hash object per packet (Node >= 20.12).
    const key = hash('sha256', bytes, 'hex');
    const { routing, skfMismatched } = this.routePacket(frame);
    const state: PacketState = { frame: holdFrame(frame, rxpk.data), routing, skfMismatched, purchase: undefined };
    const outcome = this.dedup.add(key, toUplinkCopy(rxpk, hotspot, this.deps.clock.nowMs()), state);
    if (outcome === 'opened') this.openByData.set(rxpk.data, key);
    else this.countJoin(outcome);
  }

  private countJoin(outcome: AddOutcome): void {
    if (outcome === 'duplicate') this.deps.metrics.drop('duplicate_copy');
    else if (outcome === 'late') this.deps.metrics.drop('late_copy');
  }

  /** Closes every open window and waits until every packet is settled and forwarded (shutdown, tests). */
  async drain(): Promise<void> {
    this.dedup.flushAll();
    while (this.unfinished > 0) await new Promise<void>((wake) => this.drained.push(wake));
  }

  stop(): void {
    this.dedup.stop();
  }

  /**
   * Where a packet goes, looked up once, when its first copy opens the window: the frame is parsed
   * then anyway (a session-key filter's MIC check needs it), and knowing the routes' max copies
   * lets the purchase start as soon as enough copies are in.
   */
  private routePacket(frame: RoutedFrame): { routing: PacketRouting; skfMismatched: readonly RouteConfig[] } {
    const table = this.deps.routeTable();
    if (frame.kind === 'join_request') {
      const matches = table.lookupJoin(frame.joinEui, frame.devEui);
      return { routing: matches.length > 0 ? matches : 'no_route', skfMismatched: NO_ROUTES };
    }
    const found = table.lookupUplink(frame.devAddr, () => frame);
    return { routing: found.ok ? found.matches : found.reason, skfMismatched: found.mismatched };
  }

  /**
   * A packet a route's session-key filters all refused is one `session_key_mismatch` drop in that
   * route's stats, once per packet: nothing else of it reaches the org (no decision, no packet log
   * row), so a stale filter after a rejoin made the device's packets vanish without a trace.
   */
  private countSkfMismatches(state: PacketState, firstCopyAtMs: number): void {
    for (const route of state.skfMismatched) {
      this.deps.batcher.countDrop({ routeId: route.id, orgId: route.orgId, day: utcDay(firstCopyAtMs), reason: 'session_key_mismatch', count: 1 });
    }
  }

  /**
   * Buys as soon as the window holds as many copies as any matching route may buy: which copies
   * are bought (the first max_copies to arrive) can no longer change. After a first purchase, a
   * copy a route still has room for is bought at once (or as soon as the purchase in flight settles).
   */
  private onCopyKept(packet: WindowPacket): void {
    const state = packet.frame;
    if (typeof state.routing === 'string') return;
    const purchase = state.purchase;
    if (purchase === undefined) {
      if (allCopiesIn(state.routing, packet.copies.length)) this.startBuying(packet, new PacketPurchase(state.routing));
    } else if (purchase.inFlight) purchase.moreWanted = true;
    else if (purchase.hasRoom(packet.copies.length)) this.buyNext(packet, purchase);
  }

  /** `purchaseLeadMs` before the close: buys what the window holds, so the commit is not waited for at the close. */
  private onClosingSoon(packet: WindowPacket): void {
    const state = packet.frame;
    if (typeof state.routing !== 'string' && state.purchase === undefined) this.startBuying(packet, new PacketPurchase(state.routing));
  }

  private onWindowClosed(packet: WindowPacket): void {
    const { metrics } = this.deps;
    const opener = packet.copies[0]?.rxpk.data;
    if (opener !== undefined) this.openByData.delete(opener);
    const state = packet.frame;
    const firstCopy = packet.copies[0];
    if (firstCopy !== undefined) this.countSkfMismatches(state, firstCopy.receivedAtMs);
    if (typeof state.routing === 'string') {
      const frame = state.frame;
      if (state.routing === 'no_route') this.deps.negativeCache.add(frame.kind === 'data' ? devAddrMissKey(frame.devAddr) : joinMissKey(frame.joinEui, frame.devEui));
      metrics.drop(state.routing);
      return;
    }
    // Not bought yet (no lead, or a flush): bought now (urgently), forwarded once paid.
    let purchase = state.purchase;
    if (purchase === undefined) {
      purchase = new PacketPurchase(state.routing);
      purchase.closed = true;
      this.startBuying(packet, purchase);
    } else purchase.closed = true;
    if (!purchase.inFlight) this.finish(packet, purchase);
  }

  /** The packet's first purchase: one decision per matching route. Until its forwarding ends, `drain` waits for it. */
  private startBuying(packet: WindowPacket, purchase: PacketPurchase): void {
    packet.frame.purchase = purchase;
    this.deps.metrics.packet(packet.frame.frame.kind === 'join_request' ? 'join' : 'uplink');
    this.unfinished++;
    this.buyNext(packet, purchase);
  }

  /**
   * Makes the next purchase (if a route may still buy): claims its copies on the shared multi-buy
   * counter when there is one, then submits what is left to the burn batch.
   */
  private buyNext(packet: WindowPacket, purchase: PacketPurchase): void {
    const decisions = purchase.next(packet, this.deps.clock.nowMs(), this.backingOff);
    if (decisions.length === 0) return;
    purchase.inFlight = true;
    const multiBuy = this.deps.multiBuy;
    let claims: MultiBuyClaim[] | undefined;
    if (multiBuy !== undefined) {
      for (const d of decisions) {
        if (d.dropReason === undefined && d.bought.length > 0) (claims ??= []).push({ packetId: d.packetId, routeId: d.route.id, wanted: d.bought.length, maxCopies: purchase.maxCopiesOf(d) });
      }
    }
    if (multiBuy === undefined || claims === undefined) {
      this.submit(packet, purchase, decisions);
      return;
    }
    const claimedAt = this.deps.monotonic();
    multiBuy
      .claim(claims)
      .then((grants) => {
        this.deps.metrics.multiBuyClaimSeconds.observe((this.deps.monotonic() - claimedAt) / 1000);
        const kept: RouteDecision[] = [];
        let i = 0;
        for (const d of decisions) {
          if (d.dropReason !== undefined || d.bought.length === 0) {
            kept.push(d);
            continue;
          }
          const grant = grants[i++] ?? { granted: d.bought.length, boughtBefore: 0 };
          const n = grant.granted;
          if (n < d.bought.length) this.deps.metrics.multiBuyDenied.inc(d.bought.length - n);
          const left = purchase.granted(d, n, grant.boughtBefore);
          if (left !== undefined) kept.push(left);
        }
        if (kept.length > 0) this.submit(packet, purchase, kept);
        else this.purchaseSettled(packet, purchase, [], []); // every copy was bought through other routers
      })
      .catch((e: unknown) => this.deps.logger.error({ err: e, packet: packet.key }, 'packet purchase failed after its multi-buy claim'));
  }

  /** Submits a purchase's decisions to the burn batch; its outcomes come back to `purchaseSettled`. */
  private submit(packet: WindowPacket, purchase: PacketPurchase, decisions: readonly RouteDecision[]): void {
    // On the window's monotonic clock, which the router gives the batcher too; a closed window's purchase starts at once.
    const startBy = purchase.closed ? -Infinity : packet.openedAt + this.deps.windowMs - COMMIT_ALLOWANCE_MS;
    const settled = (outcomes: RouteOutcome[]) => this.purchaseSettled(packet, purchase, decisions, outcomes);
    // Outcomes never reject (a failed batch resolves burn_failed); a bug after them is logged, not an unhandled rejection.
    const failed = (e: unknown) => this.deps.logger.error({ err: e, packet: packet.key }, 'packet purchase failed after its burn settled');
    if (decisions.length === 1) this.deps.batcher.submit(decisions[0]!, startBy).then((o) => settled([o])).catch(failed);
    else Promise.all(decisions.map((d) => this.deps.batcher.submit(d, startBy))).then(settled).catch(failed);
  }

  private purchaseSettled(packet: WindowPacket, purchase: PacketPurchase, decisions: readonly RouteDecision[], outcomes: readonly RouteOutcome[]): void {
    const { metrics } = this.deps;
    purchase.inFlight = false;
    decisions.forEach((decision, i) => {
      const outcome = outcomes[i]!;
      purchase.settled(decision, outcome);
      if (outcome === 'forwarded') metrics.bought(decision.bought.length, decision.dcPerCopy * decision.bought.length);
      else metrics.drop(outcome);
    });
    if (purchase.moreWanted) {
      purchase.moreWanted = false;
      if (purchase.hasRoom(packet.copies.length)) {
        this.buyNext(packet, purchase);
        if (purchase.inFlight) return;
      }
    }
    if (purchase.closed) this.finish(packet, purchase);
  }

  /** The window closed and every purchase settled: copies heard after the last purchase are recorded, paid copies forwarded. */
  private finish(packet: WindowPacket, purchase: PacketPurchase): void {
    let forwarding: Promise<void>[] | undefined;
    for (const r of purchase.routes) {
      this.lateCopiesHeard(packet, r);
      const decision = purchase.forwardable(r);
      if (decision === undefined) continue;
      const sent = this.forward(decision, packet.frame.frame, packet.openedAt);
      if (sent !== undefined) (forwarding ??= []).push(sent);
    }
    if (forwarding === undefined) this.untrack();
    else if (forwarding.length === 1) forwarding[0]!.then(this.untrack, this.untrack);
    else Promise.all(forwarding).then(this.untrack, this.untrack);
  }

  /** Copies heard after a route's last purchase: over max_copies when the packet was paid, or merely heard. */
  private lateCopiesHeard(packet: WindowPacket, r: RoutePurchases): void {
    if (r.boughtElsewhere) return; // the packet is recorded by the routers that bought it
    const count = packet.copies.length - r.heardAtLastPurchase;
    if (count <= 0) return;
    const forwarded = r.status === 'forwarded' && !r.refused;
    if (forwarded) this.deps.metrics.drop('copy_over_max', count);
    const route = r.match.route;
    this.deps.batcher.countLateCopies({ packetId: packet.key, routeId: route.id, orgId: route.orgId, receivedAtMs: packet.copies[0]!.receivedAtMs, count, forwarded });
  }

  /**
   * Sends a paid packet to its route's endpoint. Not an async function: the GWMP path (the common
   * one) settles its one promise when the datagrams left, without the promises an async function
   * and an awaited helper add per packet.
   */
  private forward(decision: RouteDecision, frame: HeldFrame, heardAt: number): Promise<void> | undefined {
    if (decision.overMax > 0) this.deps.metrics.drop('copy_over_max', decision.overMax);
    const startedAt = this.deps.monotonic();
    try {
      const endpoint = decision.route.endpoint;
      if (endpoint.protocol === 'gwmp') return this.forwardGwmp(decision, endpoint, heardAt, startedAt);
      return this.forwardHttp(decision, frame, heardAt, startedAt).catch((e: unknown) => this.forwardingFailed(decision, e, startedAt));
    } catch (e) {
      this.forwardingFailed(decision, e, startedAt);
      return undefined;
    }
  }

  private forwardingFailed(decision: RouteDecision, e: unknown, startedAt: number): void {
    this.deps.logger.error({ err: e, route: decision.route.id }, 'forwarding failed');
    this.endpointError(decision, startedAt, 'internal_error');
  }

  /** What the router added beyond the window, once a packet's message left (heardAt: its first copy, monotonic). */
  private observeAddedDelay(heardAt: number): void {
    this.deps.metrics.addedDelaySeconds.observe((this.deps.monotonic() - heardAt - this.deps.windowMs) / 1000);
  }

  /** Resolves when every bought copy's datagram left (or failed to). */
  private forwardGwmp(decision: RouteDecision, endpoint: GwmpEndpoint, heardAt: number, startedAt: number): Promise<void> | undefined {
    const { metrics } = this.deps;
    let left = decision.bought.length;
    if (left === 0) {
      metrics.forward('gwmp', 'ok');
      return undefined;
    }
    return new Promise<void>((resolve) => {
      let failedCopies = 0;
      let lastError = '';
      const onSent = (error: Error | null) => {
        if (error) {
          failedCopies++;
          lastError = (error as NodeJS.ErrnoException).code ?? 'send_failed';
        }
        if (--left > 0) return;
        metrics.forward('gwmp', failedCopies === 0 ? 'ok' : 'error');
        if (failedCopies === 0) {
          this.observeAddedDelay(heardAt);
          this.endpointOk(decision);
        } else this.endpointError(decision, startedAt, lastError);
        resolve();
      };
      for (const c of decision.bought) this.deps.lns.pushCopy(endpoint.host, lnsPortFor(endpoint, c.hotspot.region), c.hotspot.gatewayEui, lnsRxpkJson(c), onSent);
    });
  }

  private async forwardHttp(decision: RouteDecision, frame: HeldFrame, heardAt: number, startedAt: number): Promise<void> {
    const { metrics, logger } = this.deps;
    const endpoint = decision.route.endpoint;
    if (endpoint.protocol !== 'http') return;
    const context = {
      packetId: decision.packetId,
      routeId: decision.route.id,
      orgId: decision.route.orgId,
      kind: decision.kind,
      devAddr: decision.devAddr,
      copies: byReception(decision.bought),
      heardAt,
    };
    this.deps.downlinks.remember(context);
    const message = webhookMessage(decision, fullFrame(frame), this.deps.downlinkUrl?.());
    this.observeAddedDelay(heardAt); // the request is about to be written; the endpoint's own time is not the router's
    const nowMs = this.deps.clock.nowMs();
    const result = await this.deps.http.post(endpoint.url, message, endpoint.authHeader, { secrets: this.deps.routeTable().signingSecrets(decision.route.orgId, nowMs), nowMs });
    if (!result.ok) {
      metrics.forward('http', 'error');
      logger.debug({ route: decision.route.id, error: result.error }, 'device maker endpoint refused an uplink');
      this.endpointError(decision, startedAt, result.error);
      return;
    }
    metrics.forward('http', 'ok');
    this.endpointOk(decision);
    const answer = result.body as { downlink?: unknown } | null;
    if (answer && typeof answer === 'object' && answer.downlink !== undefined && answer.downlink !== null) {
      const request = readDownlinkRequest(answer.downlink);
      if (!request.ok) {
        metrics.downlinks.inc({ outcome: 'invalid' });
        logger.debug({ route: decision.route.id, message: request.error.message }, 'downlink in a webhook answer refused');
        return;
      }
      const sent = await this.deps.downlinks.send(context, request.value);
      if (!sent.ok) {
        metrics.downlinks.inc({ outcome: DOWNLINK_REFUSALS[sent.error.code] ?? 'no_gateway' });
        logger.debug({ route: decision.route.id, code: sent.error.code }, 'downlink in a webhook answer not sent');
      }
    }
  }

  /** A paid packet did not reach its endpoint (`error` says how); enough of those in a row back the route off. */
  private endpointError(decision: RouteDecision, startedAt: number, error: string): void {
    const { metrics, batcher, endpointBackoff } = this.deps;
    metrics.drop('endpoint_error');
    batcher.countDrop({ routeId: decision.route.id, orgId: decision.route.orgId, day: utcDay(decision.receivedAtMs), reason: 'endpoint_error', count: 1 });
    batcher.countDeliveryFailure({ packetId: decision.packetId, routeId: decision.route.id, orgId: decision.route.orgId, receivedAtMs: decision.receivedAtMs });
    if (endpointBackoff?.failed(decision.route.id, startedAt, this.deps.monotonic(), error).backoff) metrics.endpointBackoffs.inc();
  }

  private endpointOk(decision: RouteDecision): void {
    this.deps.endpointBackoff?.succeeded(decision.route.id);
  }
}
