import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { parseCorsOrigins } from './cors';

describe('CORS_ORIGINS', () => {
  it('reads *, a list (trailing slashes dropped) or none', () => {
    expect(parseCorsOrigins('*')).toBe('*');
    expect(parseCorsOrigins(' https://explorer.example/, https://console.example ')).toEqual(['https://explorer.example', 'https://console.example']);
    expect([parseCorsOrigins('none'), parseCorsOrigins('')]).toEqual([false, false]);
  });
});

describe('cross-origin calls from browser apps', () => {
  const nodes: TestNode[] = [];
  const start = async (origins: string) => {
    const node = await startTestNode('postgres', { services: ['api'], overrides: { CORS_ORIGINS: origins } });
    nodes.push(node);
    return node;
  };
  const preflight = (node: TestNode, origin: string, method: string, headers: string) =>
    fetch(`${node.httpBaseUrl}/v1/orgs/00000000-0000-4000-8000-000000000000/dc`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
    });
  let open: TestNode;
  let listed: TestNode;
  let off: TestNode;

  beforeAll(async () => {
    [open, listed, off] = [await start('*'), await start('https://explorer.example'), await start('none')];
  });
  afterAll(async () => {
    for (const node of nodes) await node.destroy();
  });

  it('lets any origin read the public API by default, with the headers a client needs exposed', async () => {
    const res = await fetch(`${open.httpBaseUrl}/v1/stats`, { headers: { origin: 'https://someone.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/)).toEqual(expect.arrayContaining(['etag', 'ratelimit-remaining', 'retry-after', 'x-request-id']));
  });

  it('lets a browser app read the next-page cursor of a paged CSV export', async () => {
    const res = await fetch(`${open.httpBaseUrl}/v1/stats`, { headers: { origin: 'https://explorer.example' } });
    expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/)).toContain('x-next-cursor');
  });

  it('answers a preflight for a keyed write with the methods and headers it may send', async () => {
    const res = await preflight(open, 'https://console.example', 'POST', 'authorization,content-type,idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']));
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('allows only listed origins when CORS_ORIGINS lists them, and none when it is none', async () => {
    const allowed = await fetch(`${listed.httpBaseUrl}/v1/stats`, { headers: { origin: 'https://explorer.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://explorer.example');
    expect(allowed.headers.get('vary')?.toLowerCase()).toContain('origin');
    const other = await fetch(`${listed.httpBaseUrl}/v1/stats`, { headers: { origin: 'https://elsewhere.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const none = await fetch(`${off.httpBaseUrl}/v1/stats`, { headers: { origin: 'https://explorer.example' } });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(off, 'https://explorer.example', 'POST', 'authorization')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
