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
import { queueRegistry, type PayloadOf, type QueueName } from './registry';

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
  /** True when the backend answers; used by /ready. */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

export function createQueueFactory(backend: QueueBackendConfig): QueueFactory {
  const queues = new Map<QueueName, TypedQueue<QueueName>>();
  const workers: Worker[] = [];
  const redisConnections: Redis[] = [];

  // One connection for producers; BullMQ duplicates it for blocking worker reads.
  const redis = () => {
    if (backend.kind !== 'redis') throw new Error('not a redis backend');
    const c = new Redis(backend.url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
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
  const newWorker = (name: string, fn: (job: Job) => Promise<unknown>, extra: Record<string, unknown>): Worker =>
    backend.kind === 'redis'
      ? new Worker(name, fn, { ...(baseOptions() as object), connection: redis(), ...extra } as never)
      : new (Worker as unknown as new (n: string, f: unknown, o: unknown, b: unknown) => Worker)(name, fn, { ...baseOptions(), ...extra }, createPostgresBackend);

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
      const typed: TypedQueue<Q> = {
        raw,
        async add(payload, opts) {
          check(name, payload);
          await raw.add(name, payload, { removeOnComplete: 1000, removeOnFail: 5000, attempts: 5, backoff: { type: 'exponential', delay: 500 }, ...opts });
        },
        async addBatch(payloads, opts) {
          for (const p of payloads) check(name, p);
          await raw.addBulk(payloads.map((data) => ({ name, data, opts: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 5, backoff: { type: 'exponential', delay: 500 }, ...opts } })));
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
      workers.push(w);
      return w;
    },
    async isReachable() {
      try {
        if (backend.kind === 'redis') return (await (sharedRedis ??= redis()).ping()) === 'PONG';
        const q = [...queues.values()][0]?.raw ?? newQueue(queueRegistry.verifyBeacons.name);
        await q.getJobCounts('waiting');
        if (queues.size === 0) await q.close();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      // Workers first so in-flight jobs finish (drain) before their producers go away.
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.raw.close()));
      for (const c of redisConnections) c.disconnect();
    },
  };
}
