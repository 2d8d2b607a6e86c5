/**
 * The router's moving parts, assembled from the process context: GWMP socket, gateway directory,
 * route table cache, uplink pipeline, burn batcher, forwarders and downlink scheduler. Exposes the
 * tasks the process runs and a small handle tests and the demo use (bound port, reload, drain).
 */
import type { AppContext } from '@cov/shared/runtime/app-context';
import { periodicTask, type Task } from '@cov/shared/runtime/task-runner';
import { BurnBatcher } from './burn-batcher';
import { BurnSettler } from '@cov/shared/routing/burn-settler';
import { PgBurnStore } from './burn-store';
import { EndpointBackoff } from './endpoint-backoff';
import { GatewayIngress, loadDeniedHotspots } from './gateway-ingress';
import { recordBackoff, recordRecovery } from './route-delivery-repository';
import { DownlinkScheduler } from './downlinks/downlink-scheduler';
import { DownlinkService } from './downlinks/downlink-service';
import { GwmpLnsClient } from './forwarding/gwmp-lns-client';
import { EndpointTester } from './forwarding/endpoint-test';
import { HttpForwarder } from './forwarding/http-forwarder';
import { GatewayDirectory, registryLookup } from './gateway-directory';
import { GwmpServer } from './gwmp-server';
import { RedisMultiBuyCounter } from './multi-buy-counter';
import { publicBaseUrl } from './public-base-url';
import { NegativeCache } from './negative-cache';
import { pruneRoutedPackets } from './packet-log-pruner';
import { RouteConfigCache } from './route-config-cache';
import { RouterMetrics } from './router-metrics';
import { LATE_COPY_MEMORY_MS, UplinkPipeline } from './uplink-pipeline';

export interface RouterHandle {
  /** UDP port the GWMP socket is bound to (useful with GWMP_PORT=0). */
  readonly gwmpPort: number;
  readonly gwmpHost: string;
  /** Datagrams the kernel dropped at the GWMP socket so far, its buffer being full (Linux; undefined elsewhere). */
  gwmpKernelDrops(): number | undefined;
  /** Reloads routes now (the poll does it within ROUTER_CONFIG_POLL_INTERVAL_MS anyway). */
  reloadRoutes(): Promise<void>;
  /** Picks up a new denylist version now (the routes poll does it within ROUTER_CONFIG_POLL_INTERVAL_MS anyway). */
  reloadDenylist(): Promise<void>;
  /** Where device makers post a later downlink to this router (webhook messages' `downlinkUrl`), once known. */
  downlinkUrl(): string | undefined;
  /** Forgets cached gateway lookups (a hotspot onboarded after its forwarder started sending). */
  forgetGateways(): void;
  /**
   * Closes open dedup windows and waits until their packets are paid and forwarded and the burn
   * journal is expanded (packet log, bought copies and stats up to date).
   */
  drain(): Promise<void>;
}

const KNOWN_GATEWAY_TTL_MS = 300_000;
const PRUNE_INTERVAL_MS = 600_000;
const HTTP_MAX_SOCKETS_PER_ENDPOINT = 128;
/** Rows left in the burn journal by another (crashed) router are settled within this. */
const JOURNAL_SWEEP_MS = 5_000;
/** Journal rows (burn batches) expanded per statement. */
const JOURNAL_ROWS_PER_SETTLE = 200;
/** At most one log line this often while the shared multi-buy counter is unavailable (the metric counts every purchase). */
const MULTIBUY_WARN_INTERVAL_MS = 10_000;

export class Router implements RouterHandle {
  readonly metrics: RouterMetrics;
  readonly downlinks: DownlinkService;
  /** Tests of a route's endpoint on its org's request, with this router's HTTP client. */
  readonly endpointTests: EndpointTester;
  private readonly routes: RouteConfigCache;
  private readonly negativeCache: NegativeCache;
  private readonly directory: GatewayDirectory;
  private readonly batcher: BurnBatcher;
  private readonly settler: BurnSettler;
  private readonly http: HttpForwarder;
  private readonly lns: GwmpLnsClient;
  private readonly scheduler: DownlinkScheduler;
  private readonly pipeline: UplinkPipeline;
  private readonly endpointBackoff: EndpointBackoff;
  private readonly ingress: GatewayIngress;
  private readonly gwmp: GwmpServer;
  private readonly multiBuy: RedisMultiBuyCounter | undefined;
  /** The HTTP server's address once it listens (the downlink endpoint's, unless ROUTER_PUBLIC_URL says otherwise). */
  private listening: { host: string; port: number } | undefined;

