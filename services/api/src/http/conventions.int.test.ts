import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { rawHttpGet } from '@cov/shared/testing/raw-http-get';
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

  it('compresses answers over 1 kB for clients that take brotli or gzip, with the same ETag, and sends small ones and other clients the plain bytes', async () => {
    // An owner with a few hotspots: their list is a few kB of JSON.
    const owner = keypairFromLabel(`conventions/${mode}/fleet-owner`);
    for (let i = 0; i < 4; i++) {
      const h = keypairFromLabel(`conventions/${mode}/fleet/${i}`);
      const res = await fetch(`${node.httpBaseUrl}/v1/hotspots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${makerKey}` },
        body: JSON.stringify({ address: h.address, ownerAddress: owner.address }),
      });
      expect(res.status).toBe(201);
    }
    const url = `${node.httpBaseUrl}/v1/owners/${owner.address}/hotspots`;
    const auth = { authorization: `Bearer ${node.adminKey}` };
    const plain = await rawHttpGet(url, auth);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);

    const br = await rawHttpGet(url, { ...auth, 'accept-encoding': 'gzip, deflate, br' });
    expect([br.status, br.headers['content-encoding'], br.headers.vary]).toEqual([200, 'br', 'accept-encoding']);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.headers.etag).toBe(plain.headers.etag);

    const gzip = await rawHttpGet(url, { ...auth, 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    // The compressed answer revalidates like the plain one.
    const revalidated = await rawHttpGet(url, { ...auth, 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
    expect([revalidated.status, revalidated.body.length]).toEqual([304, 0]);

    // Small answers go out as they are.
    const small = await rawHttpGet(`${node.httpBaseUrl}/v1/hotspots/${hotspot.address}`, { ...auth, 'accept-encoding': 'br' });
    expect(small.status).toBe(200);
    expect(small.body.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString()).address).toBe(hotspot.address);
  });
});
