/**
 * The uplink path, one stage per step:
 *   rxpk -> checks (CRC, base64, LoRaWAN frame, uplink type, negative cache)
 *        -> dedup window (key = SHA-256 of the PHYPayload); its first copy:
 *           route lookup (DevAddr ranges + session-key filters, or JoinEUI/DevEUI pairs)
 *        -> per route: buy the first max_copies copies, price them, as soon as the window holds
 *           as many as any route may buy (else when it closes)
 *        -> burn batch (durable burn + records; decides insufficient_dc), while the window is open
 *        -> window closed: forward (HTTP webhook, or GWMP to the LNS) -> downlink from the answer, if any.
 * Drops are counted by reason in metrics and, when a route is involved, in its stats.
 */
import { hash } from 'node:crypto';
import type { Clock } from '@cov/shared/clock';
import type { Rxpk } from '@cov/shared/gwmp/types';
import type { Logger } from '@cov/shared/logger';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import { dcPerCopy } from '@cov/shared/routing/data-credits';
import type { BurnBatcher } from './burn-batcher';
import { DedupWindow, type AddOutcome, type ClosedPacket, type Scheduler } from './dedup-window';
import { readDownlinkRequest } from './downlinks/downlink-request';
import type { DownlinkService } from './downlinks/downlink-service';
import type { GwmpLnsClient } from './forwarding/gwmp-lns-client';
import type { HttpForwarder } from './forwarding/http-forwarder';
import { lnsRxpkJson, webhookMessage, type RoutedFrame } from './forwarding/webhook-message';
import { fullFrame, holdFrame, type HeldFrame } from './held-frame';
import { devAddrMissKey, joinMissKey, type NegativeCache } from './negative-cache';
import { utcDay, type RouteDecision, type RouteOutcome } from './route-decision';
import type { RouteMatch, RouteTable } from './route-table';
import type { RouterMetrics } from './router-metrics';
import { buyCopies, byReception, toUplinkCopy, type HotspotInfo, type UplinkCopy } from './uplink-copy';

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
  /** Monotonic ms. */
  monotonic(): number;
  dedupScheduler?: Scheduler;
}

/**
 * Where a packet goes, decided when its first copy arrives: the matching routes (the route table's
 * own list, shared by the device's packets, so nothing is allocated per packet) or why none.
 */
type PacketRouting = readonly RouteMatch[] | 'no_route' | 'invalid_mic';

/** The decisions made for a packet (one per matching route) and their burn outcomes to come. */
interface Purchase {
  decisions: RouteDecision[];
  outcomes: Promise<RouteOutcome>[];
  /** Copies in the window when the purchase was made. */
  copiesHeard: number;
}

/** What the dedup window keeps per packet besides its copies. */
interface PacketState {
  frame: HeldFrame;
  routing: PacketRouting;
  purchase: Purchase | undefined;
}

/** True once the window holds as many copies as any matching route may buy. */
function allCopiesIn(matches: readonly RouteMatch[], copiesHeard: number): boolean {
  for (const m of matches) if (copiesHeard < m.maxCopies) return false;
  return true;
}

/** How long a closed packet's hash is remembered so its late copies are not taken for a new packet. */
export const LATE_COPY_MEMORY_MS = 10_000;
/** Copies kept per packet; far above any sane max_copies, low enough to bound a flood's memory. */
const MAX_COPIES_KEPT = 64;

