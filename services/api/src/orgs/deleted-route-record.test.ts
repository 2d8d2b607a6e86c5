import { describe, expect, it } from 'vitest';
import { credentialFreeEndpoint, credentialFreeUrl, deletedRouteRecord } from './deleted-route-record';

describe('the record a deleted route leaves', () => {
  it('keeps a webhook URL without user info, query string or fragment', () => {
    expect(credentialFreeUrl('https://user:s3cret@lns.example:8443/up/v1?token=abc#x')).toBe('https://lns.example:8443/up/v1');
    expect(credentialFreeUrl('http://127.0.0.1:9/uplink')).toBe('http://127.0.0.1:9/uplink');
    // A URL stored before URLs were checked when set still loses what could be a credential.
    expect(credentialFreeUrl('http://u:p@[bad/up?token=abc')).toBe('http://[bad/up');
  });

  it('says whether an HTTP endpoint had an Authorization header, never what it was', () => {
    const kept = credentialFreeEndpoint({ protocol: 'http', url: 'https://lns.example/up', authHeader: 'Bearer s3cret' });
    expect(kept).toEqual({ protocol: 'http', url: 'https://lns.example/up', hasAuthHeader: true });
    expect(JSON.stringify(kept)).not.toContain('s3cret');
    expect(credentialFreeEndpoint({ protocol: 'http', url: 'https://lns.example/up' })).toEqual({ protocol: 'http', url: 'https://lns.example/up', hasAuthHeader: false });
    const gwmp = { protocol: 'gwmp' as const, host: 'lns.example', port: 1700, regionPorts: { EU868: 1702 } };
    expect(credentialFreeEndpoint(gwmp)).toEqual(gwmp);
  });

  it('keeps the route’s own ranges in address order, its counts, its last outage and who deleted it', () => {
    const route = {
      id: 'r1',
      orgId: 'o1',
      name: 'primary',
      endpoint: { protocol: 'http' as const, url: 'https://lns.example/up?key=k', authHeader: 'Bearer x' },
      maxCopies: 2,
      active: false,
      locked: false,
      createdAt: new Date(1000),
      updatedAt: new Date(2000),
    };
    const ranges = [
      { routeId: 'r1', startAddr: 20, endAddr: 27 },
      { routeId: 'other', startAddr: 0, endAddr: 7 },
      { routeId: 'r1', startAddr: 8, endAddr: 15 },
    ];
    const delivery = { routeId: 'r1', lastError: 'status_503', lastErrorAtMs: 1500, backoffs: 2, backoffUntilMs: 1600, recoveredAtMs: null, downToldAtMs: 1550, recoveredToldAtMs: null };
    const record = deletedRouteRecord({ route, ranges, euiPairCount: 3, skfCount: 1, delivery, deletedAt: new Date(3000), deletedByKeyId: 'k1' });
    expect(record).toEqual({
      id: 'r1',
      orgId: 'o1',
      name: 'primary',
      endpoint: { protocol: 'http', url: 'https://lns.example/up', hasAuthHeader: true },
      maxCopies: 2,
      active: false,
      locked: false,
      devaddrRanges: [
        { startAddr: 8, endAddr: 15 },
        { startAddr: 20, endAddr: 27 },
      ],
      euiPairCount: 3,
      skfCount: 1,
      delivery: { lastError: 'status_503', lastErrorAtMs: 1500, backoffs: 2, backoffUntilMs: 1600, recoveredAtMs: null },
      createdAt: new Date(1000),
      updatedAt: new Date(2000),
      deletedAt: new Date(3000),
      deletedByKeyId: 'k1',
    });
    expect(deletedRouteRecord({ route, ranges: [], euiPairCount: 0, skfCount: 0, delivery: undefined, deletedAt: new Date(3000), deletedByKeyId: null })).toMatchObject({ devaddrRanges: [], delivery: null, deletedByKeyId: null });
  });
});
