import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
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

  it('orders the table by code', () => {
    expect(errorCodeTable({ 'b.x': 404, 'a.y': 400 }).split('\n').slice(2)).toEqual(['| `a.y` | 400 |', '| `b.x` | 404 |']);
  });
});
