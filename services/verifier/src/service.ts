/**
 * The verifier service: a poller that finds beacons whose entropy window has closed and puts
 * batches of their ids on the verifyBeacons queue, and workers that verify each batch in one
 * transaction. Wiring only; see README.md for what it checks and in which order.
 */
import type { Worker } from 'bullmq';
import { periodicTask } from '@cov/shared/runtime/task-runner';
import type { ServiceFactory } from '@cov/shared/runtime/service';
import { BeaconPoller } from './beacon-poller';
import { DenylistCache } from './denylist-repository';
import { createVerifierTelemetry } from './telemetry';
import { verifyBeaconBatch } from './verify-beacon-batch';
import { verifierSettingsFrom } from './verifier-settings';

export const createVerifierService: ServiceFactory = async (ctx) => {
  const settings = verifierSettingsFrom(ctx.config);
  const telemetry = createVerifierTelemetry(ctx.metrics);
  const deps = { sql: ctx.database.sql, settings, denylist: new DenylistCache(), nowMs: () => ctx.clock.nowMs() };
  const queue = ctx.queues.queue('verifyBeacons');
  const poller = new BeaconPoller({
    sql: ctx.database.sql,
    settings,
    clock: ctx.clock,
    telemetry,
    logger: ctx.logger,
    enqueue: (batches) => queue.addBatch(batches.map((beaconIds) => ({ beaconIds }))),
  });

  let worker: Worker | undefined;
  return {
    name: 'verifier',
    tasks: [
      {
        name: 'verifier-workers',
        async start() {
          worker = ctx.queues.worker(
            'verifyBeacons',
            async ({ beaconIds }) => {
              const stopTimer = telemetry.batchSeconds.startTimer();
              try {
                const result = await verifyBeaconBatch(deps, beaconIds);
                for (const b of result.beacons) telemetry.beacons.inc({ result: b.reason ?? 'valid' });
                for (const w of result.witnesses) telemetry.witnesses.inc({ result: w.reason ?? 'valid' });
                return { verified: result.beacons.length, witnesses: result.witnesses.length, skipped: result.skipped.length };
              } catch (e) {
                telemetry.batchFailures.inc();
                ctx.logger.error({ err: e, beacons: beaconIds.length }, 'verify batch failed; rolled back, will be retried');
                throw e;
              } finally {
                stopTimer();
              }
            },
            { concurrency: settings.concurrency },
          );
        },
        async stop() {
          if (worker) await ctx.queues.closeWorker(worker);
        },
      },
      periodicTask('verifier-poller', settings.pollIntervalMs, async () => void (await poller.tick()), ctx.logger),
    ],
    describe: () => [`verifier       polls every ${settings.pollIntervalMs} ms, ${settings.concurrency} x ${settings.batchBeacons}-beacon batches`],
  };
};
