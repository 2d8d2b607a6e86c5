import { describe, expect, it } from 'vitest';
import { patchedEndpoint } from './route-config';

describe('the endpoint a route PATCH leaves', () => {
  const withHeader = { protocol: 'http' as const, url: 'https://lns.example/up', authHeader: 'Bearer s3cret' };

  it('keeps the Authorization header when only the URL changes, removes it on null, replaces it when given', () => {
    expect(patchedEndpoint(withHeader, { protocol: 'http', url: 'https://lns2.example/up' })).toEqual({ ...withHeader, url: 'https://lns2.example/up' });
    expect(patchedEndpoint(withHeader, { protocol: 'http', url: withHeader.url, authHeader: null })).toEqual({ protocol: 'http', url: withHeader.url });
    expect(patchedEndpoint(withHeader, { protocol: 'http', url: withHeader.url, authHeader: 'Bearer new' })).toEqual({ ...withHeader, authHeader: 'Bearer new' });
  });

  it('takes a GWMP endpoint as given, and keeps no header across a change of protocol', () => {
    const gwmp = { protocol: 'gwmp' as const, host: 'lns.example', port: 1700 };
    expect(patchedEndpoint(withHeader, gwmp)).toEqual(gwmp);
    expect(patchedEndpoint(gwmp, { protocol: 'http', url: 'https://lns.example/up' })).toEqual({ protocol: 'http', url: 'https://lns.example/up' });
  });
});
