import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Type } from 'typebox';
import { AppError } from '../errors';
import { createMetricsRegistry } from '../metrics';
import { createHttpServer } from './create-http-server';

function server() {
  const app = createHttpServer({ logger: pino({ level: 'silent' }), metrics: createMetricsRegistry('t'), readiness: [{ name: 'db', check: async () => false }], bodyLimitBytes: 1024 });
  app.post('/echo', { schema: { body: Type.Object({ n: Type.Integer({ minimum: 1 }) }) } }, async (r) => r.body);
  app.get('/coded', async () => {
    throw new AppError('hotspots.not_found', 'no such hotspot', { address: 'x' });
  });
  app.get('/boom', async () => {
    throw new Error('secret connection string postgres://u:p@h');
  });
  return app;
}

describe('the one error mapping', () => {
  it('answers coded errors with their status, code, details and the request id', async () => {
    const res = await server().inject({ method: 'GET', url: '/coded', headers: { 'x-request-id': 'req-1' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'hotspots.not_found', message: 'no such hotspot', details: { address: 'x' } }, requestId: 'req-1' });
    expect(res.headers['x-request-id']).toBe('req-1');
  });

  it('answers schema failures with 400 naming the failing field', async () => {
    const res = await server().inject({ method: 'POST', url: '/echo', payload: { n: 0 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'request.invalid', details: { field: 'body/n' } });
  });

  it('maps malformed JSON, oversize bodies and wrong media types to stable codes', async () => {
    const app = server();
    const bad = await app.inject({ method: 'POST', url: '/echo', payload: '{"n":', headers: { 'content-type': 'application/json' } });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'request.invalid']);
    const big = await app.inject({ method: 'POST', url: '/echo', payload: JSON.stringify({ n: 1, pad: 'x'.repeat(5000) }), headers: { 'content-type': 'application/json' } });
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'request.too_large']);
    const media = await app.inject({ method: 'POST', url: '/echo', payload: 'n=1', headers: { 'content-type': 'text/csv' } });
    expect([media.statusCode, media.json().error.code]).toEqual([415, 'request.unsupported_media_type']);
  });

  it('never leaks internals in a 500', async () => {
    const res = await server().inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('postgres://');
    expect(res.json().error).toEqual({ code: 'internal.error', message: 'internal error' });
  });

  it('serves health, readiness with per-check results, and Prometheus metrics', async () => {
    const app = server();
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not_ready', checks: { db: false } });
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toContain('cov_process_cpu_user_seconds_total');
  });
});
