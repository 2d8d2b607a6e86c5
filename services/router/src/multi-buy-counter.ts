/**
 * The multi-buy counter several routers share, so that a packet heard through hotspots attached to
 * different routers is still bought at most `max_copies` times per route in all (Helium's packet
 * router asks a Multi Buy Service for the same reason; reference lorawan-routing.md, 3.4).
 *
 * One router alone needs none: its dedup window already buys only the first `max_copies`. With
 * several, each router claims the copies it means to buy before paying for them; the counter grants
 * what is left of the route's `max_copies` and the router buys only those.
 *
 * The counter lives in Redis: one small key per (packet, route), kept as long as a router still
 * treats a copy of the packet as a copy rather than a new packet, and updated atomically by a Lua
 * script. The claims of all purchases made in one turn of the event loop go in one script call (one
 * round trip): at thousands of packets a second a call per purchase cost the router about 40 µs of
 * CPU per packet and Redis 30 (BENCHMARKS.md, router).
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

/** The counter's answer to one claim. */
export interface MultiBuyGrant {
  /** Copies this router may buy now (0..wanted). */
  granted: number;
  /** Copies of the packet the route had bought before this claim, through any router (this one's earlier purchases too). */
  boughtBefore: number;
}

export interface MultiBuyCounter {
  /**
   * One grant per claim, in order. Never rejects: when the counter cannot answer, every claim is
   * granted in full with nothing bought before (fail open) and `onUnavailable` is told why.
   */
  claim(claims: readonly MultiBuyClaim[]): Promise<MultiBuyGrant[]>;
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
 * copies and max_copies. Returns per claim the copies granted and the count before it. Atomic, so
 * two routers claiming at once never grant more than max_copies between them.
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
  granted[2 * i - 1] = grant
  granted[2 * i] = have
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
  /** A purchase's claim could not be answered (Redis down or slow): it went on with the router's own count. Called per purchase. */
  onUnavailable(error: Error): void;
}

type ClaimCommand = (numKeys: number, ...args: (string | number)[]) => Promise<number[]>;

/** Claims waiting for the next script call, with where their answers go. */
interface PendingClaims {
  claims: readonly MultiBuyClaim[];
  resolve(grants: MultiBuyGrant[]): void;
}

/** Keys per script call at most: a burst's claims go in several calls rather than one huge one. */
const MAX_KEYS_PER_CALL = 1000;

export class RedisMultiBuyCounter implements MultiBuyCounter {
  private readonly redis: Redis;
  private readonly run: ClaimCommand;
  private pending: PendingClaims[] = [];
  private flushScheduled = false;
  private readonly flush = (): void => this.flushPending();

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

  claim(claims: readonly MultiBuyClaim[]): Promise<MultiBuyGrant[]> {
    return new Promise((resolve) => {
      this.pending.push({ claims, resolve });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      // After the I/O callbacks of this loop turn: every purchase their datagrams set off goes in the same call.
      setImmediate(this.flush);
    });
  }

  private flushPending(): void {
    this.flushScheduled = false;
    const all = this.pending;
    this.pending = [];
    let from = 0;
    while (from < all.length) {
      let keys = 0;
      let to = from;
      while (to < all.length && (to === from || keys + all[to]!.claims.length <= MAX_KEYS_PER_CALL)) keys += all[to++]!.claims.length;
      void this.call(all.slice(from, to), keys);
      from = to;
    }
  }

  /** One script call for several purchases' claims; each purchase gets its own grants back. Never rejects. */
  private async call(batch: readonly PendingClaims[], keys: number): Promise<void> {
    const args: (string | number)[] = [];
    for (const p of batch) for (const c of p.claims) args.push(multiBuyKey(this.options.prefix, c.packetId, c.routeId));
    args.push(this.options.keepMs);
    for (const p of batch) for (const c of p.claims) args.push(c.wanted, c.maxCopies);
    let answer: number[] | undefined;
    try {
      answer = await this.run(keys, ...args);
    } catch (e) {
      for (let n = 0; n < batch.length; n++) this.options.onUnavailable(e as Error); // once per purchase made without the counter
    }
    let i = 0;
    for (const p of batch) {
      p.resolve(
        p.claims.map((c) => {
          if (answer === undefined) return { granted: c.wanted, boughtBefore: 0 };
          const granted = Math.min(c.wanted, Math.max(0, Number(answer[i] ?? 0)));
          const boughtBefore = Math.max(0, Number(answer[i + 1] ?? 0));
          i += 2;
          return { granted, boughtBefore };
        }),
      );
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
