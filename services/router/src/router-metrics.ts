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
  | 'endpoint_error';

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
  readonly openWindows: Gauge;

  constructor(registry: Registry) {
    this.datagrams = new Counter({ name: 'cov_router_datagrams_total', help: 'GWMP datagrams received, by type.', labelNames: ['type'], registers: [registry] });
    this.dropped = new Counter({ name: 'cov_router_dropped_total', help: 'Datagrams, packets and copies not carried through, by reason.', labelNames: ['reason'], registers: [registry] });
    this.packets = new Counter({ name: 'cov_router_packets_total', help: 'Distinct packets after the dedup window, by kind (uplink, join).', labelNames: ['kind'], registers: [registry] });
    this.copiesBought = new Counter({ name: 'cov_router_copies_bought_total', help: 'Copies bought (paid and forwarded).', registers: [registry] });
    this.dcBurned = new Counter({ name: 'cov_router_dc_burned_total', help: 'Data credits burned.', registers: [registry] });
    this.forwarded = new Counter({ name: 'cov_router_forwarded_total', help: 'Messages sent to device makers\' endpoints, by protocol and outcome.', labelNames: ['protocol', 'outcome'], registers: [registry] });
    this.downlinks = new Counter({ name: 'cov_router_downlinks_total', help: 'Downlink events (sent_rx1, sent_rx2, acked, tx_error, expired, no_gateway, too_late).', labelNames: ['outcome'], registers: [registry] });
    this.flushSeconds = new Histogram({ name: 'cov_router_burn_flush_seconds', help: 'Time to commit one batch of burns (balances, ledger, journal row) before its copies are forwarded.', buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] });
    this.settleSeconds = new Histogram({ name: 'cov_router_burn_settle_seconds', help: 'Time to expand journaled burn batches into the packet log, bought copies and stats (one statement).', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry] });
    this.openWindows = new Gauge({ name: 'cov_router_open_dedup_windows', help: 'Packets whose dedup window is open.', registers: [registry] });
  }

  // Bound children: a label lookup per packet is measurable at tens of thousands per second.
  private readonly children = new Map<string, { inc(n?: number): void }>();

  private child(key: string, make: () => { inc(n?: number): void }): { inc(n?: number): void } {
    let c = this.children.get(key);
    if (!c) {
      c = make();
      this.children.set(key, c);
    }
    return c;
  }

  drop(reason: DropReason, count = 1): void {
    this.child(`d:${reason}`, () => this.dropped.labels(reason)).inc(count);
  }

  datagram(type: string): void {
    this.child(`g:${type}`, () => this.datagrams.labels(type)).inc();
  }

  packet(kind: 'uplink' | 'join'): void {
    this.child(`p:${kind}`, () => this.packets.labels(kind)).inc();
  }

  forward(protocol: 'http' | 'gwmp', outcome: 'ok' | 'error'): void {
    this.child(`f:${protocol}:${outcome}`, () => this.forwarded.labels(protocol, outcome)).inc();
  }
}
