/**
 * The multi-buy counter several routers share, so that a packet heard through hotspots attached to
 * different routers is still bought at most `max_copies` times per route in all (Helium's packet
 * router asks a Multi Buy Service for the same reason; reference lorawan-routing.md, 3.4).
 *
 * One router alone needs none: its dedup window already buys only the first `max_copies`. With
 * several, each router claims the copies it means to buy before paying for them; the counter grants
 * what is left of the route's `max_copies` and the router buys only those.
 *
 * The counter lives in Redis: one small key per (packet, route), updated by one Lua script per
 * purchase (every route of the purchase in one round trip, atomically), kept as long as a router
 * still treats a copy of the packet as a copy rather than a new packet.
 *
 * When Redis cannot answer in time the purchase goes on with what this router's own count allows
 * (fail open, as Helium's packet router does): packets keep flowing and paid copies stay paid and
 * rewarded; the price is that a packet heard through two routers during the outage may be bought
 * up to twice `max_copies`, which is what happens without a counter.
 */
import { Redis } from 'ioredis';

export interface MultiBuyClaim {
  /** SHA-256 of the PHYPayload, hex. */
  packetId: string;
  routeId: string;
  /** Copies this router means to buy now. */
  wanted: number;
  /** The route's (or session-key filter's) max_copies for this packet. */
  maxCopies: number;
}

export interface MultiBuyCounter {
  /**
   * Copies granted per claim, in order (0..wanted). Never rejects: when the counter cannot answer,
   * every claim is granted in full (fail open) and `onUnavailable` is told why.
   */
  claim(claims: readonly MultiBuyClaim[]): Promise<number[]>;
  /**
   * Whether this router may send the one downlink of a packet (true for the first router to ask).
   * Routers that each forwarded copies of the packet may each get an answer with a downlink; the
   * device listens for one. Never rejects: fails open (true) like `claim`.
   */
  claimDownlink(packetId: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * KEYS: one counter per claim. ARGV[1]: time to keep a counter (ms); then per claim its wanted
 * copies and max_copies. Returns the copies granted per claim. Atomic, so two routers claiming at
 * once never grant more than max_copies between them.
 */
const CLAIM_SCRIPT = `
local keepMs = tonumber(ARGV[1])
local granted = {}
for i, key in ipairs(KEYS) do
  local wanted = tonumber(ARGV[2 * i])
  local maxCopies = tonumber(ARGV[2 * i + 1])
  local have = tonumber(redis.call('GET', key) or '0')
  local grant = math.max(0, math.min(wanted, maxCopies - have))
  if grant > 0 then redis.call('SET', key, have + grant, 'PX', keepMs) end
  granted[i] = grant
end
return granted
`;

/** A packet's counters share a hash tag, so that one script's keys sit on one slot of a Redis Cluster. */
export function multiBuyKey(prefix: string, packetId: string, routeId: string): string {
  return `${prefix}:multibuy:{${packetId}}:${routeId}`;
}

/** Set by the router that sends a packet's downlink. */
export function downlinkClaimKey(prefix: string, packetId: string): string {
  return `${prefix}:multibuy:{${packetId}}:downlink`;
}

export interface RedisMultiBuyCounterOptions {
  url: string;
  /** Key prefix (the deployment's QUEUE_PREFIX): several deployments may share one Redis. */
  prefix: string;
  /** How long a claim may take before the purchase goes on without it. */
  timeoutMs: number;
  /** How long a packet's counters are kept (the router's late-copy memory: after that a copy is a new packet). */
  keepMs: number;
  /** A claim could not be answered (Redis down or slow): the purchase went on with the router's own count. */
  onUnavailable(error: Error): void;
}

type ClaimCommand = (numKeys: number, ...args: (string | number)[]) => Promise<number[]>;

export class RedisMultiBuyCounter implements MultiBuyCounter {
  private readonly redis: Redis;
  private readonly run: ClaimCommand;

  constructor(private readonly options: RedisMultiBuyCounterOptions) {
    this.redis = new Redis(options.url, {
      // A claim must fail at once while Redis is unreachable, not wait in a queue for a reconnection:
      // the packet's window is closing. The client goes on reconnecting in the background.
      enableOfflineQueue: false,
      commandTimeout: options.timeoutMs,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    });
    // Connection errors surface as failed claims (counted there); without a listener ioredis would log each one.
    this.redis.on('error', () => {});
    this.redis.defineCommand('multiBuyClaim', { lua: CLAIM_SCRIPT });
    this.run = (this.redis as unknown as { multiBuyClaim: ClaimCommand }).multiBuyClaim.bind(this.redis);
  }

  /** Connects now (the first claims would otherwise find no connection); an unreachable Redis is not fatal. */
  async connect(): Promise<boolean> {
    try {
      await this.redis.connect();
      return true;
    } catch (e) {
      this.options.onUnavailable(e as Error);
      return false;
    }
  }

  async claim(claims: readonly MultiBuyClaim[]): Promise<number[]> {
    const args: (string | number)[] = [];
    for (const c of claims) args.push(multiBuyKey(this.options.prefix, c.packetId, c.routeId));
    args.push(this.options.keepMs);
    for (const c of claims) args.push(c.wanted, c.maxCopies);
    try {
      const granted = await this.run(claims.length, ...args);
      return claims.map((c, i) => Math.min(c.wanted, Math.max(0, Number(granted[i] ?? 0))));
    } catch (e) {
      this.options.onUnavailable(e as Error);
      return claims.map((c) => c.wanted);
    }
  }

  async claimDownlink(packetId: string): Promise<boolean> {
    try {
      const set = await this.redis.set(downlinkClaimKey(this.options.prefix, packetId), '1', 'PX', this.options.keepMs, 'NX');
      return set === 'OK';
    } catch (e) {
      this.options.onUnavailable(e as Error);
      return true;
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
