/**
 * Settles route decisions in batches: one statement checks the orgs' balances, burns the DC of
 * every decision that can be paid and journals the batch (burn-store.ts). A decision's promise
 * resolves only after that commit, and the router forwards only decisions resolved 'forwarded',
 * so a copy is never forwarded with its burn still in memory: a crash never forwards an unpaid
 * copy (it can leave a paid one unforwarded, as the router buys before a window closes).
 *
 * One batch is in flight at a time. When none is, a batch starts as soon as the router has
 * submitted the packets the dedup window closed at one moment (`startNow`), or else at the end of
 * the current event-loop turn (purchases made as copies arrive), so the decisions of one moment
 * go together; packets arriving while one is in flight form the next batch, which starts as soon
 * as the previous one commits, so batches grow with load instead of transactions queueing up.
 *
 * Most purchases are made well before their packet's window closes, so their commit has time to
 * spare. Such a decision is submitted with the time its batch must start by, and with `gatherMs`
 * set the batch waits up to that long after the first of them for others to join, unless a start-by
 * time comes first: at moderate rates a transaction per two or three packets becomes one per dozens,
 * which costs PostgreSQL and the router far less CPU. A decision without one (its window has closed)
 * starts the batch at once, taking along whatever is gathered.
 */
import type { Logger } from '@cov/shared/logger';
import type { RouteDecision, RouteOutcome } from './route-decision';

export interface DropCount {
  routeId: string;
  orgId: string;
  day: string;
  reason: string;
  count: number;
}

/**
 * Copies of a packet heard after its copies were bought: the router buys as soon as it holds as
 * many copies as its routes may buy, without waiting for the window to close, so the packet's
 * decision was journaled with the copies heard until then. Settling adds these to the packet
 * log's copies heard and, when the packet was forwarded, to the route's copy_over_max drops.
 */
export interface LateCopies {
  packetId: string;
  routeId: string;
  orgId: string;
  /** The packet's first copy (epoch ms), as in its decision: it finds the packet log row and the stats day. */
  receivedAtMs: number;
  count: number;
  forwarded: boolean;
  /**
   * A paid packet its endpoint did not take (count 0): its packet log row's status becomes
   * endpoint_error, so the device maker sees which packets its server missed, not only how many.
   */
  endpointError?: boolean;
}

export interface BurnBatch {
  decisions: RouteDecision[];
  /** Drops counted after forwarding (endpoint errors) or at copy level, for the route stats. */
  drops: DropCount[];
  lateCopies: LateCopies[];
  nowMs: number;
}

export interface BurnStore {
  /** Commits the batch; returns one outcome per decision, in order. Throws if nothing was committed. */
  commit(batch: BurnBatch): Promise<RouteOutcome[]>;
}

export interface BurnBatcherOptions {
  store: BurnStore;
  maxDecisions: number;
  nowMs: () => number;
  logger: Logger;
  /** How long a batch waits for more work after its first, unless a start-by time comes first (0: no wait). */
  gatherMs?: number;
  /** Monotonic ms, the clock of the start-by times (the router gives the dedup window's). */
  monotonicMs?: () => number;
  onCommitted?(batch: BurnBatch, outcomes: RouteOutcome[], seconds: number): void;
}

interface Pending {
  decision: RouteDecision;
  resolve(outcome: RouteOutcome): void;
}

