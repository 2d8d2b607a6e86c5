import { describe, expect, it } from 'vitest';
import { findUndecodableQuery } from './input-guards';

describe('undecodable query strings', () => {
  it('finds a parameter whose percent-escapes are not UTF-8, by its name', () => {
    expect(findUndecodableQuery('/v1/x?a=1&b=%FF')).toBe('querystring/b');
    expect(findUndecodableQuery('/v1/x?a=%E0%A4%A')).toBe('querystring/a');
    expect(findUndecodableQuery('/v1/x?%FF=1')).toBe('querystring/%FF');
  });

  it('passes queries without escapes, valid escapes, and escapes in the path alone', () => {
    expect(findUndecodableQuery('/v1/x')).toBeUndefined();
    expect(findUndecodableQuery('/v1/x?min_time=2026-10-22T00:00:00.000Z&bucket=epoch')).toBeUndefined();
    expect(findUndecodableQuery('/v1/x?min_time=2026-10-22T00%3A00%3A00Z&q=caf%C3%A9+x')).toBeUndefined();
    expect(findUndecodableQuery('/v1/%FF/x?a=1')).toBeUndefined();
  });
});