  constructor(private readonly ctx: AppContext) {
    const { config, logger, clock } = ctx;
    const monotonic = () => performance.now();
    const metrics = (this.metrics = new RouterMetrics(ctx.metrics));
    this.negativeCache = new NegativeCache(config.ROUTER_NEGATIVE_CACHE_MS, monotonic);
    this.routes = new RouteConfigCache(ctx.database.db, (table) => {
      this.negativeCache.clear();
      logger.info({ version: table.version, routes: table.routeCount }, 'routing configuration loaded');
    });
    this.directory = new GatewayDirectory(registryLookup(ctx.database.db), { knownTtlMs: KNOWN_GATEWAY_TTL_MS, unknownTtlMs: config.ROUTER_NEGATIVE_CACHE_MS, now: monotonic });
    const burnStore = new PgBurnStore(ctx.database.sql);
    this.settler = new BurnSettler({
      store: burnStore,
      delayMs: config.ROUTER_BURN_SETTLE_DELAY_MS,
      sweepMs: JOURNAL_SWEEP_MS,
      maxRows: JOURNAL_ROWS_PER_SETTLE,
      logger,
      onSettled: (_result, seconds) => metrics.settleSeconds.observe(seconds),
    });
    this.batcher = new BurnBatcher({
      store: burnStore,
      maxDecisions: config.ROUTER_BURN_FLUSH_MAX_PACKETS,
      gatherMs: config.ROUTER_BURN_GATHER_MS,
      monotonicMs: monotonic, // the dedup window's clock too: purchases' start-by times are on it
      nowMs: () => clock.nowMs(),
      logger,
      onCommitted: (_batch, _outcomes, seconds) => {
        metrics.flushSeconds.observe(seconds);
        this.settler.kick();
      },
    });
    this.http = new HttpForwarder({ timeoutMs: config.ROUTER_WEBHOOK_TIMEOUT_MS, maxSocketsPerEndpoint: HTTP_MAX_SOCKETS_PER_ENDPOINT });
    this.gwmp = new GwmpServer({
      host: config.GWMP_HOST,
      port: config.GWMP_PORT,
      logger,
      metrics,
      directory: this.directory,
      onRxpk: (rxpk, hotspot) => this.pipeline.intake(rxpk, hotspot),
      onTxAck: (eui, token, ack) => this.scheduler.onTxAck(eui, token, ack),
    });
    this.metrics.readKernelDropsWith(() => this.gwmp.kernelDrops());
    this.scheduler = new DownlinkScheduler({
      send: (bytes, to) => this.gwmp.send(bytes, to),
      pullAddressOf: (eui) => this.gwmp.pullAddressOf(eui),
      onEvent: (event) => metrics.downlinks.inc({ outcome: event }),
    });
    this.lns = new GwmpLnsClient({
      logger,
      now: monotonic,
      onPullResp: (relay, txpk) => {
        const sent = this.scheduler.relay(relay.gatewayEui, txpk, (ack) => this.lns.sendTxAck(relay, ack));
        if (!sent) {
          metrics.downlinks.inc({ outcome: 'no_gateway' });
          // Tell the LNS at once, as a forwarder would, so it can try another gateway or window.
          this.lns.sendTxAck(relay, { error: 'TX_FREQ' });
        }
      },
    });
    this.ingress = new GatewayIngress({ maxUplinksPerS: config.ROUTER_GATEWAY_MAX_UPLINKS_PER_S, now: monotonic });
    this.endpointBackoff = new EndpointBackoff({
      baseMs: config.ROUTER_ENDPOINT_BACKOFF_MS,
      maxMs: Math.max(config.ROUTER_ENDPOINT_BACKOFF_MAX_MS, config.ROUTER_ENDPOINT_BACKOFF_MS),
      failuresBeforeBackoff: config.ROUTER_ENDPOINT_FAILURES_BEFORE_BACKOFF,
      onBackoff: (routeId, { delayMs, level, error }) => {
        // At most one line per back-off, and back-offs of a route are at least the base apart.
        logger.warn({ route: routeId, backoffMs: delayMs, backoffs: level, error }, 'route endpoint failing: its packets are not bought until the back-off ends');
        const atMs = clock.nowMs();
        recordBackoff(ctx.database.sql, routeId, { error, atMs, level, untilMs: atMs + delayMs }).catch((e: unknown) => logger.warn({ err: e, route: routeId }, 'could not record a route back-off'));
      },
      onRecovered: (routeId) => {
        logger.info({ route: routeId }, 'route endpoint takes packets again');
        recordRecovery(ctx.database.sql, routeId, clock.nowMs()).catch((e: unknown) => logger.warn({ err: e, route: routeId }, 'could not record a route recovery'));
      },
    });
    // Several routers share one count of each packet's copies per route in Redis (one router alone needs none).
    let multiBuyWarnedAt = -Infinity;
    this.multiBuy =
      config.REDIS_URL && config.ROUTER_MULTIBUY === 'shared'
        ? new RedisMultiBuyCounter({
            url: config.REDIS_URL,
            prefix: config.QUEUE_PREFIX,
            timeoutMs: config.ROUTER_MULTIBUY_TIMEOUT_MS,
            // A packet's counters last as long as this router takes its copies for copies of it: after that an
            // identical frame is a new packet (a retransmission), to be bought again.
            keepMs: LATE_COPY_MEMORY_MS,
            onUnavailable: (error) => {
              metrics.multiBuyUnavailable.inc();
              const nowMs = monotonic();
              if (nowMs - multiBuyWarnedAt < MULTIBUY_WARN_INTERVAL_MS) return;
              multiBuyWarnedAt = nowMs;
              logger.warn({ err: error }, 'shared multi-buy counter unavailable: buying with this router\'s own count (a packet heard through several routers may be bought more than max_copies times)');
            },
          })
        : undefined;
    this.endpointTests = new EndpointTester(this.http, config.ROUTER_WEBHOOK_TIMEOUT_MS, () => clock.nowMs());
    this.downlinks = new DownlinkService(this.scheduler, monotonic, undefined, this.multiBuy ? (packetId) => this.multiBuy!.claimDownlink(packetId) : undefined);
    this.pipeline = new UplinkPipeline({
      clock,
      logger,
      metrics,
      routeTable: () => this.routes.current,
      negativeCache: this.negativeCache,
      batcher: this.batcher,
      http: this.http,
      lns: this.lns,
      downlinks: this.downlinks,
      windowMs: config.ROUTER_DEDUP_WINDOW_MS,
      purchaseLeadMs: config.ROUTER_PURCHASE_LEAD_MS,
      monotonic,
      endpointBackoff: this.endpointBackoff,
      ingress: this.ingress,
      ...(this.multiBuy ? { multiBuy: this.multiBuy } : {}),
      downlinkUrl: () => this.downlinkUrl(),
    });
  }

