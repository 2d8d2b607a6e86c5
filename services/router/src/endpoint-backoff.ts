/**
 * Per-route error back-off for device makers' endpoints, as Helium's packet router does (reference
 * §3.3: a route in error back-off is skipped; the back-off grows exponentially and a success
 * resets it).
 *
 * Why: a copy is paid before it is forwarded. While an endpoint is down, every packet on its route
 * would be bought, its DC burned, and the delivery fail. During a back-off the route's packets are
 * not bought at all (drop reason `endpoint_backoff`, in the route's stats and packet log), so a
 * device maker whose server is down does not keep paying for packets it cannot take. Hotspots are
 * not paid for them either, exactly as with HPR.
 *
 * The rules:
 * - A back-off starts after `failuresBeforeBackoff` failed deliveries in a row (no success in
 *   between), so one refused request or timeout does not cut a route off.
 * - It lasts `baseMs`, then packets are bought and sent again. If one of those fails too, the next
 *   back-off starts at once and lasts twice as long, up to `maxMs`.
 * - Any success ends the episode: the route starts again from zero.
 * - A failure of a delivery that started before the back-off ended (packets already bought or in
 *   flight when the endpoint went down) is part of the failures that started it: it neither counts
 *   nor lengthens it.
 *
 * State lives in the router process (like the dedup windows) and only for routes that failed:
 * a route id and three numbers.
 */

export interface EndpointBackoffOptions {
  /** First back-off; 0 turns back-off off (every packet is bought and sent whatever happened before). */
  baseMs: number;
  /** Longest back-off. */
  maxMs: number;
  /** Failed deliveries in a row before the first back-off (1: the first failure starts it). */
  failuresBeforeBackoff: number;
  /** A back-off started; `error` is what the failure that started it got. */
  onBackoff?(routeId: string, backoff: { delayMs: number; level: number; error: string }): void;
  /** The endpoint took a packet after one or more back-offs: the outage is over. */
  onRecovered?(routeId: string): void;
}

interface RouteFailures {
  /** Failures counted since the last back-off ended (or since the last success). */
  failures: number;
  /** Back-offs in this episode (0 until the first); the next one lasts baseMs * 2^level. */
  level: number;
  /** Monotonic ms: the current (or last) back-off ends. Deliveries started before this do not count. */
  untilMs: number;
}

/** What a counted failure led to. */
export type FailureEffect = { backoff: false } | { backoff: true; delayMs: number; level: number };

export class EndpointBackoff {
  private readonly routes = new Map<string, RouteFailures>();

  constructor(private readonly options: EndpointBackoffOptions) {}

  /** True while the route's endpoint is backed off: its packets are not bought. */
  isBackingOff(routeId: string, nowMs: number): boolean {
    if (this.routes.size === 0) return false; // the usual case: no failures anywhere, no lookup
    const r = this.routes.get(routeId);
    return r !== undefined && nowMs < r.untilMs;
  }

  /**
   * A delivery to the route's endpoint failed with `error`. `startedAtMs`: when that delivery was
   * sent (monotonic), to tell failures of the current outage already counted from new ones.
   */
  failed(routeId: string, startedAtMs: number, nowMs: number, error = 'error'): FailureEffect {
    const { baseMs, maxMs, failuresBeforeBackoff } = this.options;
    if (baseMs <= 0) return { backoff: false };
    let r = this.routes.get(routeId);
    if (r === undefined) {
      r = { failures: 0, level: 0, untilMs: -Infinity };
      this.routes.set(routeId, r);
    }
    if (startedAtMs < r.untilMs) return { backoff: false };
    r.failures++;
    // After a first back-off the episode is not over until a success: one more failure is enough.
    if (r.level === 0 && r.failures < failuresBeforeBackoff) return { backoff: false };
    const delayMs = backoffDelayMs(baseMs, maxMs, r.level);
    r.level++;
    r.failures = 0;
    r.untilMs = nowMs + delayMs;
    this.options.onBackoff?.(routeId, { delayMs, level: r.level, error });
    return { backoff: true, delayMs, level: r.level };
  }

  /** A delivery to the route's endpoint succeeded: the episode is over. */
  succeeded(routeId: string): void {
    if (this.routes.size === 0) return;
    const r = this.routes.get(routeId);
    if (r === undefined) return;
    this.routes.delete(routeId);
    if (r.level > 0) this.options.onRecovered?.(routeId);
  }

  /** Routes with failures on record (monitoring). */
  get routesWithFailures(): number {
    return this.routes.size;
  }

  /** Routes backed off right now (monitoring). */
  backingOffCount(nowMs: number): number {
    let n = 0;
    for (const r of this.routes.values()) if (nowMs < r.untilMs) n++;
    return n;
  }
}

/** The n-th back-off of an episode (level 0 is the first): base doubled per level, capped. */
export function backoffDelayMs(baseMs: number, maxMs: number, level: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(level, 40));
}
