/**
 * The simulator's clocks. A simulation waits for simulated moments; how that maps to real time is
 * the clock's business:
 * - VirtualClock jumps straight to the next event (dry runs: no backend, as fast as the CPU goes);
 * - PacedClock follows a backend's clock: simulated time = an anchor plus real elapsed time times
 *   a speed, so events reach the backend when its own (possibly accelerated) clock says they
 *   happen. The demo hands the very ScaledClock the backend runs on.
 */
import { systemClock, type Clock } from '@cov/shared/clock';

export interface SimClock extends Clock {
  /** Resolves once simulated time has reached `simMs`. */
  sleepUntil(simMs: number): Promise<void>;
  readonly speed: number;
  readonly virtual: boolean;
}

export class VirtualClock implements SimClock {
  readonly speed = Infinity;
  readonly virtual = true;
  constructor(private currentMs: number) {}
  nowMs(): number {
    return this.currentMs;
  }
  sleepUntil(simMs: number): Promise<void> {
    if (simMs > this.currentMs) this.currentMs = simMs;
    return Promise.resolve();
  }
}

/** Real waits below this are skipped: timers cannot be that precise anyway. */
const MIN_SLEEP_REAL_MS = 2;

export class PacedClock implements SimClock {
  readonly virtual = false;
  private readonly realAnchorMs: number;

  constructor(
    private readonly simAnchorMs: number,
    readonly speed: number,
    private readonly base: Clock = systemClock,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.realAnchorMs = base.nowMs();
  }

  /** Follows an existing clock exactly (e.g. the demo backend's ScaledClock). */
  static following(clock: Clock, speed: number): SimClock {
    return {
      speed,
      virtual: false,
      nowMs: () => clock.nowMs(),
      sleepUntil: (simMs) => sleepReal((simMs - clock.nowMs()) / speed),
    };
  }

  nowMs(): number {
    return Math.floor(this.simAnchorMs + (this.base.nowMs() - this.realAnchorMs) * this.speed);
  }

  sleepUntil(simMs: number): Promise<void> {
    return sleepReal((simMs - this.nowMs()) / this.speed);
  }
}

function sleepReal(realMs: number): Promise<void> {
  if (!(realMs >= MIN_SLEEP_REAL_MS)) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, realMs));
}
