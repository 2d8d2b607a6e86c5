/**
 * The rewarder service: a periodic task that pays every due epoch whose inputs are complete
 * (epoch-scheduler.ts) and publishes its signed manifest. Wiring only; see README.md.
 */
import type { ServiceFactory } from '@cov/shared/runtime/service';
import { periodicTask } from '@cov/shared/runtime/task-runner';
import { runDueEpochs } from './epoch-scheduler';
import { refreshProvisionalRewards } from './provisional-rewards';
import { fillRewardDistributions } from './reward-distribution-backfill';
import { rewarderDeps } from './rewarder-deps';

export const createRewarderService: ServiceFactory = async (ctx) => {
  const deps = rewarderDeps(ctx);
  return {
    name: 'rewarder',
    tasks: [
      periodicTask(
        'rewarder-epochs',
        ctx.config.REWARDER_POLL_INTERVAL_MS,
        async () => {
          await runDueEpochs(deps);
        },
        ctx.logger,
      ),
      periodicTask(
        'rewarder-distributions',
        ctx.config.REWARDER_POLL_INTERVAL_MS,
        async () => {
          // Each call fills a few epochs; go on until none is left, then wait for the next poll.
          while ((await fillRewardDistributions(deps.sql, ctx.logger)) > 0);
        },
        ctx.logger,
      ),
      ...(ctx.config.PROVISIONAL_REWARDS_INTERVAL_MS > 0
        ? [
            periodicTask(
              'rewarder-provisional',
              ctx.config.PROVISIONAL_REWARDS_INTERVAL_MS,
              async () => {
                const outcomes = await refreshProvisionalRewards(deps);
                ctx.logger.debug({ outcomes }, 'provisional rewards refreshed');
              },
              ctx.logger,
            ),
          ]
        : []),
    ],
    describe: () => [`rewarder       epochs of ${deps.epochLengthMs} ms, manifests in ${deps.manifestsDir}`],
  };
};
