import { describe, expect, it } from 'vitest';
import { deliveryError, isPrivateAddress, postNotice, requirePublicNoticeUrl } from './notice-delivery';

describe('alert notice delivery', () => {
  it('records a failed post as one stable word', () => {
    expect(deliveryError({ status: 503 })).toBe('status_503');
    expect(deliveryError(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe('timeout');
    expect(deliveryError(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toBe('ECONNREFUSED');
    expect(deliveryError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('ENOTFOUND');
    expect(deliveryError(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe('unreachable');
    expect(deliveryError(undefined)).toBe('unreachable');
  });

  it('tells private, loopback and link-local addresses from public ones, IPv4 and IPv6', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip'])
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    for (const ip of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
  });

  it('refuses a URL naming a private address when set, and a host resolving to one when posting, unless allowed', async () => {
    expect(() => requirePublicNoticeUrl('http://127.0.0.1:8080/x', false)).toThrow(expect.objectContaining({ code: 'alerts.private_url' }));
    expect(() => requirePublicNoticeUrl('http://[::1]/x', false)).toThrow(expect.objectContaining({ code: 'alerts.private_url' }));
    expect(() => requirePublicNoticeUrl('http://127.0.0.1:8080/x', true)).not.toThrow();
    expect(() => requirePublicNoticeUrl('https://hooks.example.net/x', false)).not.toThrow(); // names are checked when posting
    // URLs fetch cannot read were a TypeError from new URL(), a 500, whatever the setting.
    for (const url of ['http://[', 'http://a:99999/x', 'http://%zz/', 'http://[::1/x']) {
      for (const allow of [false, true]) expect(() => requirePublicNoticeUrl(url, allow), url).toThrow(expect.objectContaining({ code: 'request.invalid', details: { field: 'url' } }));
    }
    // localhost resolves to a loopback address: refused before any connection is made.
    expect(await postNotice('http://localhost:9/x', null, {}, 1000, false)).toBe('private_address');
    expect(await postNotice('http://[::ffff:10.0.0.1]:9/x', null, {}, 1000, false)).toBe('private_address');
  });
});
