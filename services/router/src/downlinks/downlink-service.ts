/**
 * Turns a device maker's downlink into a PULL_RESP for the right hotspot. The router remembers, for
 * a few seconds after forwarding, which hotspots it bought each packet from (strongest first); a
 * downlink for that packet goes through the strongest one that has pulled (so its forwarder can
 * be reached), in RX1, or straight in RX2 when RX1 has already passed, with RX2 as the retry.
 * One downlink per uplink: with several routers, the first router to claim the packet's downlink
 * on their shared counter sends it.
 */
import { AppError, err, ok, type Result } from '@cov/shared/errors';
import type { UplinkCopy } from '../uplink-copy';
import type { DownlinkRequest } from './downlink-request';
import type { DownlinkResult, DownlinkScheduler } from './downlink-scheduler';
import { rx1Window, rx2Window, type TxWindow } from './rx-windows';

export interface UplinkContext {
  packetId: string;
  routeId: string;
  orgId: string;
  /** What the device sent: a join-request is answered by a join-accept, a data uplink by a data downlink. */
  kind: 'uplink' | 'join';
  /** The data uplink's DevAddr (display hex); null for a join-request. */
  devAddr: string | null;
  /** Bought copies, strongest first. */
  copies: UplinkCopy[];
  /** Monotonic ms when the first copy arrived. */
  heardAt: number;
  /** A downlink for this uplink was scheduled through this context. */
  downlinkScheduled?: boolean;
}

export interface DownlinkAccepted {
  window: 'rx1' | 'rx2';
  hotspotAddress: string;
  gatewayEui: string;
  tmst: number;
  frequencyHz: number;
  dataRate: string;
}

/** Long enough for a join-accept's RX2 (6 s) plus a slow LNS; short enough to bound memory. */
export const UPLINK_CONTEXT_TTL_MS = 10_000;
/** A window is not attempted unless the PULL_RESP can reach the gateway this long before it opens. */
const SEND_MARGIN_MS = 50;

export class DownlinkService {
  private readonly contexts = new Map<string, UplinkContext[]>();
  private queue: { packetId: string; forgetAt: number }[] = [];
  private head = 0;

  constructor(
    private readonly scheduler: DownlinkScheduler,
    private readonly now: () => number,
    private readonly onResult?: (r: DownlinkResult) => void,
    /** Several routers: true when this router is the first to send a downlink for the packet (multi-buy-counter.ts). */
    private readonly claimShared?: (packetId: string) => Promise<boolean>,
  ) {}

  remember(ctx: UplinkContext): void {
    this.sweep();
    const list = this.contexts.get(ctx.packetId);
    if (list) list.push(ctx);
    else {
      this.contexts.set(ctx.packetId, [ctx]);
      this.queue.push({ packetId: ctx.packetId, forgetAt: ctx.heardAt + UPLINK_CONTEXT_TTL_MS });
    }
  }

  /** The org's context for a packet (on the given route, or its only route). */
  find(packetId: string, orgId: string, routeId?: string): UplinkContext | undefined {
    this.sweep();
    return this.contexts.get(packetId)?.find((c) => c.orgId === orgId && (routeId === undefined || c.routeId === routeId));
  }

  /**
   * Schedules a downlink answering `ctx`'s uplink. One per uplink, whichever route or org asks
   * first: a class A device opens its receive windows once per uplink, so a second downlink could
   * only collide with the first on the hotspot's radio (and spend its airtime).
   */
  async send(ctx: UplinkContext, request: DownlinkRequest): Promise<Result<DownlinkAccepted>> {
    const mismatch = answersNothing(ctx, request);
    if (mismatch !== undefined) return err(new AppError('downlinks.invalid_payload', mismatch, { field: 'payload' }));
    if (this.contexts.get(ctx.packetId)?.some((c) => c.downlinkScheduled) || ctx.downlinkScheduled) return alreadyScheduled();
    const elapsedMs = this.now() - ctx.heardAt;
    const reachable = ctx.copies.filter((c) => this.scheduler.canReach(c.hotspot.gatewayEui));
    const best = reachable[0];
    if (!best) return err(new AppError('downlinks.no_gateway', 'none of the hotspots that heard this packet can take a downlink (no PULL_DATA seen)'));
    const radio = { frequencyHz: best.frequencyHz, dataRate: best.dataRate, tmst: best.tmst, region: best.hotspot.region };
    const rx1 = rx1Window(radio, request.kind, request.rx1, request.powerDbm);
    const rx2 = request.rx2 === null ? null : rx2Window(radio, request.kind, request.rx2, rx1?.delayMs ?? request.rx1.delayMs, request.powerDbm);
    const windows = [rx1, rx2].filter((w): w is TxWindow => w !== null && w.delayMs > elapsedMs + SEND_MARGIN_MS);
    const first = windows[0];
    if (!first) {
      return err(new AppError('downlinks.too_late', `the receive windows of this packet have passed (${Math.round(elapsedMs)} ms after it was heard)`, { elapsedMs: Math.round(elapsedMs) }));
    }
    if (this.claimShared !== undefined) {
      // Taken before the wait, so that a second request for the packet meanwhile is refused here.
      ctx.downlinkScheduled = true;
      if (!(await this.claimShared(ctx.packetId))) return alreadyScheduled(' by another router');
    }
    if (!this.scheduler.schedule(best.hotspot.gatewayEui, request.payload, windows, this.onResult)) {
      ctx.downlinkScheduled = false;
      return err(new AppError('downlinks.no_gateway', 'the hotspot that heard this packet best cannot be reached'));
    }
    ctx.downlinkScheduled = true;
    return ok({ window: first.name, hotspotAddress: best.hotspotAddress, gatewayEui: best.hotspot.gatewayEui.toUpperCase(), tmst: first.tmst, frequencyHz: first.frequencyHz, dataRate: first.dataRate });
  }

  private sweep(): void {
    const now = this.now();
    while (this.head < this.queue.length && this.queue[this.head]!.forgetAt <= now) {
      this.contexts.delete(this.queue[this.head]!.packetId);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Why a downlink cannot answer this uplink, if it cannot: a class A device listens 1 s after a data
 * uplink and 5 s after a join-request, for a frame of its own DevAddr only, so any other answer
 * would spend the hotspot's airtime on nobody.
 */
function answersNothing(ctx: UplinkContext, request: DownlinkRequest): string | undefined {
  if (ctx.kind === 'join') return request.kind === 'join_accept' ? undefined : 'a join-request is answered by a join-accept, not a data downlink';
  if (request.kind === 'join_accept') return 'a data uplink is answered by a data downlink, not a join-accept';
  if (request.devAddr !== null && ctx.devAddr !== null && request.devAddr !== ctx.devAddr) {
    return `the downlink is for DevAddr ${request.devAddr}, the uplink came from ${ctx.devAddr}`;
  }
  return undefined;
}

function alreadyScheduled(where = ''): Result<DownlinkAccepted> {
  return err(new AppError('downlinks.already_scheduled', `a downlink was already scheduled for this uplink${where}; a class A device listens for one per uplink`));
}
