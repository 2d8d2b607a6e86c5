import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

describe.each(allTestModes)('denylist admin API (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  const [a, b, c] = [0, 1, 2].map((i) => keypairFromLabel(`denylist/${mode}/${i}`).address) as [string, string, string];

  const call = async (method: string, path: string, body?: unknown, key: string | null = node.adminKey) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
  };

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('starts empty at version 0 and requires the admin key', async () => {
    expect((await call('GET', '/v1/admin/denylist')).body).toEqual({ version: 0, latestVersion: 0, entries: [] });
    expect((await call('GET', '/v1/admin/denylist', undefined, null)).body.error.code).toBe('auth.missing_key');
    const wrong = await call('POST', '/v1/admin/denylist/entries', { kind: 'key', address: a, reason: 'x' }, 'nope');
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'auth.bad_key']);
  });

  it('creates a version per change, stores edges undirected and refuses duplicates', async () => {
    const key = await call('POST', '/v1/admin/denylist/entries', { kind: 'key', address: a, reason: 'gaming ring', note: 'ring 1' });
    expect(key.status).toBe(201);
    expect(key.body).toMatchObject({ version: 1, entry: { kind: 'key', address: a, otherAddress: null, reason: 'gaming ring', addedInVersion: 1, removedInVersion: null } });

    const edge = await call('POST', '/v1/admin/denylist/entries', { kind: 'edge', address: c, otherAddress: b, reason: 'implausible link' });
    expect(edge.body.version).toBe(2);
    expect([edge.body.entry.address, edge.body.entry.otherAddress]).toEqual([b, c].sort());

    const again = await call('POST', '/v1/admin/denylist/entries', { kind: 'edge', address: b, otherAddress: c, reason: 'same edge' });
    expect([again.status, again.body.error.code]).toEqual([409, 'denylist.already_listed']);
    const dupKey = await call('POST', '/v1/admin/denylist/entries', { kind: 'key', address: a, reason: 'again' });
    expect([dupKey.status, dupKey.body.error.code]).toEqual([409, 'denylist.already_listed']);

    const list = await call('GET', '/v1/admin/denylist');
    expect(list.body.version).toBe(2);
    expect(list.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['key', 'edge']);
  });

  it('removes an entry in a new version and still lists older versions as they were', async () => {
    const entries = (await call('GET', '/v1/admin/denylist')).body.entries as { id: number; kind: string }[];
    const keyId = entries.find((e) => e.kind === 'key')!.id;
    const removed = await call('DELETE', `/v1/admin/denylist/entries/${keyId}?note=appeal%20granted`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ version: 3, entry: { id: keyId, removedInVersion: 3 } });

    expect((await call('GET', '/v1/admin/denylist')).body.entries.map((e: { kind: string }) => e.kind)).toEqual(['edge']);
    expect((await call('GET', '/v1/admin/denylist?version=1')).body.entries.map((e: { kind: string }) => e.kind)).toEqual(['key']);
    const versions = (await call('GET', '/v1/admin/denylist/versions')).body.data;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(versions[0]).toMatchObject({ note: 'appeal granted', createdAtMs: T0 });

    const twice = await call('DELETE', `/v1/admin/denylist/entries/${keyId}`);
    expect([twice.status, twice.body.error.code]).toEqual([404, 'denylist.entry_not_found']);
    const unknown = await call('DELETE', '/v1/admin/denylist/entries/999999');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'denylist.entry_not_found']);
    // A key removed can be listed again.
    expect((await call('POST', '/v1/admin/denylist/entries', { kind: 'key', address: a, reason: 'back' })).body.version).toBe(4);
  });

  it('answers bad input with stable codes and changes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ kind: 'key', address: 'not-an-address', reason: 'x' }, 400, 'keys.invalid_address'],
      [{ kind: 'edge', address: a, otherAddress: 'nope', reason: 'x' }, 400, 'keys.invalid_address'],
      [{ kind: 'key', address: a, otherAddress: b, reason: 'x' }, 400, 'request.invalid'],
      [{ kind: 'edge', address: a, reason: 'x' }, 400, 'request.invalid'],
      [{ kind: 'edge', address: a, otherAddress: a, reason: 'x' }, 400, 'request.invalid'],
      [{ kind: 'ip', address: a, reason: 'x' }, 400, 'request.invalid'],
      [{ kind: 'key', address: b }, 400, 'request.invalid'],
      [{ kind: 'key', address: b, reason: 'x', extra: 1 }, 400, 'request.invalid'],
      // Text PostgreSQL cannot store was a 500 from the insert.
      [{ kind: 'key', address: b, reason: 'spam\u0000' }, 400, 'request.invalid'],
      [{ kind: 'key', address: b, reason: 'x', note: '\ud800' }, 400, 'request.invalid'],
    ];
    const before = (await call('GET', '/v1/admin/denylist')).body.latestVersion;
    for (const [body, status, code] of cases) {
      const res = await call('POST', '/v1/admin/denylist/entries', body);
      expect([JSON.stringify(body), res.status, res.body.error.code]).toEqual([JSON.stringify(body), status, code]);
    }
    // Ids past a PostgreSQL serial (int4) were a 500 from the lookup; a note with a NUL from the insert.
    const active = (await call('GET', '/v1/admin/denylist')).body.entries[0].id;
    for (const path of ['/v1/admin/denylist/entries/abc', '/v1/admin/denylist/entries/2147483648', '/v1/admin/denylist/entries/99999999999999999999999', `/v1/admin/denylist/entries/${active}?note=%00`]) {
      const res = await call('DELETE', path);
      expect([path, res.status, res.body.error.code]).toEqual([path, 400, 'request.invalid']);
    }
    expect((await call('GET', '/v1/admin/denylist')).body.latestVersion).toBe(before);
    expect((await call('GET', '/v1/admin/denylist?version=99')).body.error.code).toBe('request.not_found');
  });
});
