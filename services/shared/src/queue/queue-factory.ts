/**
 * Builds typed BullMQ queues and workers on the configured backend: Redis when REDIS_URL is set,
 * otherwise BullMQ's PostgreSQL backend in the product's own database (embedded mode always).
 * Payloads are validated on the way in and on the way out, so a malformed job fails loudly instead
 * of poisoning a worker.
 */
import { Queue, Worker, UnrecoverableError, createPostgresBackend, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { Value } from 'typebox/value';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { queueRegistry, type PayloadOf, type QueueName } from './registry';
import { withTimeout } from '../runtime/with-timeout';

export type QueueBackendConfig =
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'postgres'; url: string };

export interface TypedQueue<Q extends QueueName> {
  add(payload: PayloadOf<Q>, opts?: JobsOptions): Promise<void>;
  addBatch(payloads: PayloadOf<Q>[], opts?: JobsOptions): Promise<void>;
  raw: Queue;
}

export interface WorkerOptions {
  concurrency?: number;
}

export interface QueueFactory {
  queue<Q extends QueueName>(name: Q): TypedQueue<Q>;
  worker<Q extends QueueName>(name: Q, handler: (payload: PayloadOf<Q>, job: Job) => Promise<unknown>, opts?: WorkerOptions): Worker;
  /**
   * Stops one worker: lets its running jobs finish while the backend answers; while Redis is
   * unreachable, drops them without waiting (they are handed out again as stalled).
   */
  closeWorker(worker: Worker): Promise<void>;
  /** True when the backend answers; used by /ready. */
  isReachable(): Promise<boolean>;
  /**
   * How many jobs each queue this process has opened holds, by state (for /metrics). Bounded like
   * isReachable: rejects when the backend does not answer within readyTimeoutMs.
   */
  jobCounts(): Promise<QueueJobCounts[]>;
  close(): Promise<void>;
}

/** The job states /metrics reports per queue. */
export const JOB_COUNT_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type JobCountState = (typeof JOB_COUNT_STATES)[number];

export interface QueueJobCounts {
  /** The BullMQ queue name (queueRegistry's `name`). */
  queue: string;
  counts: Record<JobCountState, number>;
}

export interface QueueFactoryOptions {
  /** Where connection errors go (throttled); without it they are dropped. */
  logger?: Logger;
  /** How long /ready waits for the queue backend to answer. */
  readyTimeoutMs?: number;
  /** How long adding a job may wait for the queue backend before it fails (default 10 s). */
  addTimeoutMs?: number;
}

/** A Redis connection that is down: a command sent now would wait in ioredis's offline queue until it is back. */
function isDisconnected(status: string | undefined): boolean {
  return status === 'reconnecting' || status === 'close' || status === 'end';
}

/** How often one repeated connection error is logged again while the backend stays down. */
export const QUEUE_ERROR_LOG_INTERVAL_MS = 60_000;

