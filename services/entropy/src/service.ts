/**
 * The entropy service: publishes a signed, unpredictable entropy value every ENTROPY_INTERVAL_MS
 * and serves the latest one. Wiring only.
 */
import type { ServiceFactory } from '@cov/shared/runtime/service';
import { entropyPublisherTask } from './entropy-publisher';
import { registerEntropyRoutes } from './entropy-routes';
import { createEntropyTelemetry } from './telemetry';

export const createEntropyService: ServiceFactory = async (ctx) => ({
  name: 'entropy',
  registerRoutes: (app) => registerEntropyRoutes(app, { db: ctx.database.db, validityMs: ctx.config.ENTROPY_VALIDITY_MS, oraclePublicKey: ctx.oracleKey.publicKey }),
  tasks: [
    entropyPublisherTask({
      db: ctx.database.db,
      clock: ctx.clock,
      logger: ctx.logger.child({ service: 'entropy' }),
      oracleSecretKey: ctx.oracleKey.secretKey,
      intervalMs: ctx.config.ENTROPY_INTERVAL_MS,
      telemetry: createEntropyTelemetry(ctx.metrics),
    }),
  ],
  describe: (base) => [`entropy        ${base}/v1/entropy/latest`],
});
