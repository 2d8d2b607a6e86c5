/**
 * Injectable clock. Domain code never calls Date.now(): it asks a Clock, so tests pin time and the
 * demo can run the whole network on accelerated simulated time. All times are UTC epoch
 * milliseconds.
 */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  private currentMs: number;
  constructor(startMs: number) {
    this.currentMs = startMs;
  }
  nowMs(): number {
    return this.currentMs;
  }
  set(ms: number): void {
    this.currentMs = ms;
  }
  advance(ms: number): void {
    this.currentMs += ms;
  }
}

/**
 * Simulated time running `speed` times faster than real time from `simStartMs`; the demo uses it
 * to run a simulated day in a few real minutes. Reads the real clock through `base` so it stays
 * injectable itself.
 */
export class ScaledClock implements Clock {
  private readonly realStartMs: number;
  constructor(
    private readonly simStartMs: number,
    private readonly speed: number,
    private readonly base: Clock = systemClock,
  ) {
    this.realStartMs = base.nowMs();
  }
  nowMs(): number {
    return Math.floor(this.simStartMs + (this.base.nowMs() - this.realStartMs) * this.speed);
  }
  /** Real milliseconds until simulated time reaches `simMs` (0 if already past). */
  realDelayUntil(simMs: number): number {
    return Math.max(0, (simMs - this.nowMs()) / this.speed);
  }
}
