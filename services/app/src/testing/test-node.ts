/**
 * Starts a real node (services, HTTP server, database, queues) for an integration test in one of
 * the runtime modes, on free ports and its own storage:
 * - 'postgres+redis': its own PostgreSQL database (cloned template) and a unique Redis prefix;
 * - 'postgres': PostgreSQL for data and for BullMQ;
 * - 'embedded': in-memory PGlite, exactly the `npm start` path minus the data folder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { inject } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@cov/shared/clock';
import { loadConfig, type Config } from '@cov/shared/config/config';
import { createLogger } from '@cov/shared/logger';
import { withTimeout } from '@cov/shared/runtime/with-timeout';
import { serviceNames, type ServiceName } from '@cov/shared/runtime/service';
import { createTestDatabase, type TestDatabase } from '@cov/shared/testing/test-database';
import { startNode, type RunningNode } from '../compose';

/**
 * Longest a test node may take to stop, below vitest's hook timeout: a stop that hangs then fails
 * the teardown naming the task it waits for, instead of as a bare hook timeout.
 */
const STOP_DEADLINE_MS = 90_000;

function stopWithin(node: RunningNode, deadlineMs: number): Promise<void> {
  return withTimeout(node.stop(), deadlineMs, () => {
    throw new Error(`the test node did not stop within ${deadlineMs} ms; still stopping: ${node.stoppingTask() ?? '(no task)'}`);
  });
}

export type TestMode = 'postgres+redis' | 'postgres' | 'embedded';
export const allTestModes: TestMode[] = ['postgres+redis', 'postgres', 'embedded'];

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON when the answer is JSON. */
  body: any;
}

export interface TestNode extends RunningNode {
  config: Config;
  adminKey: string;
  /** An HTTP request to this node; `body` is sent as JSON, `key` as a bearer API key, `headers` as they are. */
  call(method: string, path: string, body?: unknown, key?: string | null, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** Stops the node and deletes its database and data folder. */
  destroy(): Promise<void>;
}

export interface TestNodeOptions {
  services?: readonly ServiceName[];
  clock?: Clock;
  overrides?: Partial<Record<string, string>>;
  /**
   * Another node whose database and Redis prefix this one uses (server mode, as processes of one
   * deployment: e.g. a second router). It leaves them to that node: destroy() does not drop them.
   */
  storageOf?: TestNode;
}

export async function startTestNode(mode: TestMode, options: TestNodeOptions = {}): Promise<TestNode> {
  const base = loadConfig();
  const dataDir = mkdtempSync(join(tmpdir(), 'cov-test-'));
  let database: TestDatabase | undefined;
  const env: Record<string, string> = {
    PORT: '0',
    GWMP_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: base.TEST_LOG_LEVEL,
    ADMIN_API_KEY: 'test-admin-key',
    DB_POOL_MAX: '5',
    // Tests drive many requests from one address; the limit itself has its own test.
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...options.overrides,
  };
  if (options.storageOf !== undefined) {
    if (mode === 'embedded') throw new Error('an embedded node keeps its database to itself');
    env.DATABASE_URL = options.storageOf.config.DATABASE_URL;
    if (mode === 'postgres+redis') {
      env.REDIS_URL = options.storageOf.config.REDIS_URL;
      env.QUEUE_PREFIX = options.storageOf.config.QUEUE_PREFIX;
    }
  } else if (mode !== 'embedded') {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url;
  }
  if (mode === 'postgres+redis' && options.storageOf === undefined) {
    env.REDIS_URL = base.TEST_REDIS_URL;
    env.QUEUE_PREFIX = `covtest_${database!.name}`;
  }
  const config = loadConfig(env);
  const node = await startNode(config, {
    services: options.services ?? serviceNames,
    clock: options.clock,
    inMemory: mode === 'embedded',
    // Started from the migrated data directory global-setup dumped: no initdb, no migration to replay.
    embeddedTemplate: mode === 'embedded' ? new Blob([readFileSync(inject('embeddedTemplatePath'))]) : undefined,
    logger: createLogger(config, `test-${mode}`),
  });
  return {
    ...node,
    config,
    adminKey: config.ADMIN_API_KEY,
    async call(method, path, body, key, headers) {
      const res = await fetch(`${node.httpBaseUrl}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, body: res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : undefined };
    },
    async destroy() {
      await stopWithin(node, STOP_DEADLINE_MS);
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
