import { describe, expect, it } from 'vitest';
import { parseAcceptEncoding, preferredCoding } from './accept-encoding';

describe('Accept-Encoding negotiation', () => {
  it('prefers brotli, then gzip, as browsers and map clients offer them', () => {
    expect(parseAcceptEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(parseAcceptEncoding('gzip, br')).toBe('br');
    expect(parseAcceptEncoding('gzip, deflate')).toBe('gzip');
    expect(parseAcceptEncoding('x-gzip')).toBe('gzip');
    expect(parseAcceptEncoding('GZIP')).toBe('gzip');
  });

  it('honours q-values, q=0 refusals and the wildcard', () => {
    expect(parseAcceptEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(parseAcceptEncoding('br;q=0, gzip')).toBe('gzip');
    expect(parseAcceptEncoding('br;q=0, gzip;q=0')).toBe('identity');
    expect(parseAcceptEncoding('*')).toBe('br');
    expect(parseAcceptEncoding('*;q=0.5, br;q=0')).toBe('gzip');
    expect(parseAcceptEncoding('gzip ; q = 0.9 , br ; q=1')).toBe('br');
    expect(parseAcceptEncoding('br;q=nonsense, gzip')).toBe('gzip');
  });

  it('sends identity without the header, with an empty one, or when only other codings are offered', () => {
    expect(parseAcceptEncoding(undefined)).toBe('identity');
    expect(parseAcceptEncoding('')).toBe('identity');
    expect(parseAcceptEncoding('identity')).toBe('identity');
    expect(parseAcceptEncoding('deflate, zstd')).toBe('identity');
  });

  it('remembers choices per header text and gives the same answers', () => {
    for (const h of ['gzip, br', 'br;q=0, gzip', 'deflate', 'gzip, br']) expect(preferredCoding(h)).toBe(parseAcceptEncoding(h));
    for (let i = 0; i < 1000; i++) expect(preferredCoding(`gzip;q=0.${i % 10}, br;q=0`)).toBe(i % 10 ? 'gzip' : 'identity');
    expect(preferredCoding(undefined)).toBe('identity');
  });
});
