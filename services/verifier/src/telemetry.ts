// The verifier's Prometheus metrics, registered once per process registry.
import { Counter, Gauge, Histogram, type Registry } from '@cov/shared/metrics';

export interface VerifierTelemetry {
  beacons: Counter<'result'>;
  witnesses: Counter<'result'>;
  batchSeconds: Histogram;
  batchFailures: Counter;
  enqueuedBeacons: Counter;
  staleWitnesses: Counter;
  oldestPendingAgeMs: Gauge;
}

export function createVerifierTelemetry(registry: Registry): VerifierTelemetry {
  return {
    beacons: new Counter({ name: 'cov_verifier_beacons_total', help: 'Beacons verified, by result (valid or the reason).', labelNames: ['result'], registers: [registry] }),
    witnesses: new Counter({ name: 'cov_verifier_witnesses_total', help: 'Witness reports verified, by result (valid or the reason).', labelNames: ['result'], registers: [registry] }),
    batchSeconds: new Histogram({ name: 'cov_verifier_batch_seconds', help: 'Time to verify and commit one batch.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry] }),
    batchFailures: new Counter({ name: 'cov_verifier_batch_failures_total', help: 'Batches rolled back (retried by the queue).', registers: [registry] }),
    enqueuedBeacons: new Counter({ name: 'cov_verifier_enqueued_beacons_total', help: 'Beacon ids handed to the verify queue by the poller.', registers: [registry] }),
    staleWitnesses: new Counter({ name: 'cov_verifier_stale_witnesses_total', help: 'Witness reports aged out without a beacon.', registers: [registry] }),
    oldestPendingAgeMs: new Gauge({ name: 'cov_verifier_oldest_pending_beacon_age_ms', help: 'Age of the oldest unverified beacon (a stuck batch shows here).', registers: [registry] }),
  };
}
