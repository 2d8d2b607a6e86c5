/**
 * Collects the copies of one packet heard by many hotspots. The first copy opens a window of
 * `windowMs`; copies arriving while it is open join it; when it closes the packet is handed on
 * once, with every copy in arrival order. Copies arriving after that (backhaul lag, a slow
 * forwarder) are reported as late for `lateMemoryMs` so they are not mistaken for a new packet.
 *
 * Every window has the same length, so windows close in the order they opened: one FIFO and one
 * timer serve them all, whatever the packet rate. Time is a monotonic clock (scheduling, not a
 * recorded timestamp) and timers are injectable for tests.
 */

export interface Scheduler {
  /** Monotonic milliseconds. */
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface WindowCopy {
  /** Copies from one hotspot count once: a forwarder repeating a datagram must not be bought twice. */
  hotspotAddress: string;
}

export interface ClosedPacket<C, F> {
  key: string;
  frame: F;
  /** Distinct hotspots' copies in arrival order (at most `maxCopiesKept`). */
  copies: C[];
  /** Monotonic time the first copy arrived. */
  openedAt: number;
}

export type AddOutcome = 'opened' | 'joined' | 'duplicate' | 'late';

interface OpenPacket<C, F> extends ClosedPacket<C, F> {
  closesAt: number;
  /**
   * Hotspots heard beyond the kept copies. Most packets are heard by a handful of hotspots, found
   * by scanning `copies`; a set per packet would be one more allocation for every packet in the
   * window, which the garbage collector copies at every young-generation pass.
   */
  extraHotspots: Set<string> | undefined;
}

export interface DedupWindowOptions<C, F> {
  windowMs: number;
  lateMemoryMs: number;
  /** Copies kept per packet; more are counted as heard but not kept (bounds memory under floods). */
  maxCopiesKept: number;
  scheduler?: Scheduler;
  onClose(packet: ClosedPacket<C, F>): void;
}

function heardFrom(packet: OpenPacket<WindowCopy, unknown>, hotspotAddress: string): boolean {
  for (const c of packet.copies) if (c.hotspotAddress === hotspotAddress) return true;
  return packet.extraHotspots?.has(hotspotAddress) ?? false;
}

export class DedupWindow<C extends WindowCopy, F> {
  private readonly open = new Map<string, OpenPacket<C, F>>();
  private queue: OpenPacket<C, F>[] = [];
  private head = 0;
  private timer: unknown;
  private timerAt = Infinity;
  private readonly closed = new Map<string, number>();
  private closedQueue: { key: string; forgetAt: number }[] = [];
  private closedHead = 0;
  private readonly scheduler: Scheduler;

  constructor(private readonly options: DedupWindowOptions<C, F>) {
    this.scheduler = options.scheduler ?? realScheduler;
  }

  get openCount(): number {
    return this.open.size;
  }

  add(key: string, copy: C, frame: F): AddOutcome {
    const existing = this.open.get(key);
    if (existing) {
      if (heardFrom(existing, copy.hotspotAddress)) return 'duplicate';
      if (existing.copies.length < this.options.maxCopiesKept) existing.copies.push(copy);
      else (existing.extraHotspots ??= new Set()).add(copy.hotspotAddress);
      return 'joined';
    }
    const now = this.scheduler.now();
    this.forgetClosed(now);
    if (this.closed.has(key)) return 'late';
    const packet: OpenPacket<C, F> = { key, frame, copies: [copy], openedAt: now, closesAt: now + this.options.windowMs, extraHotspots: undefined };
    this.open.set(key, packet);
    this.queue.push(packet);
    this.arm(packet.closesAt);
    return 'opened';
  }

  /** Closes every open window now (shutdown), handing each packet on. */
  flushAll(): void {
    this.closeDue(Infinity);
  }

  stop(): void {
    if (this.timer !== undefined) this.scheduler.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private arm(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) this.scheduler.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.scheduler.setTimer(() => this.fire(), Math.max(0, at - this.scheduler.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    this.closeDue(this.scheduler.now());
    const next = this.queue[this.head];
    if (next) this.arm(next.closesAt);
  }

  private closeDue(now: number): void {
    while (this.head < this.queue.length) {
      const packet = this.queue[this.head]!;
      if (packet.closesAt > now) break;
      this.queue[this.head] = undefined as never;
      this.head++;
      this.open.delete(packet.key);
      if (this.options.lateMemoryMs > 0) {
        const forgetAt = packet.closesAt + this.options.lateMemoryMs;
        this.closed.set(packet.key, forgetAt);
        this.closedQueue.push({ key: packet.key, forgetAt });
      }
      this.options.onClose({ key: packet.key, frame: packet.frame, copies: packet.copies, openedAt: packet.openedAt });
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private forgetClosed(now: number): void {
    while (this.closedHead < this.closedQueue.length) {
      const entry = this.closedQueue[this.closedHead]!;
      if (entry.forgetAt > now) break;
      if (this.closed.get(entry.key) === entry.forgetAt) this.closed.delete(entry.key);
      this.closedHead++;
    }
    if (this.closedHead > 1024 && this.closedHead * 2 > this.closedQueue.length) {
      this.closedQueue = this.closedQueue.slice(this.closedHead);
      this.closedHead = 0;
    }
  }
}
