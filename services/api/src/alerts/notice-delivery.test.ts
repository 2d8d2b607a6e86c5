import { describe, expect, it } from 'vitest';
import { deliveryError } from './notice-delivery';

describe('alert notice delivery', () => {
  it('records a failed post as one stable word', () => {
    expect(deliveryError({ status: 503 })).toBe('status_503');
    expect(deliveryError(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe('timeout');
    expect(deliveryError(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toBe('ECONNREFUSED');
    expect(deliveryError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('ENOTFOUND');
    expect(deliveryError(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe('unreachable');
    expect(deliveryError(undefined)).toBe('unreachable');
  });
});
