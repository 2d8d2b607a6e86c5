import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Type } from 'typebox';
import { AppError } from '../errors';
import { createMetricsRegistry } from '../metrics';
import { createHttpServer } from './create-http-server';

function server() {
  const app = createHttpServer({ logger: pino({ level: 'silent' }), metrics: createMetricsRegistry('t'), readiness: [{ name: 'db', check: async () => false }], bodyLimitBytes: 1024 });
  app.post('/echo', { schema: { body: Type.Object({ n: Type.Integer({ minimum: 1 }) }) } }, async (r) => r.body);
  app.get('/query', { schema: { querystring: Type.Object({ n: Type.Integer({ minimum: 1 }), tags: Type.Optional(Type.Array(Type.String())) }) } }, async (r) => r.query);
  app.get('/choice', { schema: { querystring: Type.Object({ bucket: Type.Union([Type.Literal('epoch'), Type.Literal('day'), Type.Literal('week')], { default: 'epoch' }) }) } }, async (r) => r.query);
  app.post('/text/:id', { schema: { params: Type.Object({ id: Type.String() }), body: Type.Object({ name: Type.String(), shape: Type.Optional(Type.Unknown()) }) } }, async (r) => r.body);
  const Http = Type.Object({ protocol: Type.Literal('http'), url: Type.String() }, { additionalProperties: false });
  const Udp = Type.Object({ protocol: Type.Literal('udp'), port: Type.Integer({ maximum: 65535 }) }, { additionalProperties: false });
  app.post('/endpoint', { schema: { body: Type.Object({ endpoint: Type.Unsafe({ type: 'object', oneOf: [Http, Udp], discriminator: { propertyName: 'protocol' } }) }) } }, async (r) => r.body);
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

  it('names the allowed values when a choice parameter gets another', async () => {
    const res = await server().inject({ method: 'GET', url: '/choice?bucket=month' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'request.invalid', message: 'querystring/bucket: must be one of epoch, day, week', details: { field: 'querystring/bucket', allowed: ['epoch', 'day', 'week'] } });
    expect((await server().inject({ method: 'GET', url: '/choice?bucket=day' })).json()).toEqual({ bucket: 'day' });
  });

  it('names the failing field of the member a discriminated union names, not of its first member', async () => {
    const app = server();
    const field = async (endpoint: unknown) => (await app.inject({ method: 'POST', url: '/endpoint', payload: { endpoint } })).json().error?.details?.field;
    expect(await field({ protocol: 'udp', port: 70000 })).toBe('body/endpoint/port');
    expect(await field({ protocol: 'udp', port: 1, url: 'x' })).toBe('body/endpoint/url');
    expect(await field({ protocol: 'http' })).toBe('body/endpoint/url');
    expect(await field({ protocol: 'ftp', url: 'x' })).toBe('body/endpoint/protocol');
    expect(await field({ url: 'x' })).toBe('body/endpoint/protocol');
    expect((await app.inject({ method: 'POST', url: '/endpoint', payload: { endpoint: { protocol: 'udp', port: 1700 } } })).statusCode).toBe(200);
  });

  it('names a property the schema does not take', async () => {
    const app = server();
    const res = await app.inject({ method: 'POST', url: '/endpoint', payload: { endpoint: { protocol: 'udp', port: 1, url: 'x' } } });
    expect(res.json().error).toMatchObject({ code: 'request.invalid', message: 'body/endpoint/url: not a field this route takes', details: { field: 'body/endpoint/url' } });
  });

  it('refuses a query parameter the route does not take, on routes with and without a query schema', async () => {
    const app = server();
    app.get('/open', { schema: { querystring: Type.Object({ q: Type.Optional(Type.String()) }, { additionalProperties: true }) } }, async (r) => r.query);
    const typo = await app.inject({ method: 'GET', url: '/query?n=1&m=2' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().error).toEqual({ code: 'request.invalid', message: 'querystring/m: not a parameter this route takes', details: { field: 'querystring/m' } });
    const none = await app.inject({ method: 'GET', url: '/coded?verbose=1' });
    expect([none.statusCode, none.json().error.details]).toEqual([400, { field: 'querystring/verbose' }]);
    expect((await app.inject({ method: 'GET', url: '/query?n=1&tags=a' })).json()).toEqual({ n: 1, tags: ['a'] });
    expect((await app.inject({ method: 'GET', url: '/coded' })).statusCode).toBe(404);
    // A schema that opts out keeps its own rule.
    expect((await app.inject({ method: 'GET', url: '/open?q=a&extra=b' })).json()).toEqual({ q: 'a', extra: 'b' });
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

  it('refuses text PostgreSQL cannot store (NUL, lone surrogates) anywhere in a request, naming where', async () => {
    const app = server();
    const post = (url: string, payload: string) => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
    const cases: [string, string, string][] = [
      ['/text/a', '{"name":"a\\u0000b"}', 'body/name'],
      ['/text/a', '{"name":"\\ud800"}', 'body/name'],
      ['/text/a', '{"name":"x","shape":{"k":["ok","\\udc00x"]}}', 'body/shape/k/1'],
      ['/text/a', '{"name":"x","shape":{"k\\u0000":1}}', 'body/shape/k\u0000'],
      ['/text/a%00', '{"name":"x"}', 'params/id'],
      ['/text/a?note=%00', '{"name":"x"}', 'querystring/note'],
    ];
    for (const [url, payload, field] of cases) {
      const res = await post(url, payload);
      expect([url, payload, res.statusCode, res.json().error.code, res.json().error.details]).toEqual([url, payload, 400, 'request.invalid', { field }]);
    }
    // A well-formed pair (an emoji) and ordinary text pass.
    expect((await post('/text/a', '{"name":"\\ud83c\\udf89 caf\u00e9"}')).json()).toEqual({ name: '\u{1f389} caf\u00e9' });
  });

  it('refuses numbers that type coercion made infinite, which Ajv lets past minimum and maximum', async () => {
    const app = server();
    for (const n of ['Infinity', '-Infinity', '1e400']) {
      const res = await app.inject({ method: 'GET', url: `/query?n=${n}` });
      expect([n, res.statusCode, res.json().error]).toEqual([n, 400, { code: 'request.invalid', message: 'querystring/n: must be a finite number', details: { field: 'querystring/n' } }]);
    }
    // JSON.parse reads 1e400 as Infinity: refused where the schema leaves the value untyped.
    const post = (url: string, payload: string) => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
    expect((await post('/text/a', '{"name":"x","shape":[[1e400,0]]}')).json().error.details).toEqual({ field: 'body/shape/0/0' });
  });

  it('coerces query strings, which are text, but takes a JSON body only with its own types', async () => {
    const app = server();
    expect((await app.inject({ method: 'GET', url: '/query?n=7&tags=a' })).json()).toEqual({ n: 7, tags: ['a'] });
    const post = (payload: string) => app.inject({ method: 'POST', url: '/echo', payload, headers: { 'content-type': 'application/json' } });
    expect((await post('{"n":7}')).json()).toEqual({ n: 7 });
    for (const n of ['"7"', 'true', '"0x10"', '"Infinity"', '"1e400"', '[7]', 'null']) {
      const res = await post(`{"n":${n}}`);
      expect([n, res.statusCode, res.json().error.code, res.json().error.details]).toEqual([n, 400, 'request.invalid', { field: 'body/n' }]);
    }
  });

  it('answers over-long path parameters and undecodable URLs with the usual error body', async () => {
    const app = server();
    const long = await app.inject({ method: 'POST', url: `/text/${'a'.repeat(101)}`, payload: { name: 'x' } });
    expect([long.statusCode, long.json().error.code, typeof long.json().requestId]).toEqual([400, 'request.invalid', 'string']);
    const undecodable = await app.inject({ method: 'POST', url: '/text/%zz', payload: { name: 'x' } });
    expect([undecodable.statusCode, undecodable.json().error.code]).toEqual([400, 'request.invalid']);
    // A query string that does not decode is refused too, naming the parameter: it was taken as its
    // raw text (?note=%FF stored "%FF").
    for (const [query, field] of [['n=1&tags=%FF', 'querystring/tags'], ['n=%E0%A4%A', 'querystring/n'], ['n=1&tags=%ED%A0%80', 'querystring/tags'], ['n=1&%FF=1', 'querystring/%FF']]) {
      const res = await app.inject({ method: 'GET', url: `/query?${query}` });
      expect([query, res.statusCode, res.json().error.code, res.json().error.details]).toEqual([query, 400, 'request.invalid', { field }]);
    }
    expect((await app.inject({ method: 'GET', url: '/query?n=1&tags=caf%C3%A9+au+lait&tags=100%25' })).json()).toEqual({ n: 1, tags: ['café au lait', '100%'] });
    // With the request id in its header, as every other answer (no route hook runs for these).
    for (const res of [long, undecodable]) expect(res.headers['x-request-id']).toBe(res.json().requestId);
  });
});
