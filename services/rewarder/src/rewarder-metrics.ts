// Prometheus metrics of the rewarder, registered once per registry.
import { Counter, Gauge, Histogram, type Registry } from '@cov/shared/metrics';

export interface RewarderMetrics {
  epochsComputed: Counter<string>;
  epochWaits: Counter<'reason'>;
  computeSeconds: Histogram<string>;
  lastComputedEpoch: Gauge<string>;
  waitingEpoch: Gauge<string>;
  pendingBeacons: Gauge<string>;
  nextEpochDueSeconds: Gauge<string>;
  provisionalSeconds: Histogram<string>;
  provisionalAsOfSeconds: Gauge<string>;
}

const byRegistry = new WeakMap<Registry, RewarderMetrics>();

export function rewarderMetrics(registry: Registry): RewarderMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: RewarderMetrics = {
    epochsComputed: new Counter({ name: 'cov_rewarder_epochs_computed_total', help: 'Epochs whose rewards were computed and published.', registers }),
    epochWaits: new Counter({
      name: 'cov_rewarder_epoch_waits_total',
      help: 'Times a due epoch was not computed because its inputs were not complete, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    computeSeconds: new Histogram({
      name: 'cov_rewarder_epoch_compute_seconds',
      help: 'Time to compute, write and publish one epoch.',
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
      registers,
    }),
    lastComputedEpoch: new Gauge({ name: 'cov_rewarder_last_computed_epoch', help: 'Latest epoch whose manifest is published (read from the database at every tick, so also right after a restart).', registers }),
    nextEpochDueSeconds: new Gauge({
      name: 'cov_rewarder_next_epoch_due_timestamp_seconds',
      help: 'When the next unpaid epoch becomes due (its end plus EPOCH_SETTLE_DELAY_MS), Unix seconds; updated every tick. time() minus it is how late that epoch is: alert when it exceeds an hour or so.',
      registers,
    }),
    provisionalSeconds: new Histogram({
      name: 'cov_rewarder_provisional_seconds',
      help: 'Time to recompute the provisional rewards of one epoch not paid yet.',
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300],
      registers,
    }),
    provisionalAsOfSeconds: new Gauge({
      name: 'cov_rewarder_provisional_as_of_timestamp_seconds',
      help: 'Inputs recorded up to this instant (Unix seconds) are in the latest provisional rewards; time() minus it is how stale owners\' "earned so far" is.',
      registers,
    }),
    waitingEpoch: new Gauge({ name: 'cov_rewarder_waiting_epoch', help: 'Due epoch waiting for complete inputs (-1 when none).', registers }),
    pendingBeacons: new Gauge({ name: 'cov_rewarder_pending_beacons', help: 'Unverified beacon reports in the epoch the rewarder waits for.', registers }),
  };
  metrics.waitingEpoch.set(-1);
  byRegistry.set(registry, metrics);
  return metrics;
}
