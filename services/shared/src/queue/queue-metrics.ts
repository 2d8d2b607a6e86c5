/**
 * Queue depths for /metrics: `cov_queue_jobs{queue,state}` is read from the queue backend when
 * Prometheus scrapes, for the queues this process uses (the verifier's), so it is never older than
 * the scrape. The read is bounded (the factory's readiness bound, 2 s): with Redis or the queue
 * tables unreachable the scrape still answers, without the gauge, and
 * `cov_queue_jobs_read_failures_total` counts it.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { QueueFactory } from './queue-factory';

export function registerQueueMetrics(registry: Registry, queues: Pick<QueueFactory, 'jobCounts'>): void {
  // A scrape collects every metric at once: the counter waits for the gauge's read (registered
  // first, so started first) and shows a failure in the same scrape.
  let failures: Counter | undefined;
  let lastRead: Promise<void> = Promise.resolve();
  new Gauge({
    name: 'cov_queue_jobs',
    help: 'Jobs in each queue this process uses, by state (waiting, active, delayed, failed), read from the queue backend at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect() {
      lastRead = (async () => {
        try {
          const all = await queues.jobCounts();
          this.reset();
          for (const { queue, counts } of all) for (const [state, jobs] of Object.entries(counts)) this.set({ queue, state }, jobs);
        } catch {
          // No numbers rather than stale ones.
          this.reset();
          failures?.inc();
        }
      })();
      return lastRead;
    },
  });
  failures = new Counter({
    name: 'cov_queue_jobs_read_failures_total',
    help: 'Scrapes at which the queue backend did not give its job counts in time; cov_queue_jobs is absent from those.',
    registers: [registry],
    collect: () => lastRead,
  });
}