export function createQueueFactory(backend: QueueBackendConfig, options: QueueFactoryOptions = {}): QueueFactory {
  const queues = new Map<QueueName, TypedQueue<QueueName>>();
  const workers: Worker[] = [];
  const redisConnections: Redis[] = [];
  const workerConnections = new Map<Worker, Redis>();
  const readyTimeoutMs = options.readyTimeoutMs ?? 2000;

  // BullMQ queues and workers emit 'error' for every failed reconnection attempt (several a second
  // while Redis is down); with no listener BullMQ writes each one to stderr as a multi-line stack,
  // outside the JSON logs. Each distinct error is logged once as a warning, then again at most once
  // a minute with how often it recurred.
  const lastLogged = new Map<string, { atMs: number; repeats: number }>();
  const onBackendError = (source: string) => (error: Error) => {
    const key = `${source}\u0000${error.message}`;
    const now = Date.now();
    const seen = lastLogged.get(key);
    if (seen !== undefined && now - seen.atMs < QUEUE_ERROR_LOG_INTERVAL_MS) {
      seen.repeats += 1;
      return;
    }
    lastLogged.set(key, { atMs: now, repeats: 0 });
    options.logger?.warn({ queueBackend: backend.kind, source, err: { message: error.message, code: (error as { code?: string }).code }, repeatsSinceLastLog: seen?.repeats ?? 0 }, 'queue backend error');
  };
  const addTimeoutMs = options.addTimeoutMs ?? 10_000;
  // An add waits in ioredis's offline queue while Redis is down, for ever: the producer's tick (the
  // verifier's poller) would never end and SIGTERM would wait for it until the shutdown timeout.
  // After addTimeoutMs the add fails as service.unavailable; producers only enqueue work they can
  // derive again from rows (the verifier's claims expire), and should the add still go through once
  // Redis is back, a duplicate job finds its rows done.
  const bounded = <T>(pending: Promise<T>): Promise<T> =>
    withTimeout(pending, addTimeoutMs, () => {
      throw new AppError('service.unavailable', `queue backend did not take the job within ${addTimeoutMs} ms`);
    });
  const redisIsReady = () => redisConnections.every((c) => c.status === 'ready');

  // One connection for producers; BullMQ duplicates it for blocking worker reads.
  const redis = () => {
    if (backend.kind !== 'redis') throw new Error('not a redis backend');
    const c = new Redis(backend.url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
    c.on('error', onBackendError('redis'));
    redisConnections.push(c);
    return c;
  };
  let sharedRedis: Redis | undefined;

  const baseOptions = () =>
    backend.kind === 'redis'
      ? { connection: (sharedRedis ??= redis()), prefix: backend.prefix }
      : { connection: { connectionString: backend.url, migrate: true, max: 3 } };

  // BullMQ's class constructors take the backend factory as an extra argument; the typings for the
  // Redis and PostgreSQL overloads differ, so the call sites are funnelled through these two.
  const newQueue = (name: string): Queue =>
    backend.kind === 'redis'
      ? new Queue(name, baseOptions() as never)
      : new (Queue as unknown as new (n: string, o: unknown, f: unknown) => Queue)(name, baseOptions(), createPostgresBackend);
  const newWorker = (name: string, fn: (job: Job) => Promise<unknown>, extra: Record<string, unknown>): Worker => {
    if (backend.kind !== 'redis') return new (Worker as unknown as new (n: string, f: unknown, o: unknown, b: unknown) => Worker)(name, fn, { ...baseOptions(), ...extra }, createPostgresBackend);
    const connection = redis();
    const w = new Worker(name, fn, { ...(baseOptions() as object), connection, ...extra } as never);
    workerConnections.set(w, connection);
    return w;
  };

  // Without Redis nothing can drain: a job's result cannot be recorded and BullMQ's close waits for
  // the connection to come back, so SIGTERM would hang until the shutdown timeout and exit 1. Then
  // the worker's connection is dropped first and the worker closed without waiting; its jobs stay
  // active in Redis and are handed out again as stalled (every job can be re-derived from rows).
  const closeWorker = async (w: Worker): Promise<void> => {
    const connection = workerConnections.get(w);
    const drain = connection === undefined || (connection.status === 'ready' && redisIsReady());
    if (!drain) connection.disconnect();
    await w.close(!drain);
  };

  function check<Q extends QueueName>(name: Q, payload: unknown): asserts payload is PayloadOf<Q> {
    const schema = queueRegistry[name].payload;
    if (!Value.Check(schema, payload)) {
      const first = [...Value.Errors(schema, payload)][0];
      throw new AppError('request.invalid', `bad payload for queue ${queueRegistry[name].name}: ${first?.instancePath} ${first?.message}`);
    }
  }

  return {
    queue<Q extends QueueName>(name: Q): TypedQueue<Q> {
      const existing = queues.get(name);
      if (existing) return existing as TypedQueue<Q>;
      const raw = newQueue(queueRegistry[name].name);
      raw.on('error', onBackendError(`queue ${queueRegistry[name].name}`));
      const typed: TypedQueue<Q> = {
        raw,
        async add(payload, opts) {
          check(name, payload);
          await bounded(raw.add(name, payload, { removeOnComplete: 1000, removeOnFail: 5000, attempts: 5, backoff: { type: 'exponential', delay: 500 }, ...opts }));
        },
        async addBatch(payloads, opts) {
          for (const p of payloads) check(name, p);
          await bounded(raw.addBulk(payloads.map((data) => ({ name, data, opts: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 5, backoff: { type: 'exponential', delay: 500 }, ...opts } }))));
        },
      };
      queues.set(name, typed as TypedQueue<QueueName>);
      return typed;
    },
    worker(name, handler, opts = {}) {
      const w = newWorker(
        queueRegistry[name].name,
        async (job: Job) => {
          try {
            check(name, job.data);
          } catch (e) {
            throw new UnrecoverableError((e as Error).message);
          }
          return handler(job.data, job);
        },
        { concurrency: opts.concurrency ?? 1 },
      );
      w.on('error', onBackendError(`worker ${queueRegistry[name].name}`));
      workers.push(w);
      return w;
    },
    async isReachable() {
      // Bounded: a command sent while Redis is down waits in ioredis's offline queue until it comes
      // back (maxRetriesPerRequest: null, as BullMQ requires), so /ready would never answer.
      const probe = async (): Promise<boolean> => {
        if (backend.kind === 'redis') {
          const c = (sharedRedis ??= redis());
          if (isDisconnected(c.status)) return false;
          return (await c.ping()) === 'PONG';
        }
        const q = [...queues.values()][0]?.raw ?? newQueue(queueRegistry.verifyBeacons.name);
        await q.getJobCounts('waiting');
        if (queues.size === 0) await q.close();
        return true;
      };
      try {
        return await withTimeout(probe(), readyTimeoutMs, () => false);
      } catch {
        return false;
      }
    },
    async jobCounts() {
      const opened = [...queues.values()];
      if (opened.length === 0) return [];
      // While Redis is down a command would wait in the offline queue until it returns; a scrape
      // gets no numbers rather than one more pending command each time.
      if (isDisconnected(sharedRedis?.status)) throw new AppError('service.unavailable', 'queue backend not connected');
      const read = Promise.all(
        opened.map(async (q) => {
          const counts = await q.raw.getJobCounts(...JOB_COUNT_STATES);
          return { queue: q.raw.name, counts: Object.fromEntries(JOB_COUNT_STATES.map((state) => [state, counts[state] ?? 0])) as Record<JobCountState, number> };
        }),
      );
      return withTimeout(read, readyTimeoutMs, () => {
        throw new AppError('service.unavailable', `queue backend did not answer within ${readyTimeoutMs} ms`);
      });
    },
    closeWorker,
    async close() {
      const drain = backend.kind !== 'redis' || redisIsReady();
      if (!drain) {
        options.logger?.warn('queue backend unreachable at shutdown: in-flight jobs are abandoned, to be handed out again');
        for (const c of redisConnections) c.disconnect();
      }
      // Workers first so in-flight jobs finish (drain) before their producers go away.
      await Promise.all(workers.map((w) => closeWorker(w)));
      await Promise.all([...queues.values()].map((q) => q.raw.close()));
      for (const c of redisConnections) c.disconnect();
    },
  };
}
