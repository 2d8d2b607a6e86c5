/**
 * The ingest service: hotspot WebSocket sessions and HTTP batches of beacon and witness reports,
 * checked (schema, size, key, signature), stamped with the server receive time, stored in batches
 * idempotently, acknowledged once stored. Wiring only.
 *
 * Ingest does not enqueue verification jobs: a beacon becomes verifiable only when its entropy
 * window closes on the injectable clock, so the verifier's poller finds ready beacons in the
 * database and enqueues them in batches; the rows are the queue's source of truth either way.
 */
import { AppError } from '@cov/shared/errors';
import type { ServiceFactory } from '@cov/shared/runtime/service';
import { registerBatchRoutes } from './batch-routes';
import { EntropyBroadcaster } from './entropy-broadcaster';
import { HotspotKeyCache } from './hotspot-key-cache';
import { ReportStore } from './report-store';
import { SignaturePool } from './signature-pool';
import { HotspotSession } from './session';
import { createIngestTelemetry } from './telemetry';
import { requireWebSocketUpgrade } from '@cov/shared/http/websocket-upgrade';

export const createIngestService: ServiceFactory = async (ctx) => {
  const { config } = ctx;
  const logger = ctx.logger.child({ service: 'ingest' });
  const telemetry = createIngestTelemetry(ctx.metrics);
  const cache = new HotspotKeyCache(ctx.database.db);
  const store = new ReportStore({ sql: ctx.database.sql, logger, telemetry, flushIntervalMs: config.INGEST_FLUSH_INTERVAL_MS, flushMaxReports: config.INGEST_FLUSH_MAX_REPORTS });
  const signatures = new SignaturePool(config.INGEST_VERIFY_THREADS, logger);
  const sessions = new Set<HotspotSession>();
  const entropy = new EntropyBroadcaster(ctx.database.db, config.ENTROPY_VALIDITY_MS, (e) => sessions.forEach((s) => s.pushEntropy(e)), logger);

  return {
    name: 'ingest',
    async registerRoutes(app) {
      // Hidden from the OpenAPI document (a WebSocket protocol; README), but a plain GET still gets the error body.
      app.get('/v1/ingest/session', { websocket: true, schema: { hide: true }, preHandler: async (request) => requireWebSocketUpgrade(request) }, (socket) => {
        const session = new HotspotSession(
          socket,
          {
            clock: ctx.clock,
            logger,
            cache,
            signatures,
            store,
            telemetry,
            maxSkewMs: config.SIGNED_REQUEST_MAX_SKEW_MS,
            maxSessionKeyLifetimeMs: config.INGEST_SESSION_KEY_MAX_LIFETIME_MS,
            maxMessageBytes: config.INGEST_MAX_MESSAGE_BYTES,
            latestEntropy: () => entropy.current(),
          },
          (s) => sessions.delete(s),
        );
        sessions.add(session);
      });
      await registerBatchRoutes(app, { clock: ctx.clock, cache, signatures, store, telemetry, maxBatchReports: config.INGEST_MAX_BATCH_REPORTS, maxMessageBytes: config.INGEST_MAX_MESSAGE_BYTES });
    },
    // Stopped in reverse: sessions first (no new reports), then the store flushes what it holds,
    // then the signature threads (a check arriving after that runs inline).
    tasks: [
      signatures,
      store,
      entropy.task,
      {
        name: 'ingest-sessions',
        start: async () => {},
        stop: async () => {
          for (const s of sessions) s.close(new AppError('service.unavailable', 'server shutting down'));
        },
      },
    ],
    describe: (base) => [`ingest         ${base.replace('http', 'ws')}/v1/ingest/session  (HTTP batches: ${base}/v1/ingest/beacons, /witnesses)`],
  };
};
