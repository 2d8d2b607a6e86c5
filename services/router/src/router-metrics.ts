/**
 * The router's Prometheus counters. Every datagram or packet the router does not carry through is
 * counted under `cov_router_dropped_total{reason}` with a stable reason (README.md lists them), so
 * a flood of junk shows up on /metrics without anything being logged above debug.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type DropReason =
  // datagram level (gwmp.malformed details.reason, plus what a valid datagram can still be)
  | 'bad_version'
  | 'truncated'
  | 'bad_json'
  | 'unknown_type'
  | 'bad_field'
  | 'unknown_gateway'
  | 'gateway_denied'
  | 'gateway_throttled'
  | 'unexpected_type'
  | 'internal_error'
  // packet level
  | 'crc_failed'
  | 'bad_payload'
  | 'lorawan_malformed'
  | 'not_uplink'
  | 'no_route'
  | 'invalid_mic'
  | 'duplicate_copy'
  | 'late_copy'
  // route level (also in the route's stats)
  | 'route_inactive'
  | 'route_locked'
  | 'insufficient_dc'
  | 'copy_over_max'
  | 'burn_failed'
  | 'endpoint_error'
  | 'endpoint_backoff';

/** Increments counted in plain numbers between scrapes; the counter takes them when it is collected. */
interface Tally {
  labels: Record<string, string>;
  n: number;
}

export class RouterMetrics {
  readonly datagrams: Counter<'type'>;
  readonly dropped: Counter<'reason'>;
  readonly packets: Counter<'kind'>;
  readonly copiesBought: Counter;
  readonly dcBurned: Counter;
  readonly forwarded: Counter<'protocol' | 'outcome'>;
  readonly downlinks: Counter<'outcome'>;
  readonly flushSeconds: Histogram;
  readonly settleSeconds: Histogram;
  readonly addedDelaySeconds: Histogram;
  readonly gwmpKernelDrops: Counter;
  readonly openWindows: Gauge;
  readonly endpointBackoffs: Counter;
  readonly endpointsBackingOff: Gauge;
  readonly multiBuyDenied: Counter;
  readonly multiBuyUnavailable: Counter;
  readonly multiBuyClaimSeconds: Histogram;

  // The per-packet counters are tallied here and handed to prom-client when /metrics is read:
  // prom-client hashes the labels on every inc(), even of a bound child, which showed up at tens of
  // thousands of packets per second.
  private readonly tallies = new Map<Counter<string>, Map<string, Tally>>();
  private boughtCopies = 0;
  private burnedDc = 0;
  private kernelDropsSource: (() => number | undefined) | undefined;
  private kernelDropsSeen = 0;

