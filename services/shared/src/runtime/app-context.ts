/**
 * Everything a service needs from its process, built once: config, logger, clock, metrics
 * registry, database, queue backend and the oracle's keys. In embedded mode this also starts the
 * embedded PostgreSQL and applies migrations; in server mode migrations are a separate step
 * (`npm run db:migrate`) so that many service processes never race to migrate.
 */
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import type { Config } from '../config/config';
import { connectDatabase, databaseIsReachable, type Database } from '../db/client';
import { applyMigrations, missingMigrations } from '../db/migrate';
import { AppError } from '../errors';
import { createLogger, type Logger } from '../logger';
import { createMetricsRegistry } from '../metrics';
import { createQueueFactory, type QueueFactory } from '../queue/queue-factory';
import { registerQueueMetrics } from '../queue/queue-metrics';
import { registerDatabasePoolMetrics } from '../db/pool-metrics';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { loadAdminApiKey, loadOracleKey, type OracleKey } from './oracle-keys';
import type { ReadinessCheck } from '../http/create-http-server';

export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Registry;
  database: Database;
  queues: QueueFactory;
  oracleKey: OracleKey;
  adminApiKey: string;
  readiness: ReadinessCheck[];
  /** Closes queues, database and the embedded server, in that order. */
  close(): Promise<void>;
}

export interface AppContextOptions {
  processName: string;
  clock?: Clock;
  logger?: Logger;
  /** Embedded mode only: keep the database in memory instead of DATA_DIR (tests). */
  inMemory?: boolean;
  /**
   * With inMemory: the data directory to start from (EmbeddedPostgres.dumpDataDir). Tests pass one
   * already migrated, so each test node skips initdb and the migrations; migrations still run (a
   * no-op when the template is current).
   */
  embeddedTemplate?: Blob;
}

/**
 * Server mode leaves migrating to `npm run db:migrate`; a process started before it would fail
 * later on a missing table or column, with a query error that does not say why. So it stops here,
 * saying what is missing and what to run. A database it cannot reach yet is left to the readiness
 * check and the services' own retries, as before.
 */
async function checkMigrated(database: Database, logger: Logger): Promise<void> {
  let missing: string[];
  try {
    missing = await missingMigrations(database.sql);
  } catch (e) {
    logger.warn({ err: e }, 'could not check the database schema at start');
    return;
  }
  if (missing.length === 0) return;
  throw new AppError(
    'database.not_migrated',
    `the database at DATABASE_URL lacks ${missing.length} migration(s) of this version (${missing.join(', ')}); run \`npm run db:migrate\` (docker-compose runs it as its migrate service) before starting services`,
  );
}

export async function createAppContext(config: Config, options: AppContextOptions): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config, options.processName);
  // Keys first: a missing or bad key file is a setting to fix, reported before anything starts.
  const oracleKey = loadOracleKey(config);
  const adminApiKey = loadAdminApiKey(config);
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (config.mode === 'embedded') {
    embedded = await startEmbeddedPostgres({
      dataDir: options.inMemory ? undefined : join(config.DATA_DIR, 'pglite'),
      loadDataDir: options.inMemory ? options.embeddedTemplate : undefined,
      port: config.EMBEDDED_DB_PORT,
      maxConnections: config.EMBEDDED_DB_MAX_CONNECTIONS,
    });
    databaseUrl = embedded.url;
    logger.info({ url: embedded.url, dataDir: options.inMemory ? '(memory)' : config.DATA_DIR }, 'embedded database started');
  }
  const database = connectDatabase(databaseUrl, { maxConnections: config.DB_POOL_MAX });
  try {
    if (embedded) await applyMigrations(database.db);
    else await checkMigrated(database, logger);
  } catch (e) {
    await database.close();
    await embedded?.stop();
    throw e;
  }
  const queues = createQueueFactory(config.REDIS_URL ? { kind: 'redis', url: config.REDIS_URL, prefix: config.QUEUE_PREFIX } : { kind: 'postgres', url: databaseUrl }, { logger });
  const readiness: ReadinessCheck[] = [
    { name: 'database', check: () => databaseIsReachable(database.sql) },
    { name: 'queue', check: () => queues.isReachable() },
  ];
  const metrics = createMetricsRegistry(options.processName);
  // Read at each scrape, bounded like the readiness checks.
  registerQueueMetrics(metrics, queues);
  registerDatabasePoolMetrics(metrics, database.sql);
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    clock: options.clock ?? systemClock,
    metrics,
    database,
    queues,
    oracleKey,
    adminApiKey,
    readiness,
    close() {
      closing ??= (async () => {
        await queues.close();
        await database.close();
        await embedded?.stop();
      })();
      return closing;
    },
  };
}
