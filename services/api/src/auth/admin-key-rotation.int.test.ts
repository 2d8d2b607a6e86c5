import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';

// A rotation as OPERATIONS.md describes it: the new key in ADMIN_API_KEY, the old one in
// ADMIN_API_KEY_PREVIOUS, so clients not yet moved keep working on every restarted replica.
describe('admin key rotation (postgres)', () => {
  let rotating: TestNode;
  beforeAll(async () => {
    rotating = await startTestNode('postgres', { services: ['api'], overrides: { ADMIN_API_KEY: 'adm_new_key', ADMIN_API_KEY_PREVIOUS: 'adm_old_key' } });
  });
  afterAll(async () => {
    await rotating?.destroy();
  });

  it('takes the new and the previous key on admin and org routes, and no other', async () => {
    const made = await rotating.call('POST', '/v1/admin/orgs', { name: 'Rotation Co', devAddrCount: 8 }, 'adm_old_key');
    expect(made.status).toBe(201);
    const orgId = made.body.org.id as string;
    for (const key of ['adm_new_key', 'adm_old_key']) {
      expect((await rotating.call('GET', `/v1/orgs/${orgId}`, undefined, key)).status).toBe(200);
      expect((await rotating.call('GET', '/v1/admin/denylist/versions', undefined, key)).status).toBe(200);
    }
    for (const key of ['adm_other_key', 'test-admin-key']) {
      const refused = await rotating.call('GET', '/v1/admin/denylist/versions', undefined, key);
      expect([refused.status, refused.body.error.code]).toEqual([401, 'auth.bad_key']);
      expect((await rotating.call('GET', `/v1/orgs/${orgId}`, undefined, key)).status).toBe(401);
    }
  });

  it('takes the old key no more once the rotation is over', async () => {
    const after = await startTestNode('postgres', { services: ['api'], overrides: { ADMIN_API_KEY: 'adm_new_key' } });
    try {
      expect((await after.call('GET', '/v1/admin/denylist/versions', undefined, 'adm_new_key')).status).toBe(200);
      expect((await after.call('GET', '/v1/admin/denylist/versions', undefined, 'adm_old_key')).status).toBe(401);
    } finally {
      await after.destroy();
    }
  });
});