  constructor(registry: Registry) {
    const tallied = <L extends string>(counter: Counter<L>) => {
      this.tallies.set(counter as Counter<string>, new Map());
      return counter;
    };
    const self = this;
    const collect = function (this: Counter<string>) {
      self.collect(this);
    };
    this.datagrams = tallied(new Counter({ name: 'cov_router_datagrams_total', help: 'GWMP datagrams received, by type.', labelNames: ['type'], registers: [registry], collect }));
    this.dropped = tallied(new Counter({ name: 'cov_router_dropped_total', help: 'Datagrams, packets and copies not carried through, by reason.', labelNames: ['reason'], registers: [registry], collect }));
    this.packets = tallied(new Counter({ name: 'cov_router_packets_total', help: 'Distinct packets after the dedup window, by kind (uplink, join).', labelNames: ['kind'], registers: [registry], collect }));
    this.copiesBought = new Counter({ name: 'cov_router_copies_bought_total', help: 'Copies bought (paid and forwarded).', registers: [registry], collect: () => this.collectBought() });
    this.dcBurned = new Counter({ name: 'cov_router_dc_burned_total', help: 'Data credits burned.', registers: [registry], collect: () => this.collectBought() });
    this.forwarded = tallied(new Counter({ name: 'cov_router_forwarded_total', help: 'Messages sent to device makers\' endpoints, by protocol and outcome.', labelNames: ['protocol', 'outcome'], registers: [registry], collect }));
    this.downlinks = new Counter({ name: 'cov_router_downlinks_total', help: 'Downlink events (sent_rx1, sent_rx2, acked, tx_error, expired, no_gateway, too_late, already_scheduled, invalid).', labelNames: ['outcome'], registers: [registry] });
    this.flushSeconds = new Histogram({ name: 'cov_router_burn_flush_seconds', help: 'Time to commit one batch of burns (balances, ledger, journal row) before its copies are forwarded.', buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] });
    this.settleSeconds = new Histogram({ name: 'cov_router_burn_settle_seconds', help: 'Time to expand journaled burn batches into the packet log, bought copies and stats (one statement).', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry] });
    this.addedDelaySeconds = new Histogram({
      name: 'cov_router_added_delay_seconds',
      help: "Delay the router adds to a packet: from the end of its dedup window until its message left for the route's endpoint (a burn commit still in flight at the close, queueing, serialising). Per packet and route.",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
    this.gwmpKernelDrops = new Counter({
      name: 'cov_router_gwmp_kernel_drops_total',
      help: "GWMP datagrams the kernel dropped because the router's socket buffer was full (the event loop fell behind a burst); forwarders do not resend them. Linux only.",
      registers: [registry],
      collect: () => this.collectKernelDrops(),
    });
    this.openWindows = new Gauge({ name: 'cov_router_open_dedup_windows', help: 'Packets whose dedup window is open.', registers: [registry] });
    this.endpointBackoffs = new Counter({
      name: 'cov_router_endpoint_backoffs_total',
      help: "Error back-offs started on routes whose endpoint failed (their packets are not bought meanwhile: drop reason endpoint_backoff).",
      registers: [registry],
    });
    this.endpointsBackingOff = new Gauge({ name: 'cov_router_endpoints_backing_off', help: 'Routes whose endpoint is in error back-off right now.', registers: [registry] });
    this.multiBuyDenied = new Counter({
      name: 'cov_router_multibuy_denied_total',
      help: "Copies this router heard and did not buy because other routers had bought the route's max_copies of the packet (shared multi-buy counter).",
      registers: [registry],
    });
    this.multiBuyUnavailable = new Counter({
      name: 'cov_router_multibuy_unavailable_total',
      help: "Purchases made with the router's own count because the shared multi-buy counter (Redis) did not answer in ROUTER_MULTIBUY_TIMEOUT_MS or was unreachable (fail open).",
      registers: [registry],
    });
    this.multiBuyClaimSeconds = new Histogram({
      name: 'cov_router_multibuy_claim_seconds',
      help: "Time to claim a purchase's copies on the shared multi-buy counter (a Redis round trip), before paying for them.",
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05],
      registers: [registry],
    });
  }

  drop(reason: DropReason, count = 1): void {
    this.tally(this.dropped, reason, { reason }, count);
  }

  datagram(type: string): void {
    this.tally(this.datagrams, type, { type }, 1);
  }

  packet(kind: 'uplink' | 'join'): void {
    this.tally(this.packets, kind, { kind }, 1);
  }

  forward(protocol: 'http' | 'gwmp', outcome: 'ok' | 'error'): void {
    this.tally(this.forwarded, `${protocol}:${outcome}`, { protocol, outcome }, 1);
  }

  /** Copies bought and DC burned by one paid decision. */
  bought(copies: number, dc: number): void {
    this.boughtCopies += copies;
    this.burnedDc += dc;
  }

  /** Where the kernel's drop count of the GWMP socket is read at each scrape (it counts from the socket's creation). */
  readKernelDropsWith(source: () => number | undefined): void {
    this.kernelDropsSource = source;
    this.kernelDropsSeen = 0;
  }

  private collectKernelDrops(): void {
    const n = this.kernelDropsSource?.();
    if (n === undefined) return;
    if (n > this.kernelDropsSeen) this.gwmpKernelDrops.inc(n - this.kernelDropsSeen);
    this.kernelDropsSeen = n; // a new socket (restart) counts from 0 again
  }

  private tally(counter: Counter<string>, key: string, labels: Record<string, string>, n: number): void {
    const byKey = this.tallies.get(counter)!;
    const t = byKey.get(key);
    if (t) t.n += n;
    else byKey.set(key, { labels, n });
  }

  private collect(counter: Counter<string>): void {
    for (const t of this.tallies.get(counter)?.values() ?? []) {
      if (t.n === 0) continue;
      counter.inc(t.labels, t.n);
      t.n = 0;
    }
  }

  private collectBought(): void {
    if (this.boughtCopies > 0) this.copiesBought.inc(this.boughtCopies);
    if (this.burnedDc > 0) this.dcBurned.inc(this.burnedDc);
    this.boughtCopies = this.burnedDc = 0;
  }
}
