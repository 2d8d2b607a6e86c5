/**
 * The api service: the REST API for hotspot owners, makers and analysts (read-mostly), OpenAPI at
 * /docs. This file only wires dependencies and routes; features live in their folders.
 */
import etag from '@fastify/etag';
import { Counter } from 'prom-client';
import type { ServiceFactory } from '@cov/shared/runtime/service';
import { registerCors } from './http/cors';
import { registerCompression } from './http/compression';
import { registerRateLimits } from './http/rate-limits';
import { isLiveApiKey } from './auth/api-keys';
import { pocSchemas, registerPocRoutes } from './pocs/poc-routes';
import { registerActivityRoutes } from './activity/activity-routes';
import { activitySchemas } from './activity/activity-views';
import { CoverageSnapshots } from './coverage/coverage-snapshot';
import { HexFeatureCollection, registerCoverageRoutes } from './coverage/coverage-routes';
import { registerSitingRoutes } from './coverage/siting-routes';
import { countrySchemas, registerCountryRoutes } from './countries/country-routes';
import { registerCoverageTileRoutes } from './coverage/coverage-tile-routes';
import { registerMapRoutes } from './map/map-routes';
import { registerStatsRoutes } from './stats/stats-routes';
import { LiveEvents } from './stream/live-events';
import { registerEarningsRoutes } from './earnings/earnings-routes';
import { registerStreamRoutes } from './stream/stream-routes';
import { RegionLookup } from '@cov/shared/location-region/region-lookup';
import type { ApiDeps } from './api-deps';
import { HotspotView } from './registry/hotspot-view';
import { hotspotCountryTask, hotspotNamingTask } from './registry/registry-backfill-tasks';
import { registerRegistryRoutes } from './registry/registry-routes';
import { registerOrgsRoutes } from './orgs/orgs-routes';
import { registerOrgRouteConfigRoutes } from './orgs/org-route-config-routes';
import { registerOrgDeletedRoutesRoutes } from './orgs/org-deleted-routes-routes';
import { registerOrgStreamRoutes } from './orgs/org-stream-routes';
import { registerOrgHotspotsRoutes } from './orgs/org-hotspots-routes';
import { registerOrgDevicesRoutes } from './orgs/org-devices-routes';
import { registerBalanceAlertRoutes } from './orgs/balance-alert-routes';
import { RouteEndpointNotifier } from './orgs/route-endpoint-notifier';
import type { AlertKind } from './testing/alert-checks';
import { registerWebhookSecretRoutes } from './orgs/webhook-secret-routes';
import { BalanceAlertNotifier } from './orgs/balance-alert-notifier';
import { periodicTask } from '@cov/shared/runtime/task-runner';
import { OwnerAlertNotifier } from './owner-alerts/owner-alert-notifier';
import { registerOwnerAlertRoutes } from './owner-alerts/owner-alert-routes';
import { viewSchemas as orgViewSchemas } from './orgs/org-views';
import { registerRewardRoutes, rewardSchemas } from './rewards/reward-routes';
import { registerProvisionalRewardRoutes } from './rewards/provisional-reward-routes';
import { ParameterSetView, registerParameterSetRoutes } from './rewards/parameter-set-routes';
import { registerFraudFlagRoutes } from './rewards/fraud-flag-routes';
import { DenylistEntryView, registerDenylistRoutes } from './denylist/denylist-routes';
import { AdminKeys } from './auth/admin-keys';
import { ApiKeyUse } from '@cov/shared/routing/api-key-use';
import { registerMakerRoutes } from './registry/maker-routes';

