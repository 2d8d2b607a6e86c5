import { describe, expect, it } from 'vitest';
import { createImmutableAnswers, IMMUTABLE_ANSWERS_MAX_BYTES } from './earnings-routes';

describe('cache of final earnings answers', () => {
  it('holds at most its byte budget, however large the answers', () => {
    // A year of epochs is about 50 kB of JSON; 20 000 of them (the entry bound) would be a gigabyte.
    const cache = createImmutableAnswers();
    const answer = { contentType: 'application/json', identity: Buffer.alloc(50_000), gzip: Buffer.alloc(5_000), br: Buffer.alloc(4_000), etag: 'W/"e"' };
    for (let i = 0; i < 3_000; i++) cache.set(`/v1/hotspots/h${i}/rewards`, answer);
    const held = [...cache.values()].reduce((n, a) => n + a.identity.length + a.gzip.length + a.br.length, 0);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(IMMUTABLE_ANSWERS_MAX_BYTES);
  });
});
