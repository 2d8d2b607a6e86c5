import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel, sign, type Keypair } from '@cov/shared/helium/keys';
import { hotspotTransferBytes, type HotspotTransferFields } from '@cov/shared/registry/hotspot-transfer';
import { locationAssertionBytes, type LocationAssertionFields } from '@cov/shared/registry/location-assertion';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);

describe.each(allTestModes)('hotspot ownership transfer (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  const alice = keypairFromLabel(`transfer/${mode}/alice`);
  const bob = keypairFromLabel(`transfer/${mode}/bob`);
  const carol = keypairFromLabel(`transfer/${mode}/carol`);
  const hotspot = keypairFromLabel(`transfer/${mode}/hotspot`);
  const other = keypairFromLabel(`transfer/${mode}/hotspot-2`);

  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);

  const signedTransfer = (signer: Keypair, fields: Partial<HotspotTransferFields> & { newOwner: string; nonce: number }) => {
    const full: HotspotTransferFields = { hotspot: hotspot.address, owner: signer.address, timestampMs: clock.nowMs(), ...fields };
    const signature = Buffer.from(sign(hotspotTransferBytes(full), signer.secretKey)).toString('base64');
    const { hotspot: address, ...rest } = full;
    return { path: `/v1/hotspots/${address}/transfer`, body: { ...rest, signature } };
  };
  const send = (t: { path: string; body: unknown }) => call('POST', t.path, t.body);
  const assertLocation = (signer: Keypair, nonce: number) => {
    const fields: LocationAssertionFields = { hotspot: hotspot.address, owner: signer.address, lat: 48.8566, lng: 2.3522, gainDbiX10: 30, elevationM: 12, nonce, timestampMs: clock.nowMs() };
    const signature = Buffer.from(sign(locationAssertionBytes(fields), signer.secretKey)).toString('base64');
    const { hotspot: _h, ...rest } = fields;
    return call('POST', `/v1/hotspots/${hotspot.address}/location`, { ...rest, signature });
  };
  const fleet = async (owner: Keypair) => ((await call('GET', `/v1/owners/${owner.address}/hotspots`)).body.data as { address: string }[]).map((h) => h.address);

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    const maker = await call('POST', '/v1/admin/makers', { name: 'Transfer Makers' }, node.adminKey);
    for (const h of [hotspot, other]) {
      expect((await call('POST', '/v1/hotspots', { address: h.address, ownerAddress: alice.address }, maker.body.apiKey)).status).toBe(201);
    }
    expect((await assertLocation(alice, 1)).status).toBe(200);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('hands the hotspot to the new owner: fleets, history and who may assert its location follow', async () => {
    expect((await call('GET', `/v1/hotspots/${hotspot.address}`)).body).toMatchObject({ ownerAddress: alice.address, transferNonce: '0' });
    const res = await send(signedTransfer(alice, { newOwner: bob.address, nonce: 1 }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ address: hotspot.address, ownerAddress: bob.address, transferNonce: '1', location: { nonce: '1' } });
    expect(await fleet(alice)).toEqual([other.address]);
    expect(await fleet(bob)).toEqual([hotspot.address]);
    const history = await call('GET', `/v1/hotspots/${hotspot.address}/transfers`);
    expect(history.body.data).toEqual([{ nonce: '1', fromOwner: alice.address, toOwner: bob.address, transferredAt: new Date(T0).toISOString() }]);

    expect((await assertLocation(alice, 2)).body.error.code).toBe('hotspots.not_owner');
    expect((await assertLocation(bob, 2)).status).toBe(200);
  });

  it('refuses a replayed transfer, also once the hotspot is back with the signer', async () => {
    const first = signedTransfer(bob, { newOwner: carol.address, nonce: 2 });
    expect((await send(first)).status).toBe(200);
    // Sent again: carol owns it now.
    expect((await send(first)).body.error.code).toBe('hotspots.not_owner');
    clock.advance(1_000);
    expect((await send(signedTransfer(carol, { newOwner: bob.address, nonce: 3 }))).status).toBe(200);
    // Back with bob, who signed `first`: its nonce is spent.
    const replayed = await send(first);
    expect(replayed.status).toBe(409);
    expect(replayed.body.error).toMatchObject({ code: 'auth.replayed_nonce', details: { lastNonce: '3' } });
    expect((await call('GET', `/v1/hotspots/${hotspot.address}`)).body.ownerAddress).toBe(bob.address);
    const history = (await call('GET', `/v1/hotspots/${hotspot.address}/transfers?limit=2`)).body.data as { nonce: string; toOwner: string }[];
    expect(history.map((t) => [t.nonce, t.toOwner])).toEqual([
      ['3', bob.address],
      ['2', carol.address],
    ]);
  });

  it('refuses bad transfers with their own codes and changes nothing', async () => {
    const before = (await call('GET', `/v1/hotspots/${hotspot.address}`)).body;
    const cases: Array<[string, { path: string; body: Record<string, unknown> }, number, string]> = [
      ['signed by someone else', { ...signedTransfer(carol, { newOwner: carol.address, nonce: 9 }), body: { ...signedTransfer(carol, { newOwner: carol.address, nonce: 9 }).body, owner: bob.address } }, 401, 'auth.bad_signature'],
      ['a signature over another new owner', { ...signedTransfer(bob, { newOwner: alice.address, nonce: 9 }), body: { ...signedTransfer(bob, { newOwner: alice.address, nonce: 9 }).body, newOwner: carol.address } }, 401, 'auth.bad_signature'],
      ['a stale timestamp', signedTransfer(bob, { newOwner: alice.address, nonce: 9, timestampMs: T0 - 3_600_000 }), 400, 'auth.stale_request'],
      ['to its own owner', signedTransfer(bob, { newOwner: bob.address, nonce: 9 }), 422, 'hotspots.same_owner'],
      ['a bad new owner address', signedTransfer(bob, { newOwner: 'not-an-address', nonce: 9 }), 400, 'keys.invalid_address'],
      ['by a former owner', signedTransfer(alice, { newOwner: carol.address, nonce: 9 }), 403, 'hotspots.not_owner'],
      ['an unknown hotspot', signedTransfer(bob, { hotspot: keypairFromLabel('nobody').address, newOwner: alice.address, nonce: 9 }), 404, 'hotspots.not_found'],
      ['a short signature', { ...signedTransfer(bob, { newOwner: alice.address, nonce: 9 }), body: { ...signedTransfer(bob, { newOwner: alice.address, nonce: 9 }).body, signature: 'AAAA' } }, 401, 'auth.bad_signature'],
      ['an unknown field', { ...signedTransfer(bob, { newOwner: alice.address, nonce: 9 }), body: { ...signedTransfer(bob, { newOwner: alice.address, nonce: 9 }).body, price: 5 } }, 400, 'request.invalid'],
    ];
    for (const [name, t, status, code] of cases) {
      const res = await send(t);
      expect([name, res.status, res.body.error?.code]).toEqual([name, status, code]);
    }
    expect((await call('GET', `/v1/hotspots/${hotspot.address}`)).body).toEqual(before);
    expect((await call('GET', `/v1/hotspots/${keypairFromLabel('nobody').address}/transfers`)).body.error.code).toBe('hotspots.not_found');
  });

  it('lets exactly one of two concurrent transfers with the same nonce through', async () => {
    const [a, b] = await Promise.all([send(signedTransfer(bob, { newOwner: alice.address, nonce: 10 })), send(signedTransfer(bob, { newOwner: carol.address, nonce: 10 }))]);
    // The loser finds, under the row lock or before it, that the signer no longer owns the hotspot.
    expect([a.status, b.status].sort()).toEqual([200, 403]);
    const winner = a.status === 200 ? alice : carol;
    expect((await call('GET', `/v1/hotspots/${hotspot.address}`)).body).toMatchObject({ ownerAddress: winner.address, transferNonce: '10' });
  });

  it("drops the previous owner's alert status for the hotspot, leaving the rest of its fleet", async () => {
    const sql = node.ctx.database.sql;
    const owner = (await call('GET', `/v1/hotspots/${hotspot.address}`)).body.ownerAddress as string;
    const signer = owner === alice.address ? alice : carol;
    await sql`insert into owner_alert_hotspots (hotspot_address, owner_address, online, changed_at_ms) values
      (${hotspot.address}, ${owner}, true, ${T0}), (${other.address}, ${alice.address}, false, ${T0})
      on conflict (hotspot_address) do update set owner_address = excluded.owner_address`;
    clock.advance(1_000);
    expect((await send(signedTransfer(signer, { newOwner: bob.address, nonce: 11 }))).status).toBe(200);
    const rows = await sql<{ hotspot_address: string }[]>`select hotspot_address from owner_alert_hotspots where hotspot_address in (${hotspot.address}, ${other.address})`;
    expect(rows.map((r) => r.hotspot_address)).toEqual([other.address]);
  });
});
