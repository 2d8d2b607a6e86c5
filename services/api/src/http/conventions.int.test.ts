import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';

describe.each(['postgres+redis', 'embedded'] as const)('API conventions (%s)', (mode) => {
  let node: TestNode;
  let makerKey: string;
  const hotspot = keypairFromLabel(`conventions/${mode}/hotspot`);
  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api', 'ingest'], overrides: { RATE_LIMIT_PER_MINUTE: '5' } });
    const res = await fetch(`${node.httpBaseUrl}/v1/admin/makers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${node.adminKey}` },
      body: JSON.stringify({ name: 'conventions' }),
    });
    makerKey = ((await res.json()) as { apiKey: string }).apiKey;
    const onboarded = await fetch(`${node.httpBaseUrl}/v1/hotspots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${makerKey}` },
      body: JSON.stringify({ address: hotspot.address, ownerAddress: hotspot.address }),
    });
    expect(onboarded.status).toBe(201);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('publishes rate limits per client and answers 429 with Retry-After and a stable code', async () => {
    const url = `${node.httpBaseUrl}/v1/owners/${hotspot.address}/hotspots`;
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      remaining.push(res.headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await fetch(url);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('request.rate_limited');

    // A made-up key is no key: it is counted by IP like the anonymous requests before it (each
    // such key used to get a fresh tenfold budget, so rotating keys was never limited).
    for (const madeUp of ['whatever', `mk_${'A'.repeat(32)}`, `org_${'b'.repeat(32)}`]) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${madeUp}` } });
      expect([madeUp, res.status, res.headers.get('ratelimit-limit')]).toEqual([madeUp, 429, '5']);
    }
    // A keyed client has its own, larger budget; the admin key is not limited.
    const keyed = await fetch(url, { headers: { authorization: `Bearer ${makerKey}` } });
    expect([keyed.status, keyed.headers.get('ratelimit-limit')]).toEqual([200, '50']);
    for (let i = 0; i < 8; i++) expect((await fetch(url, { headers: { authorization: `Bearer ${node.adminKey}` } })).status).toBe(200);

    // Operational and ingest routes are not throttled by the public limit.
    expect((await fetch(`${node.httpBaseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${node.httpBaseUrl}/v1/ingest/beacons`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
  });

  it('sends ETags and answers 304 to a matching If-None-Match', async () => {
    const url = `${node.httpBaseUrl}/v1/owners/${hotspot.address}/hotspots`;
    const headers = { authorization: `Bearer ${node.adminKey}` };
    const first = await fetch(url, { headers });
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^W\//);
    const second = await fetch(url, { headers: { ...headers, 'if-none-match': tag! } });
    expect(second.status).toBe(304);
  });
});
