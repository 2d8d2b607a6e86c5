/**
 * Prometheus metrics. Each process (or each app instance in tests) owns one registry, passed to
 * every service's telemetry module, so instances never collide on metric names and /metrics shows
 * everything the process does.
 */
import { Registry, collectDefaultMetrics, Counter, Histogram, Gauge } from 'prom-client';

export { Registry, Counter, Histogram, Gauge };

export function createMetricsRegistry(processName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry, prefix: 'cov_' });
  return registry;
}
