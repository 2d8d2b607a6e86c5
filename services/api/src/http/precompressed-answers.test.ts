import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { matchesIfNoneMatch, PrecompressedAnswers } from './precompressed-answers';

// A GeoJSON-like answer big enough for the compression qualities to differ.
const body = (seed: number) => ({
  type: 'FeatureCollection',
  features: Array.from({ length: 400 }, (_, i) => ({ type: 'Feature', id: `88${(seed * 1000 + i).toString(16)}fffff`, geometry: { type: 'Polygon', coordinates: [[[2 + i / 1000, 48 + ((i * 7) % 13) / 1000]]] }, properties: { n: i % 17 } })),
});

describe('PrecompressedAnswers', () => {
  it('builds an answer once however many callers ask at the same time, and keeps it', async () => {
    const answers = new PrecompressedAnswers({ maxEntries: 10, maxBytes: 10_000_000, upgradeAfterHits: 1000 });
    let builds = 0;
    const build = () => (builds++, body(1));
    const [a, b] = await Promise.all([answers.json('k', build), answers.json('k', build)]);
    expect(a).toBe(b);
    expect(await answers.json('k', build)).toBe(a);
    expect(builds).toBe(1);
    expect(JSON.parse(a.identity.toString('utf8'))).toEqual(body(1));
    expect(gunzipSync(a.gzip).equals(a.identity)).toBe(true);
    expect(brotliDecompressSync(a.br).equals(a.identity)).toBe(true);
    expect(a.etag).toMatch(/^W\/"[\w-]+"$/);
    expect((await answers.json('other', () => body(2))).etag).not.toBe(a.etag);
  });

  it('lets a failed build fail its callers and be retried', async () => {
    const answers = new PrecompressedAnswers({ maxEntries: 10, maxBytes: 10_000_000, upgradeAfterHits: 1000 });
    expect(() => answers.json('k', () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect((await answers.json('k', () => body(3))).identity.length).toBeGreaterThan(0);
  });

  it('recompresses a popular answer at the best brotli quality: smaller, same bytes decoded, same ETag', async () => {
    const answers = new PrecompressedAnswers({ maxEntries: 10, maxBytes: 10_000_000, upgradeAfterHits: 3 });
    const first = await answers.json('k', () => body(4));
    await answers.json('k', () => body(4));
    await answers.idle();
    expect(await answers.json('k', () => body(4))).toBe(first); // the third hit still gets the kept form and starts the upgrade
    await answers.idle();
    const upgraded = await answers.json('k', () => body(4));
    expect(upgraded).not.toBe(first);
    expect(upgraded.br.length).toBeLessThan(first.br.length);
    expect(brotliDecompressSync(upgraded.br).equals(first.identity)).toBe(true);
    expect([upgraded.etag, upgraded.identity, upgraded.gzip]).toEqual([first.etag, first.identity, first.gzip]);
  });
});

describe('If-None-Match', () => {
  it('compares weakly, accepts lists and the wildcard', () => {
    expect(matchesIfNoneMatch('W/"abc"', 'W/"abc"')).toBe(true);
    expect(matchesIfNoneMatch('"abc"', 'W/"abc"')).toBe(true);
    expect(matchesIfNoneMatch('"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(matchesIfNoneMatch('*', 'W/"abc"')).toBe(true);
    expect(matchesIfNoneMatch('W/"abd"', 'W/"abc"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, 'W/"abc"')).toBe(false);
  });
});
