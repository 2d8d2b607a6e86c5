import { describe, expect, it } from 'vitest';
import { publicBaseUrl } from './public-base-url';

describe('public base URL of the router', () => {
  it('is the configured one (without trailing slashes) whatever the server is bound to', () => {
    expect(publicBaseUrl('https://router-2.example.net/', { host: '0.0.0.0', port: 3000 })).toBe('https://router-2.example.net');
    expect(publicBaseUrl('https://router-2.example.net', undefined)).toBe('https://router-2.example.net');
  });

  it('is the bound address when none is configured, unless that is a wildcard or not known yet', () => {
    expect(publicBaseUrl('', { host: '127.0.0.1', port: 3000 })).toBe('http://127.0.0.1:3000');
    expect(publicBaseUrl('', { host: '::1', port: 8080 })).toBe('http://[::1]:8080');
    expect(publicBaseUrl('', { host: '0.0.0.0', port: 3000 })).toBeUndefined();
    expect(publicBaseUrl('', { host: '::', port: 3000 })).toBeUndefined();
    expect(publicBaseUrl('', undefined)).toBeUndefined();
  });
});