export class BurnBatcher {
  private pending: Pending[] = [];
  private drops = new Map<string, DropCount>();
  private lateCopies: LateCopies[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private gatherTimer: NodeJS.Timeout | undefined;
  /** Monotonic time of the first work waiting for the next batch (undefined: none waits). */
  private waitingSince: number | undefined;
  /** The earliest time a waiting decision's batch must start by (monotonic ms; -Infinity: at once). */
  private startBy = Infinity;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private readonly gatherMs: number;
  private readonly monotonicMs: () => number;

  constructor(private readonly options: BurnBatcherOptions) {
    this.gatherMs = options.gatherMs ?? 0;
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * `startByMs` (monotonic): the latest its batch may start for the commit to be in time (its
   * packet's window close, less time for the commit); absent, the batch starts at once.
   */
  submit(decision: RouteDecision, startByMs = -Infinity): Promise<RouteOutcome> {
    if (this.stopped) return Promise.resolve('burn_failed');
    return new Promise((resolve) => {
      this.pending.push({ decision, resolve });
      if (startByMs < this.startBy) {
        this.startBy = startByMs;
        // An earlier start than the gathering timer's: set it again.
        if (this.gatherTimer) clearTimeout(this.gatherTimer);
        this.gatherTimer = undefined;
      }
      this.schedule();
    });
  }

  countDrop(drop: DropCount): void {
    if (drop.count <= 0) return;
    const key = `${drop.routeId}|${drop.day}|${drop.reason}`;
    const existing = this.drops.get(key);
    if (existing) existing.count += drop.count;
    else this.drops.set(key, { ...drop });
    if (!this.stopped) this.schedule();
  }

  /** Rides with the next batch, like the drops: recorded, never waited for. */
  countLateCopies(late: LateCopies): void {
    if (late.count <= 0) return;
    this.lateCopies.push(late);
    if (!this.stopped) this.schedule();
  }

  /**
   * A paid packet whose delivery failed, for its packet log row. It goes with the late copies (a
   * fact about one packet on one route, learnt after its purchase, settled after it) as one with
   * no copies, so the journal needs no other column.
   */
  countDeliveryFailure(packet: Pick<LateCopies, 'packetId' | 'routeId' | 'orgId' | 'receivedAtMs'>): void {
    this.lateCopies.push({ ...packet, count: 0, forwarded: false, endpointError: true });
    if (!this.stopped) this.schedule();
  }

  /**
   * Starts the pending decisions' batch now if none is in flight, rather than at the end of the
   * event-loop turn: the router calls it once the packets due at one moment are all submitted, so
   * they still go together, and their batch does not wait for the datagrams the turn reads first.
   */
  startNow(): void {
    if (!this.inFlight && !this.stopped && this.pending.length > 0 && (this.gatherMs === 0 || this.startBy <= this.monotonicMs())) this.startFlush();
  }

  /** Commits everything pending (and waits for a batch in flight). */
  async flush(): Promise<void> {
    while (this.inFlight || this.hasWork()) {
      if (this.inFlight) await this.inFlight;
      else this.startFlush();
    }
  }

  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    if (this.gatherTimer) clearTimeout(this.gatherTimer);
    this.scheduled = this.gatherTimer = undefined;
  }

  private hasWork(): boolean {
    return this.pending.length > 0 || this.drops.size > 0 || this.lateCopies.length > 0;
  }

  private schedule(): void {
    this.waitingSince ??= this.monotonicMs();
    if (this.inFlight) return; // the batch in flight starts the next one when it commits
    if (this.pending.length >= this.options.maxDecisions) {
      this.startFlush();
      return;
    }
    const waitMs = Math.min(this.waitingSince + this.gatherMs, this.startBy) - this.monotonicMs();
    if (waitMs <= 0) {
      this.scheduled ??= setImmediate(() => {
        this.scheduled = undefined;
        this.startFlush();
      });
      return;
    }
    this.gatherTimer ??= setTimeout(() => {
      this.gatherTimer = undefined;
      this.startFlush();
    }, waitMs);
  }

  private startFlush(): void {
    if (this.inFlight) return;
    this.clearTimers();
    if (!this.hasWork()) return;
    const batchPending = this.pending.splice(0, this.options.maxDecisions);
    // What a full batch leaves behind waits from now, and starts as early as anything taken had to.
    this.waitingSince = this.pending.length > 0 ? this.monotonicMs() : undefined;
    if (this.pending.length === 0) this.startBy = Infinity;
    const drops = [...this.drops.values()];
    this.drops = new Map();
    const lateCopies = this.lateCopies;
    this.lateCopies = [];
    const batch: BurnBatch = { decisions: batchPending.map((p) => p.decision), drops, lateCopies, nowMs: this.options.nowMs() };
    const started = performance.now();
    this.inFlight = this.options.store
      .commit(batch)
      .then(
        (outcomes) => {
          this.options.onCommitted?.(batch, outcomes, (performance.now() - started) / 1000);
          batchPending.forEach((p, i) => p.resolve(outcomes[i] ?? 'burn_failed'));
        },
        (e: unknown) => {
          // Not committed, so nothing was paid: none of these packets may be forwarded.
          this.options.logger.error({ err: e, decisions: batch.decisions.length }, 'burn batch failed; its packets are dropped');
          batchPending.forEach((p) => p.resolve('burn_failed'));
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        if (this.hasWork()) this.schedule();
      });
  }
}
