/**
 * Builds one process: its context, the chosen services, one HTTP server carrying every route those
 * services expose, and a task runner. `npm start` composes all services on the embedded database;
 * `npm run start:<service>` composes one. Tests and the demo call startNode() in-process.
 */
import type { AddressInfo } from 'node:net';
import type { Clock } from '@cov/shared/clock';
import type { Config } from '@cov/shared/config/config';
import { createAppContext, type AppContext } from '@cov/shared/runtime/app-context';
import { createHttpServer, type HttpServer } from '@cov/shared/http/create-http-server';
import { registerOpenApi } from '@cov/shared/http/openapi';
import websocket from '@fastify/websocket';
import { handleWebsocketError } from '@cov/shared/http/websocket-error-handler';
import { chooseProtocol } from '@cov/shared/http/websocket-key-protocol';
import { TaskRunner } from '@cov/shared/runtime/task-runner';
import type { Logger } from '@cov/shared/logger';
import type { ServiceFactory, ServiceModule, ServiceName } from '@cov/shared/runtime/service';
import { registerApiIndexRoute } from './api-index-route';

/**
 * Each service's factory, imported when a process composes that service: a one-service process
 * loads only its own code and dependencies (a router has no use for the API's, the rewarder's or
 * Helium's protobuf definitions). Besides memory, that is less for every full garbage collection
 * to mark, and those pauses show in the router's latency tail (BENCHMARKS.md, router).
 */
export const serviceLoaders: Record<ServiceName, () => Promise<ServiceFactory>> = {
  ingest: async () => (await import('@cov/ingest/service')).createIngestService,
  entropy: async () => (await import('@cov/entropy/service')).createEntropyService,
  verifier: async () => (await import('@cov/verifier/service')).createVerifierService,
  rewarder: async () => (await import('@cov/rewarder/service')).createRewarderService,
  router: async () => (await import('@cov/router/service')).createRouterService,
  api: async () => (await import('@cov/api/service')).createApiService,
};

export interface RunningNode {
  ctx: AppContext;
  http: HttpServer;
  modules: ServiceModule[];
  /** e.g. http://127.0.0.1:3000 */
  httpBaseUrl: string;
  describe(): string[];
  stop(): Promise<void>;
  /** The task a stop in progress is waiting for, if any (for a shutdown that does not end). */
  stoppingTask(): string | undefined;
}

export interface StartNodeOptions {
  services: readonly ServiceName[];
  processName?: string;
  clock?: Clock;
  logger?: Logger;
  inMemory?: boolean;
  /** With inMemory: a data directory to start the embedded database from (AppContextOptions). */
  embeddedTemplate?: Blob;
}

export async function startNode(config: Config, options: StartNodeOptions): Promise<RunningNode> {
  const ctx = await createAppContext(config, {
    processName: options.processName ?? (options.services.length === 1 ? options.services[0]! : 'all-in-one'),
    clock: options.clock,
    logger: options.logger,
    inMemory: options.inMemory,
    embeddedTemplate: options.embeddedTemplate,
  });
  const runner = new TaskRunner(ctx.logger);
  try {
    const http = createHttpServer({ logger: ctx.logger, metrics: ctx.metrics, readiness: ctx.readiness, bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
    await registerOpenApi(http);
    // One WebSocket plugin per server (ingest sessions, live feed); frames over the limit close 1009,
    // logged as the client's doing rather than as our error.
    await http.register(websocket, {
      options: { maxPayload: config.INGEST_MAX_MESSAGE_BYTES, handleProtocols: chooseProtocol },
      errorHandler: (error, socket, request) => handleWebsocketError(error, socket, request.log),
    });
    const modules: ServiceModule[] = [];
    for (const name of options.services) modules.push(await (await serviceLoaders[name]())(ctx));
    for (const m of modules) await m.registerRoutes?.(http);
    registerApiIndexRoute(http, options.services);

    // Added first, stopped last: the database and queues outlive every task that uses them.
    runner.add({ name: 'context', start: async () => {}, stop: () => ctx.close() });
    for (const m of modules) for (const t of m.tasks ?? []) runner.add(t);
    // Added last, stopped first: stop taking requests before draining the work behind them.
    runner.add({
      name: 'http',
      start: async () => {
        await http.listen({ host: config.HOST, port: config.PORT });
      },
      stop: () => http.close(),
    });
    await runner.start();
    const address = http.server.address() as AddressInfo;
    const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
    const httpBaseUrl = `http://${host}:${address.port}`;
    return {
      ctx,
      http,
      modules,
      httpBaseUrl,
      describe: () => [
        `API            ${httpBaseUrl}/v1  (where to start)`,
        `API docs       ${httpBaseUrl}/docs`,
        `health         ${httpBaseUrl}/health  ready ${httpBaseUrl}/ready  metrics ${httpBaseUrl}/metrics`,
        ...modules.flatMap((m) => m.describe?.(httpBaseUrl) ?? []),
        `database       ${config.mode === 'embedded' ? `embedded PGlite (${options.inMemory ? 'in memory' : config.DATA_DIR})` : 'PostgreSQL (DATABASE_URL)'}`,
        `queues         ${config.REDIS_URL ? 'BullMQ on Redis' : 'BullMQ on PostgreSQL'}`,
      ],
      stop: () => runner.stop(),
      stoppingTask: () => runner.stoppingTask,
    };
  } catch (e) {
    await runner.stop();
    await ctx.close();
    throw e;
  }
}
