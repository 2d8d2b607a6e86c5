import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Registry } from 'prom-client';
import { createMetricsRegistry } from '../metrics';
import { createHttpServer } from './create-http-server';

function server() {
  const metrics = createMetricsRegistry('t');
  const app = createHttpServer({ logger: pino({ level: 'silent' }), metrics, readiness: [], bodyLimitBytes: 1024 });
  app.get('/v1/hotspots/:address', async (request) => ({ address: (request.params as { address: string }).address }));
  app.get('/v1/broken', async () => {
    throw new Error('boom');
  });
  return { app, metrics };
}

/** The metric's samples as `name{labels} value` lines, without the default `process` label. */
async function samples(metrics: Registry, name: string): Promise<Map<string, number>> {
  const metric = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
  const out = new Map<string, number>();
  for (const v of (metric?.values ?? []) as { metricName?: string; labels: Record<string, string | number>; value: number }[]) {
    const { process: _process, ...labels } = v.labels;
    const key = `${v.metricName ?? name}${JSON.stringify(labels)}`;
    out.set(key, v.value);
  }
  return out;
}

describe('HTTP request metrics', () => {
  it('counts a request under its route template, not the URL it was sent to', async () => {
    const { app, metrics } = server();
    for (const address of ['a1', 'b2', 'c3']) expect((await app.inject({ method: 'GET', url: `/v1/hotspots/${address}?x=1` })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/hotspots/a1' })).statusCode).toBe(200);
    const counts = await samples(metrics, 'cov_http_requests_total');
    expect(counts.get('cov_http_requests_total{"method":"GET","route":"/v1/hotspots/:address","status_code":400}')).toBe(3);
    expect(counts.get('cov_http_requests_total{"method":"GET","route":"/v1/hotspots/:address","status_code":200}')).toBe(1);
    expect([...counts.keys()].some((k) => k.includes('a1') || k.includes('b2'))).toBe(false);
    const durations = await samples(metrics, 'cov_http_request_duration_seconds');
    expect(durations.get('cov_http_request_duration_seconds_count{"method":"GET","route":"/v1/hotspots/:address","status_class":"2xx"}')).toBe(1);
    expect(durations.get('cov_http_request_duration_seconds_count{"method":"GET","route":"/v1/hotspots/:address","status_class":"4xx"}')).toBe(3);
    await app.close();
  });

  it('puts every URL no route matches under the one label `unmatched`', async () => {
    const { app, metrics } = server();
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: `/nowhere/${i}` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/v1/hotspots' })).statusCode).toBe(404);
    const counts = await samples(metrics, 'cov_http_requests_total');
    expect(counts.get('cov_http_requests_total{"method":"GET","route":"unmatched","status_code":404}')).toBe(5);
    expect(counts.get('cov_http_requests_total{"method":"POST","route":"unmatched","status_code":404}')).toBe(1);
    expect([...counts.keys()].filter((k) => k.includes('nowhere'))).toEqual([]);
    await app.close();
  });

  it('counts 5xx answers with their code and status class', async () => {
    const { app, metrics } = server();
    expect((await app.inject({ method: 'GET', url: '/v1/broken' })).statusCode).toBe(500);
    const counts = await samples(metrics, 'cov_http_requests_total');
    expect(counts.get('cov_http_requests_total{"method":"GET","route":"/v1/broken","status_code":500}')).toBe(1);
    const durations = await samples(metrics, 'cov_http_request_duration_seconds');
    expect(durations.get('cov_http_request_duration_seconds_count{"method":"GET","route":"/v1/broken","status_class":"5xx"}')).toBe(1);
    await app.close();
  });

  it('counts probes and scrapes but keeps them out of the latency histogram', async () => {
    const { app, metrics } = server();
    for (const url of ['/health', '/ready', '/metrics']) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    const counts = await samples(metrics, 'cov_http_requests_total');
    expect(counts.get('cov_http_requests_total{"method":"GET","route":"/health","status_code":200}')).toBe(1);
    expect(counts.get('cov_http_requests_total{"method":"GET","route":"/ready","status_code":200}')).toBe(1);
    expect(counts.get('cov_http_requests_total{"method":"GET","route":"/metrics","status_code":200}')).toBe(1);
    const durations = await samples(metrics, 'cov_http_request_duration_seconds');
    expect([...durations.keys()].filter((k) => /health|ready|metrics/.test(k))).toEqual([]);
    await app.close();
  });

  it('records the time the answer took in seconds', async () => {
    const { app, metrics } = server();
    app.get('/v1/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 120));
      return { ok: true };
    });
    await app.inject({ method: 'GET', url: '/v1/slow' });
    const durations = await samples(metrics, 'cov_http_request_duration_seconds');
    const sum = durations.get('cov_http_request_duration_seconds_sum{"method":"GET","route":"/v1/slow","status_class":"2xx"}');
    expect(sum).toBeGreaterThanOrEqual(0.11);
    expect(sum).toBeLessThan(2);
    expect(durations.get('cov_http_request_duration_seconds_bucket{"le":0.1,"method":"GET","route":"/v1/slow","status_class":"2xx"}')).toBe(0);
    expect(durations.get('cov_http_request_duration_seconds_bucket{"le":0.25,"method":"GET","route":"/v1/slow","status_class":"2xx"}')).toBe(1);
    await app.close();
  });

  it('shows the metrics on /metrics in the Prometheus text format', async () => {
    const { app } = server();
    await app.inject({ method: 'GET', url: '/v1/hotspots/zz' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('cov_http_requests_total{method="GET",route="/v1/hotspots/:address",status_code="200",process="t"} 1');
    expect(text).toContain('# TYPE cov_http_request_duration_seconds histogram');
    await app.close();
  });
});