export class UplinkPipeline {
  private readonly dedup: DedupWindow<UplinkCopy, PacketState>;
  /** Decisions submitted and not yet settled and forwarded; `drain` waits for none. */
  private inFlight = 0;
  private drained: (() => void)[] = [];
  /** Bound once: called as each decision's work ends, whatever its outcome. */
  private readonly untrack = (): void => {
    if (--this.inFlight > 0) return;
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

  constructor(private readonly deps: UplinkPipelineDeps) {
    this.dedup = new DedupWindow<UplinkCopy, PacketState>({
      windowMs: deps.windowMs,
      lateMemoryMs: LATE_COPY_MEMORY_MS,
      maxCopiesKept: MAX_COPIES_KEPT,
      ...(deps.dedupScheduler ? { scheduler: deps.dedupScheduler } : {}),
      onClose: (packet) => this.onWindowClosed(packet),
      onCopyKept: (packet) => this.onCopyKept(packet),
      onClosedDue: () => this.deps.batcher.startNow(),
    });
  }

  get openWindows(): number {
    return this.dedup.openCount;
  }

  intake(rxpk: Rxpk, hotspot: HotspotInfo): void {
    const { metrics, logger } = this.deps;
    this.dedup.closeDueNow();
    if (rxpk.stat !== undefined && rxpk.stat !== 1) {
      metrics.drop('crc_failed');
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
    const state: PacketState = { frame: holdFrame(frame, rxpk.data), routing: this.routePacket(frame), purchase: undefined };
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
    while (this.inFlight > 0) await new Promise<void>((wake) => this.drained.push(wake));
  }

  stop(): void {
    this.dedup.stop();
  }

  /**
   * Where a packet goes, looked up once, when its first copy opens the window: the frame is parsed
   * then anyway (a session-key filter's MIC check needs it), and knowing the routes' max copies
   * lets the purchase start as soon as enough copies are in.
   */
  private routePacket(frame: RoutedFrame): PacketRouting {
    const table = this.deps.routeTable();
    if (frame.kind === 'join_request') {
      const matches = table.lookupJoin(frame.joinEui, frame.devEui);
      return matches.length > 0 ? matches : 'no_route';
    }
    const found = table.lookupUplink(frame.devAddr, () => frame);
    return found.ok ? found.matches : found.reason;
  }

  /**
   * Buys as soon as the window holds as many copies as any matching route may buy: which copies
   * are bought (the first max_copies to arrive) can no longer change, so the burn commits while
   * the window is still open and the packet is forwarded the moment it closes, instead of waiting
   * there for a database round trip. Copies heard after the purchase are recorded at the close.
   */
  private onCopyKept(packet: ClosedPacket<UplinkCopy, PacketState>): void {
    const state = packet.frame;
    if (state.purchase === undefined && typeof state.routing !== 'string' && allCopiesIn(state.routing, packet.copies.length)) this.purchase(packet, state.routing);
  }

  private onWindowClosed(packet: ClosedPacket<UplinkCopy, PacketState>): void {
    const { metrics } = this.deps;
    const opener = packet.copies[0]?.rxpk.data;
    if (opener !== undefined) this.openByData.delete(opener);
    const state = packet.frame;
    if (typeof state.routing === 'string') {
      const frame = state.frame;
      if (state.routing === 'no_route') this.deps.negativeCache.add(frame.kind === 'data' ? devAddrMissKey(frame.devAddr) : joinMissKey(frame.joinEui, frame.devEui));
      metrics.drop(state.routing);
      return;
    }
    // Fewer copies than the routes may buy were heard: the purchase is made with what the window holds.
    const purchase = state.purchase ?? this.purchase(packet, state.routing);
    const lateCopies = packet.copies.length - purchase.copiesHeard;
    purchase.decisions.forEach((decision, i) => {
      purchase.outcomes[i]!.then((outcome) => {
        if (lateCopies > 0) this.lateCopiesHeard(decision, outcome, lateCopies);
        return this.afterSettled(decision, outcome, state.frame, packet.openedAt);
      }).then(this.untrack, this.untrack);
    });
  }

  /** One decision per matching route, submitted to the burn batch at once; forwarded at the close. */
  private purchase(packet: ClosedPacket<UplinkCopy, PacketState>, matches: readonly RouteMatch[]): Purchase {
    const frame = packet.frame.frame;
    const kind = frame.kind === 'join_request' ? 'join' : 'uplink';
    this.deps.metrics.packet(kind);
    const payloadBytes = frame.kind === 'data' ? frame.payloadBytes : 0;
    const purchase: Purchase = { decisions: [], outcomes: [], copiesHeard: packet.copies.length };
    for (const match of matches) {
      const bought = buyCopies(packet.copies, match.maxCopies);
      const decision: RouteDecision = {
        packetId: packet.key,
        route: match.route,
        kind,
        devAddr: frame.kind === 'data' ? frame.devAddr : null,
        joinEui: frame.kind === 'join_request' ? frame.joinEui : null,
        devEui: frame.kind === 'join_request' ? frame.devEui : null,
        fCnt: frame.kind === 'data' ? frame.fCnt : null,
        fPort: frame.kind === 'data' ? frame.fPort : null,
        payloadBytes,
        copiesHeard: packet.copies.length,
        // The window's copies array goes on growing while it is open: the decision keeps its own.
        bought: bought === packet.copies ? bought.slice() : bought,
        overMax: packet.copies.length - bought.length,
        dcPerCopy: dcPerCopy(kind, payloadBytes),
        receivedAtMs: packet.copies[0]?.receivedAtMs ?? this.deps.clock.nowMs(),
      };
      // Set only when it applies (rare): a spread of a conditional object would allocate one per decision.
      if (match.route.locked) decision.dropReason = 'route_locked';
      else if (!match.route.active) decision.dropReason = 'route_inactive';
      this.inFlight++;
      purchase.decisions.push(decision);
      purchase.outcomes.push(this.deps.batcher.submit(decision));
    }
    packet.frame.purchase = purchase;
    return purchase;
  }

  private lateCopiesHeard(decision: RouteDecision, outcome: RouteOutcome, count: number): void {
    const forwarded = outcome === 'forwarded';
    if (forwarded) this.deps.metrics.drop('copy_over_max', count);
    this.deps.batcher.countLateCopies({ packetId: decision.packetId, routeId: decision.route.id, orgId: decision.route.orgId, receivedAtMs: decision.receivedAtMs, count, forwarded });
  }

  /**
   * What follows a committed burn. Not an async function: the GWMP path (the common one) settles
   * its one promise when the datagrams left, and a drop returns at once, without the promises an
   * async function and an awaited helper add per decision.
   */
  private afterSettled(decision: RouteDecision, outcome: RouteOutcome, frame: HeldFrame, heardAt: number): Promise<void> | undefined {
    const { metrics } = this.deps;
    if (outcome !== 'forwarded') {
      metrics.drop(outcome);
      return undefined;
    }
    metrics.bought(decision.bought.length, decision.dcPerCopy * decision.bought.length);
    if (decision.overMax > 0) metrics.drop('copy_over_max', decision.overMax);
    try {
      const endpoint = decision.route.endpoint;
      if (endpoint.protocol === 'gwmp') return this.forwardGwmp(decision, endpoint.host, endpoint.port, heardAt);
      return this.forwardHttp(decision, frame, heardAt).catch((e: unknown) => this.forwardingFailed(decision, e));
    } catch (e) {
      this.forwardingFailed(decision, e);
      return undefined;
    }
  }

  private forwardingFailed(decision: RouteDecision, e: unknown): void {
    this.deps.logger.error({ err: e, route: decision.route.id }, 'forwarding failed');
    this.endpointError(decision);
  }

  /** What the router added beyond the window, once a packet's message left (heardAt: its first copy, monotonic). */
  private observeAddedDelay(heardAt: number): void {
    this.deps.metrics.addedDelaySeconds.observe((this.deps.monotonic() - heardAt - this.deps.windowMs) / 1000);
  }

  /** Resolves when every bought copy's datagram left (or failed to). */
  private forwardGwmp(decision: RouteDecision, host: string, port: number, heardAt: number): Promise<void> | undefined {
    const { metrics } = this.deps;
    let left = decision.bought.length;
    if (left === 0) {
      metrics.forward('gwmp', 'ok');
      return undefined;
    }
    return new Promise<void>((resolve) => {
      let failedCopies = 0;
      const onSent = (error: Error | null) => {
        if (error) failedCopies++;
        if (--left > 0) return;
        if (failedCopies === 0) this.observeAddedDelay(heardAt);
        metrics.forward('gwmp', failedCopies === 0 ? 'ok' : 'error');
        if (failedCopies > 0) this.endpointError(decision);
        resolve();
      };
      for (const c of decision.bought) this.deps.lns.pushCopy(host, port, c.hotspot.gatewayEui, lnsRxpkJson(c), onSent);
    });
  }

  private async forwardHttp(decision: RouteDecision, frame: HeldFrame, heardAt: number): Promise<void> {
    const { metrics, logger } = this.deps;
    const endpoint = decision.route.endpoint;
    if (endpoint.protocol !== 'http') return;
    const context = { packetId: decision.packetId, routeId: decision.route.id, orgId: decision.route.orgId, copies: byReception(decision.bought), heardAt };
    this.deps.downlinks.remember(context);
    const message = webhookMessage(decision, fullFrame(frame));
    this.observeAddedDelay(heardAt); // the request is about to be written; the endpoint's own time is not the router's
    const result = await this.deps.http.post(endpoint.url, message, endpoint.authHeader);
    if (!result.ok) {
      metrics.forward('http', 'error');
      logger.debug({ route: decision.route.id, error: result.error }, 'device maker endpoint refused an uplink');
      this.endpointError(decision);
      return;
    }
    metrics.forward('http', 'ok');
    const answer = result.body as { downlink?: unknown } | null;
    if (answer && typeof answer === 'object' && answer.downlink !== undefined && answer.downlink !== null) {
      const request = readDownlinkRequest(answer.downlink);
      if (!request.ok) {
        metrics.downlinks.inc({ outcome: 'invalid' });
        logger.debug({ route: decision.route.id, message: request.error.message }, 'downlink in a webhook answer refused');
        return;
      }
      const sent = this.deps.downlinks.send(context, request.value);
      if (!sent.ok) {
        metrics.downlinks.inc({ outcome: sent.error.code === 'downlinks.too_late' ? 'too_late' : 'no_gateway' });
        logger.debug({ route: decision.route.id, code: sent.error.code }, 'downlink in a webhook answer not sent');
      }
    }
  }

  private endpointError(decision: RouteDecision): void {
    this.deps.metrics.drop('endpoint_error');
    this.deps.batcher.countDrop({ routeId: decision.route.id, orgId: decision.route.orgId, day: utcDay(decision.receivedAtMs), reason: 'endpoint_error', count: 1 });
  }
}
