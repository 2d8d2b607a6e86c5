import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Type } from 'typebox';
import { errorCatalog } from '../errors';
import { createMetricsRegistry } from '../metrics';
import { createHttpServer } from './create-http-server';
import { errorCodeTable, registerOpenApi } from './openapi';

describe('the OpenAPI document', () => {
  it('lists every error code with the status it is answered with, as the routes name statuses only', async () => {
    const app = createHttpServer({ logger: pino({ level: 'silent' }), metrics: createMetricsRegistry('t'), readiness: [], bodyLimitBytes: 1024 });
    await registerOpenApi(app);
    await app.ready();
    const description = (app.swagger() as { info: { description: string } }).info.description;
    for (const [code, status] of Object.entries(errorCatalog)) expect(description).toContain(`| \`${code}\` | ${status} |`);
    await app.close();
  });

  it('lists 413 and 415 on every route that reads a body, which Fastify answers before the route runs', async () => {
    const app = createHttpServer({ logger: pino({ level: 'silent' }), metrics: createMetricsRegistry('t'), readiness: [], bodyLimitBytes: 1024 });
    await registerOpenApi(app);
    const errors = { 400: Type.Ref('ErrorResponse') };
    app.post('/things', { schema: { body: Type.Object({ n: Type.Integer() }), response: { 201: Type.Object({}), ...errors } } }, async () => ({}));
    app.delete('/things/:id', { schema: { params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), ...errors } } }, async () => null);
    app.get('/things', { schema: { response: { 200: Type.Object({}), ...errors } } }, async () => ({}));
    await app.ready();
    const paths = (app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }).paths;
    expect(Object.keys(paths['/things']!.post!.responses).sort()).toEqual(['201', '400', '413', '415']);
    expect(Object.keys(paths['/things/{id}']!.delete!.responses).sort()).toEqual(['204', '400', '413', '415']);
    expect(Object.keys(paths['/things']!.get!.responses).sort()).toEqual(['200', '400']);
    expect(paths['/things']!.post!.responses['415']).toEqual(paths['/things']!.post!.responses['400']);
    // And they are what the server answers.
    const wrongType = await app.inject({ method: 'DELETE', url: '/things/1', payload: '<a/>', headers: { 'content-type': 'application/xml' } });
    expect([wrongType.statusCode, wrongType.json().error.code]).toEqual([415, 'request.unsupported_media_type']);
    const tooBig = await app.inject({ method: 'POST', url: '/things', payload: JSON.stringify({ n: 1, pad: 'x'.repeat(2000) }), headers: { 'content-type': 'application/json' } });
    expect([tooBig.statusCode, tooBig.json().error.code]).toEqual([413, 'request.too_large']);
    await app.close();
  });

  it('orders the table by code', () => {
    expect(errorCodeTable({ 'b.x': 404, 'a.y': 400 }).split('\n').slice(2)).toEqual(['| `a.y` | 400 |', '| `b.x` | 404 |']);
  });
});
