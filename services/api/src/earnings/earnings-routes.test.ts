import { describe, expect, it } from 'vitest';
import { createImmutableAnswers, IMMUTABLE_ANSWERS_MAX_BYTES } from './earnings-routes';

describe('cache of final earnings answers', () => {
  it('holds at most its byte budget, however large the answers', () => {
    // A year of epochs is about 50 kB of JSON; 20 000 of them (the entry bound) would be a gigabyte.
    const cache = createImmutableAnswers();
    const body = 'x'.repeat(50_000);
    for (let i = 0; i < 3_000; i++) cache.set(`/v1/hotspots/h${i}/rewards`, { body, contentType: 'application/json', etag: 'W/"e"' });
    const held = [...cache.values()].reduce((n, a) => n + a.body.length, 0);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(IMMUTABLE_ANSWERS_MAX_BYTES);
  });
});