export const createApiService: ServiceFactory = async (ctx) => {
  const adminKeys = new AdminKeys(ctx.adminApiKey, ctx.config.ADMIN_API_KEY_PREVIOUS);
  const coverage = new CoverageSnapshots(ctx.database, ctx.clock, ctx.config.EPOCH_LENGTH_MS, ctx.config.COVERAGE_SNAPSHOT_TTL_MS, ctx.config.FRAUD_POLICY);
  const logger = ctx.logger.child({ service: 'api' });
  const deps: ApiDeps = {
    db: ctx.database.db,
    clock: ctx.clock,
    regions: new RegionLookup(ctx.config.REGION_CACHE_H3_RES),
    adminKeys,
    keyUse: new ApiKeyUse(ctx.database.db, ctx.clock, logger),
    maxSkewMs: ctx.config.SIGNED_REQUEST_MAX_SKEW_MS,
    database: ctx.database,
    coverage,
    onlineWindowMs: 2 * ctx.config.BEACON_INTERVAL_MS,
  };
  const liveEvents = new LiveEvents(ctx.database, () => ctx.clock.nowMs(), logger);
  let closeRateLimits: (() => void) | undefined;
  const allowPrivateAddresses = ctx.config.ALERT_PRIVATE_ADDRESSES === 'allow';
  const balanceAlerts = new BalanceAlertNotifier({ db: ctx.database.db, sql: ctx.database.sql, clock: ctx.clock, logger, timeoutMs: ctx.config.ALERT_POST_TIMEOUT_MS, allowPrivateAddresses });
  const notices = new Counter({
    name: 'cov_api_alert_notices_total',
    help: 'Alert notices posted to subscribers (alert: balance for device makers, hotspot_status for owners), by outcome (sent, failed: retried at the next check).',
    labelNames: ['alert', 'outcome'],
    registers: [ctx.metrics],
  });
  const noticeChecks = new Counter({
    name: 'cov_api_alert_checks_total',
    help: 'Alert checks completed (alert: balance, hotspot_status): shows the alert tasks are alive; tests wait on it to know a check ran.',
    labelNames: ['alert'],
    registers: [ctx.metrics],
  });
  /** A notifier's checks on a timer, counting them and what each posted. */
  const noticeTask = (name: string, intervalMs: number, notifier: { check(): Promise<{ sent: number; failed: number }> }, alert: AlertKind) =>
    periodicTask(
      name,
      intervalMs,
      async () => {
        const { sent, failed } = await notifier.check();
        notices.inc({ alert, outcome: 'sent' }, sent);
        notices.inc({ alert, outcome: 'failed' }, failed);
        noticeChecks.inc({ alert });
        if (sent + failed > 0) logger.info({ alert, sent, failed }, 'alert notices posted');
      },
      logger,
    );
  const balanceAlertTask = noticeTask('api-balance-alerts', ctx.config.BALANCE_ALERT_CHECK_INTERVAL_MS, balanceAlerts, 'balance');
  const endpointAlerts = new RouteEndpointNotifier({ db: deps.db, sql: ctx.database.sql, clock: ctx.clock, logger, timeoutMs: ctx.config.ALERT_POST_TIMEOUT_MS, allowPrivateAddresses });
  const endpointAlertTask = noticeTask('api-endpoint-alerts', ctx.config.BALANCE_ALERT_CHECK_INTERVAL_MS, endpointAlerts, 'route_endpoint');
  const ownerAlerts = new OwnerAlertNotifier({
    sql: ctx.database.sql,
    clock: ctx.clock,
    logger,
    onlineWindowMs: deps.onlineWindowMs,
    coverage: deps.coverage,
    timeoutMs: ctx.config.ALERT_POST_TIMEOUT_MS,
    allowPrivateAddresses,
    // Longer than a check can take (its owners' posts, a few at once, each at most ALERT_POST_TIMEOUT_MS), so two replicas never tell an owner twice.
    leaseMs: Math.max(300_000, 20 * ctx.config.ALERT_POST_TIMEOUT_MS),
  });
  const ownerAlertTask = noticeTask('api-owner-alerts', ctx.config.OWNER_ALERT_CHECK_INTERVAL_MS, ownerAlerts, 'hotspot_status');
  return {
    name: 'api',
    async registerRoutes(app) {
      app.addSchema(HotspotView);
      for (const schema of pocSchemas) app.addSchema(schema);
      for (const schema of activitySchemas) app.addSchema(schema);
      app.addSchema(HexFeatureCollection);
      for (const schema of countrySchemas) app.addSchema(schema);
      for (const schema of orgViewSchemas) app.addSchema(schema);
      for (const schema of rewardSchemas) app.addSchema(schema);
      app.addSchema(ParameterSetView);
      app.addSchema(DenylistEntryView);
      // ETags and rate limits apply to the API routes registered in this scope only: ingest,
      // entropy and operational routes (health, metrics) are not throttled by public limits.
      await app.register(async (scope) => {
        await registerCors(scope, ctx.config.CORS_ORIGINS);
        await scope.register(etag, { weak: true });
        // After the ETag plugin: its hook hashes the answer before this one compresses it, so a
        // (weak) ETag names the representation whatever the coding.
        await registerCompression(scope);
        closeRateLimits = await registerRateLimits(scope, {
          perMinute: ctx.config.RATE_LIMIT_PER_MINUTE,
          adminKeys,
          redisUrl: ctx.config.REDIS_URL,
          redisPrefix: ctx.config.QUEUE_PREFIX,
          isKnownKey: (keyHash) => isLiveApiKey(ctx.database.sql, keyHash),
        });
        await registerMakerRoutes(scope, deps);
        await registerRegistryRoutes(scope, deps);
        await registerPocRoutes(scope, deps);
        await registerActivityRoutes(scope, { db: deps.db, clock: deps.clock, epochLengthMs: ctx.config.EPOCH_LENGTH_MS });
        await registerCoverageRoutes(scope, coverage);
        await registerCountryRoutes(scope, coverage);
        await registerCoverageTileRoutes(scope, coverage);
        await registerSitingRoutes(scope, { coverage, regions: deps.regions });
        const orgsDeps = { db: deps.db, clock: deps.clock, adminKeys: deps.adminKeys, keyUse: deps.keyUse, netId: ctx.config.NET_ID };
        await registerOrgsRoutes(scope, orgsDeps);
        await registerOrgRouteConfigRoutes(scope, { ...orgsDeps, dedupWindowMs: ctx.config.ROUTER_DEDUP_WINDOW_MS });
        await registerOrgDeletedRoutesRoutes(scope, orgsDeps);
        await registerOrgStreamRoutes(scope, { ...orgsDeps, keyCheckIntervalMs: ctx.config.ORG_STREAM_KEY_CHECK_INTERVAL_MS }, liveEvents);
        await registerBalanceAlertRoutes(scope, { ...orgsDeps, allowPrivateAddresses, alertTimeoutMs: ctx.config.ALERT_POST_TIMEOUT_MS });
        await registerWebhookSecretRoutes(scope, orgsDeps);
        await registerOwnerAlertRoutes(scope, { db: deps.db, sql: deps.database.sql, clock: deps.clock, maxSkewMs: deps.maxSkewMs, allowPrivateAddresses });
        await registerOrgDevicesRoutes(scope, { ...orgsDeps, sql: deps.database.sql, packetLogRetentionMs: ctx.config.ROUTER_PACKET_LOG_RETENTION_MS });
        await registerOrgHotspotsRoutes(scope, { ...orgsDeps, sql: deps.database.sql, coverage: deps.coverage, onlineWindowMs: deps.onlineWindowMs });
        await registerRewardRoutes(scope, { db: deps.db });
        await registerProvisionalRewardRoutes(scope, deps);
        await registerParameterSetRoutes(scope, { sql: deps.database.sql, clock: deps.clock, epochLengthMs: ctx.config.EPOCH_LENGTH_MS });
        await registerFraudFlagRoutes(scope, { db: deps.db, sql: deps.database.sql, clock: deps.clock, epochLengthMs: ctx.config.EPOCH_LENGTH_MS });
        await registerDenylistRoutes(scope, { db: deps.db, clock: deps.clock, adminKeys: deps.adminKeys });
        await registerMapRoutes(scope, coverage);
        await registerStreamRoutes(scope, liveEvents);
        await registerEarningsRoutes(scope, deps);
        await registerStatsRoutes(scope, { database: ctx.database, clock: ctx.clock, coverage, epochLengthMs: ctx.config.EPOCH_LENGTH_MS });
      });
    },
    describe: (base) => [`coverage map   ${base}/map`, `live feed      ${base.replace('http', 'ws')}/v1/stream`],
    tasks: [
      liveEvents.task,
      balanceAlertTask,
      endpointAlertTask,
      ownerAlertTask,
      hotspotNamingTask(deps.db, ctx.logger),
      hotspotCountryTask(deps.db, deps.regions, ctx.logger),
      { name: 'api-rate-limit-store', start: async () => {}, stop: async () => closeRateLimits?.() },
    ],
  };
};
