import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../metrics';
import { createHttpServer, type ReadinessCheck } from './create-http-server';

function server(readiness: ReadinessCheck[], lines: { msg: string; url?: string; req?: { url: string }; checks?: unknown }[] = []) {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return createHttpServer({ logger, metrics: createMetricsRegistry('t'), readiness, bodyLimitBytes: 1024, readinessTimeoutMs: 300 });
}

describe('operational routes', () => {
  it('/ready answers 503 naming a dependency that does not answer, instead of hanging the probe', async () => {
    const app = server([
      { name: 'database', check: async () => true },
      { name: 'queue', check: () => new Promise<boolean>(() => {}) },
    ]);
    const started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not_ready', checks: { database: true, queue: false } });
    await app.close();
  });

  it('does not log probes and scrapes, but logs a failed readiness check once as a warning', async () => {
    const lines: { msg: string; req?: { url: string }; checks?: unknown }[] = [];
    let queueUp = true;
    const app = server([{ name: 'queue', check: async () => queueUp }], lines);
    for (const url of ['/health', '/ready', '/metrics']) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    expect(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
    queueUp = false;
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    expect(lines.map((l) => [l.msg, l.checks])).toEqual([['not ready', { queue: false }]]);
    // Other routes are still logged.
    await app.inject({ method: 'GET', url: '/nowhere' });
    expect(lines.some((l) => l.msg === 'incoming request' && l.req?.url === '/nowhere')).toBe(true);
    await app.close();
  });
});
