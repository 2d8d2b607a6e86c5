import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { KEY_USE_RESOLUTION_MS } from '@cov/shared/routing/api-key-use';
import { allPages } from '@cov/app/testing/keyset-pages';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

type KeyView = { id: string; prefix: string; name: string; createdAt: string; revokedAt: string | null; lastUsedAt: string | null };

describe.each(allTestModes)('hotspot makers and their API keys (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  const owner = keypairFromLabel(`maker-keys/${mode}/owner`);
  let hotspotNo = 0;
  const nextAddress = () => keypairFromLabel(`maker-keys/${mode}/hotspot/${hotspotNo++}`).address;
  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
  const onboard = (key: string, capability: 'full' | 'data_only' = 'full') => call('POST', '/v1/hotspots', { address: nextAddress(), ownerAddress: owner.address, capability }, key);
  let maker: { id: string; key: string };
  let other: { id: string; key: string };

  const createMaker = async (name: string) => {
    const r = await call('POST', '/v1/admin/makers', { name }, node.adminKey);
    expect(r.status).toBe(201);
    return { id: r.body.maker.id as string, key: r.body.apiKey as string };
  };
  const keysOf = async (makerId: string): Promise<KeyView[]> => {
    const r = await call('GET', `/v1/makers/${makerId}/api-keys`, undefined, node.adminKey);
    expect(r.status).toBe(200);
    return r.body.data;
  };

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    maker = await createMaker('Keyed Hotspots Inc');
    other = await createMaker('Other Maker');
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it("shows a maker its onboarding totals and keys, and notes each key's use", async () => {
    const fresh = await call('GET', `/v1/makers/${maker.id}`, undefined, maker.key);
    expect(fresh.body).toEqual({
      id: maker.id,
      name: 'Keyed Hotspots Inc',
      createdAt: new Date(T0).toISOString(),
      hotspots: { total: 0, full: 0, dataOnly: 0, lastOnboardedAt: null },
      liveApiKeys: 1,
    });
    clock.advance(60_000);
    expect((await onboard(maker.key)).status).toBe(201);
    expect((await onboard(maker.key, 'data_only')).status).toBe(201);
    const after = await call('GET', `/v1/makers/${maker.id}`, undefined, node.adminKey);
    expect(after.body.hotspots).toEqual({ total: 2, full: 1, dataOnly: 1, lastOnboardedAt: new Date(T0 + 60_000).toISOString() });

    const [first] = await keysOf(maker.id);
    // The key was last used at T0 (the GET above): its uses within the resolution are not written again.
    expect(first).toEqual({ id: expect.any(String), prefix: maker.key.slice(0, 9), name: '', createdAt: new Date(T0).toISOString(), revokedAt: null, lastUsedAt: new Date(T0).toISOString() });
    // Admin calls are nobody's key use.
    expect((await keysOf(other.id))[0]!.lastUsedAt).toBeNull();
    clock.advance(KEY_USE_RESOLUTION_MS);
    expect((await onboard(maker.key)).status).toBe(201);
    expect((await keysOf(maker.id))[0]!.lastUsedAt).toBe(new Date(T0 + 60_000 + KEY_USE_RESOLUTION_MS).toISOString());
  });

  it('lets a maker rotate its key without the operator: issue a named key, move over, revoke the old one', async () => {
    const issued = await call('POST', `/v1/makers/${maker.id}/api-keys`, { name: 'factory line 2' }, maker.key);
    expect(issued.status).toBe(201);
    expect(issued.body.key).toMatchObject({ name: 'factory line 2', prefix: issued.body.apiKey.slice(0, 9), revokedAt: null, lastUsedAt: null });
    const newKey: string = issued.body.apiKey;
    // The key is shown once: the list has its prefix only.
    expect(JSON.stringify(await keysOf(maker.id))).not.toContain(newKey);
    expect((await onboard(newKey)).status).toBe(201);

    const old = (await keysOf(maker.id)).find((k) => k.name === '')!;
    expect((await call('DELETE', `/v1/makers/${maker.id}/api-keys/${old.id}`, undefined, newKey)).status).toBe(204);
    expect(code(await onboard(maker.key))).toEqual([401, 'auth.bad_key']);
    expect(code(await call('GET', `/v1/makers/${maker.id}`, undefined, maker.key))).toEqual([401, 'auth.bad_key']);
    expect(code(await call('DELETE', `/v1/makers/${maker.id}/api-keys/${old.id}`, undefined, newKey))).toEqual([404, 'makers.api_key_not_found']);
    const keys = await keysOf(maker.id);
    expect(keys.map((k) => [k.name, k.revokedAt === null])).toEqual([
      ['', false],
      ['factory line 2', true],
    ]);
    expect((await call('GET', `/v1/makers/${maker.id}`, undefined, newKey)).body.liveApiKeys).toBe(1);
    maker.key = newKey;
  });

  it("keeps makers apart: another maker's key gets 403, an unknown maker 404", async () => {
    const otherKeyId = (await keysOf(other.id))[0]!.id;
    for (const [method, path, body] of [
      ['GET', `/v1/makers/${maker.id}`],
      ['GET', `/v1/makers/${maker.id}/api-keys`],
      ['POST', `/v1/makers/${maker.id}/api-keys`, {}],
      ['DELETE', `/v1/makers/${maker.id}/api-keys/${(await keysOf(maker.id))[1]!.id}`],
    ] as const) {
      expect(code(await call(method, path, body, other.key)), `${method} ${path}`).toEqual([403, 'auth.forbidden']);
    }
    // A key id of another maker is not this maker's key, even for the admin.
    expect(code(await call('DELETE', `/v1/makers/${maker.id}/api-keys/${otherKeyId}`, undefined, node.adminKey))).toEqual([404, 'makers.api_key_not_found']);
    expect((await keysOf(other.id))[0]!.revokedAt).toBeNull();
    const unknown = '00000000-0000-4000-8000-00000000dead';
    expect(code(await call('GET', `/v1/makers/${unknown}`, undefined, node.adminKey))).toEqual([404, 'makers.not_found']);
    expect(code(await call('POST', `/v1/makers/${unknown}/api-keys`, {}, node.adminKey))).toEqual([404, 'makers.not_found']);
    expect(code(await call('GET', `/v1/makers/${maker.id}`))).toEqual([401, 'auth.missing_key']);
    expect(code(await call('GET', `/v1/makers/${maker.id}`, undefined, 'mk_not-a-key'))).toEqual([401, 'auth.bad_key']);
    // An organisation's key is not a maker's.
    const org = await call('POST', '/v1/admin/orgs', { name: `maker-keys org ${mode}` }, node.adminKey);
    expect(code(await call('GET', `/v1/makers/${maker.id}`, undefined, org.body.apiKey))).toEqual([401, 'auth.bad_key']);
  });

  it('lets the operator revoke a leaked key and issue a new one (the older admin route too)', async () => {
    const legacy = await call('POST', `/v1/admin/makers/${other.id}/api-keys`, undefined, node.adminKey);
    expect(legacy.status).toBe(201);
    expect(legacy.body).toEqual({ apiKey: expect.stringMatching(/^mk_/), prefix: legacy.body.apiKey.slice(0, 9), key: expect.objectContaining({ prefix: legacy.body.apiKey.slice(0, 9), name: '' }) });
    const leaked = (await keysOf(other.id))[0]!;
    expect((await call('DELETE', `/v1/makers/${other.id}/api-keys/${leaked.id}`, undefined, node.adminKey)).status).toBe(204);
    expect(code(await onboard(other.key))).toEqual([401, 'auth.bad_key']);
    expect((await onboard(legacy.body.apiKey)).status).toBe(201);
    // A maker may revoke the key it calls with, even its last live one.
    const last = (await keysOf(other.id)).find((k) => k.revokedAt === null)!;
    expect((await call('DELETE', `/v1/makers/${other.id}/api-keys/${last.id}`, undefined, legacy.body.apiKey)).status).toBe(204);
    expect((await call('GET', `/v1/makers/${other.id}`, undefined, node.adminKey)).body).toMatchObject({ liveApiKeys: 0, hotspots: { total: 1 } });
  });

  it("lists a maker's hotspots in the registry list", async () => {
    const mine = await allPages<{ makerId: string }>((cursor) => call('GET', `/v1/hotspots?maker=${maker.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
    expect(mine).toHaveLength(4);
    expect(new Set(mine.map((h) => h.makerId))).toEqual(new Set([maker.id]));
    const theirs = await call('GET', `/v1/hotspots?maker=${other.id}&capability=data_only`);
    expect(theirs.body.data).toEqual([]);
    expect(code(await call('GET', '/v1/hotspots?maker=not-a-uuid'))).toEqual([400, 'request.invalid']);
    // The operator's list of makers says how many hotspots each onboarded.
    const listed = (await call('GET', '/v1/admin/makers?limit=500', undefined, node.adminKey)).body.data;
    expect(listed.find((m: { id: string }) => m.id === maker.id).hotspots).toBe(4);
    expect(listed.find((m: { id: string }) => m.id === other.id).hotspots).toBe(1);
  });

  it("shows when each organisation key was last used", async () => {
    const org = await call('POST', '/v1/admin/orgs', { name: `maker-keys org keys ${mode}` }, node.adminKey);
    const orgId: string = org.body.org.id;
    const spare = await call('POST', `/v1/orgs/${orgId}/api-keys`, { name: 'spare' }, org.body.apiKey);
    const keys = async () => (await call('GET', `/v1/orgs/${orgId}/api-keys`, undefined, node.adminKey)).body.data as KeyView[];
    const used = (await keys()).find((k) => k.name === '')!;
    expect(used.lastUsedAt).toBe(new Date(clock.nowMs()).toISOString());
    expect((await keys()).find((k) => k.id === spare.body.key.id)!.lastUsedAt).toBeNull();
  });
});