  /** Called once the HTTP server listens: its address, for webhook messages' downlinkUrl. */
  httpListening(host: string, port: number): void {
    this.listening = { host, port };
  }

  downlinkUrl(): string | undefined {
    const base = publicBaseUrl(this.ctx.config.ROUTER_PUBLIC_URL, this.listening);
    return base === undefined ? undefined : `${base}/v1/router/downlinks`;
  }

  gwmpKernelDrops(): number | undefined {
    return this.gwmp.kernelDrops();
  }

  get gwmpPort(): number {
    return this.gwmp.port;
  }

  get gwmpHost(): string {
    return this.gwmp.address;
  }

  async reloadRoutes(): Promise<void> {
    await this.routes.refresh(true);
  }

  /** Picks up a new denylist version (polled with the routes; tests call it to skip the wait). */
  async reloadDenylist(): Promise<void> {
    const denied = await loadDeniedHotspots(this.ctx.database.sql, this.ingress.denylistVersion);
    if (denied === undefined) return;
    this.ingress.setDenied(denied);
    this.ctx.logger.info({ version: denied.version, deniedHotspots: denied.addresses.size }, 'denylist loaded: denied hotspots carry no packets');
  }

  forgetGateways(): void {
    this.directory.clear();
  }

  async drain(): Promise<void> {
    await this.pipeline.drain();
    await this.batcher.flush();
    await this.settler.drain();
  }

  tasks(): Task[] {
    const { config, logger, clock } = this.ctx;
    const poll = periodicTask(
      'router-routes-poll',
      config.ROUTER_CONFIG_POLL_INTERVAL_MS,
      async () => {
        await this.routes.refresh();
        await this.reloadDenylist();
      },
      logger,
    );
    const prune = periodicTask(
      'router-packet-log-prune',
      PRUNE_INTERVAL_MS,
      async () => {
        const deleted = await pruneRoutedPackets(this.ctx.database.sql, clock.nowMs() - config.ROUTER_PACKET_LOG_RETENTION_MS);
        if (deleted > 0) logger.info({ deleted }, 'pruned the routed packet log');
      },
      logger,
    );
    const gauge = setInterval(() => {
      this.metrics.openWindows.set(this.pipeline.openWindows);
      this.metrics.endpointsBackingOff.set(this.endpointBackoff.backingOffCount(performance.now()));
      this.ingress.sweep();
    }, 1000);
    gauge.unref();
    return [
      {
        name: 'router-routes',
        start: async () => {
          await this.routes.refresh(true);
          await this.reloadDenylist();
          await poll.start();
        },
        stop: () => poll.stop(),
      },
      {
        name: 'router-gwmp',
        start: async () => {
          // Batches a previous run journaled but did not expand (a crash) are settled first.
          this.settler.start();
          if (this.multiBuy && (await this.multiBuy.connect())) logger.info('multi-buy counter shared with other routers in Redis');
          await this.gwmp.start();
        },
        stop: async () => {
          clearInterval(gauge);
          await this.gwmp.stop();
          // Packets already heard are still settled and forwarded before the database closes.
          await this.pipeline.drain();
          this.pipeline.stop();
          await this.batcher.stop();
          await this.settler.stop();
          this.scheduler.stop();
          this.lns.close();
          this.http.close();
          await this.multiBuy?.close();
        },
      },
      prune,
    ];
  }
}

