// The entropy oracle's Prometheus metrics, registered once per process registry. Without a fresh
// value every beacon fails entropy_expired, so the operator alerts on the age of the latest one.
import { Counter, Gauge, type Registry } from '@cov/shared/metrics';

export interface EntropyTelemetry {
  published: Counter;
  latestTimestampSeconds: Gauge;
}

export function createEntropyTelemetry(registry: Registry): EntropyTelemetry {
  return {
    published: new Counter({ name: 'cov_entropy_published_total', help: 'Entropy values this process published.', registers: [registry] }),
    latestTimestampSeconds: new Gauge({
      name: 'cov_entropy_latest_timestamp_seconds',
      help: 'Timestamp (Unix seconds) of the latest stored entropy value, whichever replica published it, as of this process\'s last check (about once a second). Alert when time() minus it exceeds two ENTROPY_INTERVAL_MS: beacons cannot embed a fresh value and fail entropy_expired.',
      registers: [registry],
    }),
  };
}
