/**
 * Requests per route for every HTTP server: a counter and a latency histogram, recorded in one
 * onResponse hook. Routes are labelled by their template (`/v1/hotspots/:address`), never by the
 * URL a client sent, so the label set stays as small as the route table; every URL no route
 * matches shares the label `unmatched`. Probes and scrapes (/health, /ready, /metrics) are counted
 * but kept out of the histogram, so the health checkers' and Prometheus's own requests do not pull
 * the API's latency quantiles down.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The route label of a request no route matched (404s of any URL, malformed URLs). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Routes that answer health checkers and scrapers: counted, but not timed. */
export const PROBE_ROUTES: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/**
 * Seconds. From 5 ms (a cached read) to 10 s (beyond any client's patience); the API's reads sit in
 * the tens of milliseconds and an alert at p99 > 1 s falls on a bucket bound.
 */
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The metric already in the registry under that name, or a new one registered there. */
function registered<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export function registerHttpMetrics(app: FastifyInstance<any, any, any, any, any>, registry: Registry): void {
  const requests = registered(
    registry,
    'cov_http_requests_total',
    () =>
      new Counter({
        name: 'cov_http_requests_total',
        help: 'HTTP requests answered, by method, route template (`unmatched` when no route matched) and status code.',
        labelNames: ['method', 'route', 'status_code'] as const,
        registers: [registry],
      }),
  );
  const duration = registered(
    registry,
    'cov_http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'cov_http_request_duration_seconds',
        help: 'Time from receiving an HTTP request to the end of its answer, by method, route template and status class (2xx, 4xx, 5xx); /health, /ready and /metrics are not timed.',
        labelNames: ['method', 'route', 'status_class'] as const,
        buckets: DURATION_BUCKETS_SECONDS,
        registers: [registry],
      }),
  );
  // A callback hook rather than an async one: it runs on every request, and allocates no promise.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    requests.inc({ method: request.method, route, status_code: status });
    if (!PROBE_ROUTES.has(route)) {
      duration.observe({ method: request.method, route, status_class: `${Math.floor(status / 100)}xx` }, reply.elapsedTime / 1000);
    }
    done();
  });
}
