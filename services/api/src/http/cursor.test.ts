import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';

const isTimeAndId = (v: unknown): v is { t: number; i: number } => typeof (v as { t?: unknown })?.t === 'number' && typeof (v as { i?: unknown })?.i === 'number';
const made = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('opaque cursors', () => {
  it('give back the sort key they were made from', () => {
    expect(decodeCursor(encodeCursor({ t: 1_795_000_000_000, i: 42 }), isTimeAndId)).toEqual({ t: 1_795_000_000_000, i: 42 });
    expect(decodeCursor(undefined, isTimeAndId)).toBeUndefined();
    expect(decodeCursor('', isTimeAndId)).toBeUndefined();
  });

  it('refuse with request.invalid what this API never issues: garbage, wrong shapes, numbers a bigint cannot hold', () => {
    for (const cursor of ['nope', made([1, 2]), made({ t: 'x', i: 1 }), made({ t: 1e300, i: 1 }), made({ t: 2 ** 63, i: 1 }), made({ t: 1.5, i: 1 }), made({ t: 1, i: { x: 1 } }), made(null)]) {
      expect(() => decodeCursor(cursor, isTimeAndId)).toThrow(expect.objectContaining({ code: 'request.invalid' }));
    }
  });

  it('refuse text PostgreSQL cannot compare: a NUL or a lone surrogate in a string key', () => {
    const isAddress = (v: unknown): v is { a: string } => typeof (v as { a?: unknown })?.a === 'string';
    expect(decodeCursor(made({ a: '13abc\u00e9\ud83d\ude00' }), isAddress)).toEqual({ a: '13abc\u00e9\ud83d\ude00' });
    for (const a of ['x\u0000', '\ud800', 'x\udc00y']) {
      expect(() => decodeCursor(made({ a }), isAddress)).toThrow(expect.objectContaining({ code: 'request.invalid' }));
    }
  });
});
