/**
 * Collects the copies of one packet heard by many hotspots. The first copy opens a window of
 * `windowMs`; copies arriving while it is open join it; when it closes the packet is handed on
 * once, with every copy in arrival order. Copies arriving after that (backhaul lag, a slow
 * forwarder) are reported as late for `lateMemoryMs` so they are not mistaken for a new packet.
 *
 * Every window has the same length, so windows close in the order they opened: one FIFO and one
 * timer serve them all, whatever the packet rate. The same holds for the optional call a fixed
 * time before each close (`closingSoonMs`): a second cursor into the same FIFO. Time is a
 * monotonic clock (scheduling, not a recorded timestamp) and timers are injectable for tests.
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
  /**
   * After a copy was kept (the first one opened the window, or a later one joined it), with the
   * packet so far: the router buys copies as soon as it has all it may buy, without waiting for the close.
   */
  onCopyKept?(packet: ClosedPacket<C, F>): void;
  /** After the packets due at one moment were handed to onClose (to act on them together). */
  onClosedDue?(): void;
  /**
   * How long before its close a packet is handed to `onClosingSoon`, once (0 or absent: never).
   * The router buys then, so the burn commits while the window is still open. A packet closed
   * before its call was due (a flush) is not handed to it.
   */
  closingSoonMs?: number;
  onClosingSoon?(packet: ClosedPacket<C, F>): void;
}

function heardFrom(packet: OpenPacket<WindowCopy, unknown>, hotspotAddress: string): boolean {
  for (const c of packet.copies) if (c.hotspotAddress === hotspotAddress) return true;
  return packet.extraHotspots?.has(hotspotAddress) ?? false;
}

export class DedupWindow<C extends WindowCopy, F> {
  private readonly open = new Map<string, OpenPacket<C, F>>();
  private queue: OpenPacket<C, F>[] = [];
  private head = 0;
  /** Next packet of `queue` to hand to onClosingSoon; never behind `head`. */
  private soonHead = 0;
  private readonly soonMs: number;
  private timer: unknown;
  private timerAt = Infinity;
  /**
   * Keys of closed packets still remembered. A set, not a map to the forget time: a number value
   * would be one more heap object per packet kept for `lateMemoryMs` (10 s: 160,000 at 16,000
   * packets/s) for young-generation collections to copy and full ones to mark. A key is in the
   * queue below at most once while remembered, since a remembered key never opens again.
   */
  private readonly closed = new Set<string>();
  /** Closed keys and when to forget them, oldest first: two flat arrays (the times unboxed) rather than an object per packet. */
  private closedKeys: string[] = [];
  private closedForgetAt: number[] = [];
  private closedHead = 0;
  private readonly scheduler: Scheduler;

  constructor(private readonly options: DedupWindowOptions<C, F>) {
    this.scheduler = options.scheduler ?? realScheduler;
    this.soonMs = options.onClosingSoon && options.closingSoonMs !== undefined && options.closingSoonMs > 0 ? options.closingSoonMs : 0;
  }

  get openCount(): number {
    return this.open.size;
  }

  add(key: string, copy: C, frame: F): AddOutcome {
    const existing = this.open.get(key);
    if (existing) return this.joinOpen(existing, copy);
    const now = this.scheduler.now();
    this.forgetClosed(now);
    if (this.closed.has(key)) return 'late';
    const packet: OpenPacket<C, F> = { key, frame, copies: [copy], openedAt: now, closesAt: now + this.options.windowMs, extraHotspots: undefined };
    this.open.set(key, packet);
    this.queue.push(packet);
    this.arm(this.soonMs > 0 ? this.soonAt(packet) : packet.closesAt);
    this.options.onCopyKept?.(packet);
    return 'opened';
  }

  /**
   * Adds a copy to a packet known to be open (its key came from a window not yet closed): the
   * intake's shortcut for copies whose payload text matches the first copy's.
   */
  join(key: string, copy: C): AddOutcome | undefined {
    const existing = this.open.get(key);
    return existing ? this.joinOpen(existing, copy) : undefined;
  }

  private joinOpen(existing: OpenPacket<C, F>, copy: C): AddOutcome {
    if (heardFrom(existing, copy.hotspotAddress)) return 'duplicate';
    if (existing.copies.length < this.options.maxCopiesKept) {
      existing.copies.push(copy);
      this.options.onCopyKept?.(existing);
    } else (existing.extraHotspots ??= new Set()).add(copy.hotspotAddress);
    return 'joined';
  }

  /**
   * Closes the windows already due, if any. The timer alone closes a window up to 1-1.5 ms late
   * (Node timers have millisecond granularity, and at a packet every half millisecond the next
   * deadline is always less than one away); the router also calls this as each datagram arrives,
   * so under load windows close within a datagram's interval of their deadline, never before it.
   */
  closeDueNow(): void {
    const head = this.queue[this.head];
    if (head === undefined) return;
    const now = this.scheduler.now();
    if (this.soonMs > 0) {
      const soon = this.queue[this.soonHead];
      if (soon !== undefined && this.soonAt(soon) <= now) this.closingSoonDue(now);
    }
    if (head.closesAt <= now) this.closeDue(now);
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
    const now = this.scheduler.now();
    if (this.soonMs > 0) this.closingSoonDue(now);
    this.closeDue(now);
    const next = this.queue[this.head];
    if (next === undefined) return;
    const soon = this.soonMs > 0 ? this.queue[this.soonHead] : undefined;
    this.arm(soon === undefined ? next.closesAt : Math.min(next.closesAt, this.soonAt(soon)));
  }

  /** When a packet is handed to onClosingSoon: `closingSoonMs` before its close, not before it opened. */
  private soonAt(packet: OpenPacket<C, F>): number {
    return Math.max(packet.openedAt, packet.closesAt - this.soonMs);
  }

  private closingSoonDue(now: number): void {
    while (this.soonHead < this.queue.length) {
      const packet = this.queue[this.soonHead]!;
      if (this.soonAt(packet) > now) break;
      this.soonHead++;
      this.options.onClosingSoon!(packet);
    }
  }

  private closeDue(now: number): void {
    const before = this.head;
    while (this.head < this.queue.length) {
      const packet = this.queue[this.head]!;
      if (packet.closesAt > now) break;
      this.queue[this.head] = undefined as never;
      this.head++;
      if (this.soonHead < this.head) this.soonHead = this.head;
      this.open.delete(packet.key);
      if (this.options.lateMemoryMs > 0) {
        const forgetAt = packet.closesAt + this.options.lateMemoryMs;
        this.closed.add(packet.key);
        this.closedKeys.push(packet.key);
        this.closedForgetAt.push(forgetAt);
      }
      // The open packet itself is handed on (it is a ClosedPacket): no copy of it per packet.
      this.options.onClose(packet);
    }
    if (this.head > before) this.options.onClosedDue?.();
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.soonHead -= this.head;
      this.head = 0;
    }
  }

  private forgetClosed(now: number): void {
    while (this.closedHead < this.closedKeys.length) {
      const forgetAt = this.closedForgetAt[this.closedHead]!;
      if (forgetAt > now) break;
      this.closed.delete(this.closedKeys[this.closedHead]!);
      this.closedKeys[this.closedHead] = undefined as never;
      this.closedHead++;
    }
    if (this.closedHead > 1024 && this.closedHead * 2 > this.closedKeys.length) {
      this.closedKeys = this.closedKeys.slice(this.closedHead);
      this.closedForgetAt = this.closedForgetAt.slice(this.closedHead);
      this.closedHead = 0;
    }
  }
}
