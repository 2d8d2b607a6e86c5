import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { allPages } from '@cov/app/testing/keyset-pages';
import { keypairFromLabel, sign, type Keypair } from '@cov/shared/helium/keys';
import { locationAssertionBytes, type LocationAssertionFields } from '@cov/shared/registry/location-assertion';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
// Paris, New York, open Atlantic
const PARIS = { lat: 48.8566, lng: 2.3522 };
const NEW_YORK = { lat: 40.7075, lng: -74.0113 };
const ATLANTIC = { lat: 35.0, lng: -40.0 };

describe.each(allTestModes)('hotspot registry (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  let makerKey: string;
  const owner = keypairFromLabel(`test/${mode}/owner`);
  const otherOwner = keypairFromLabel(`test/${mode}/other-owner`);
  const hotspots: Keypair[] = [0, 1, 2].map((i) => keypairFromLabel(`test/${mode}/hotspot/${i}`));

  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);

  const signedAssertion = (signer: Keypair, fields: Partial<LocationAssertionFields> & { hotspot: string }) => {
    const full: LocationAssertionFields = { owner: signer.address, lat: PARIS.lat, lng: PARIS.lng, gainDbiX10: 30, elevationM: 12, nonce: 1, timestampMs: clock.nowMs(), ...fields };
    const signature = Buffer.from(sign(locationAssertionBytes(full), signer.secretKey)).toString('base64');
    const { hotspot, ...rest } = full;
    return { path: `/v1/hotspots/${hotspot}/location`, body: { ...rest, signature } };
  };

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    const created = await call('POST', '/v1/admin/makers', { name: 'Acme Hotspots' }, node.adminKey);
    expect(created.status).toBe(201);
    makerKey = created.body.apiKey;
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('rejects maker creation without the admin key and duplicate maker names', async () => {
    // A NUL was a 500 from PostgreSQL's text column.
    expect([(await call('POST', '/v1/admin/makers', { name: 'Acme\u0000' }, node.adminKey)).body.error.code]).toEqual(['request.invalid']);
    expect((await call('POST', '/v1/admin/makers', { name: 'X' })).body.error.code).toBe('auth.missing_key');
    expect((await call('POST', '/v1/admin/makers', { name: 'X' }, 'nope')).body.error.code).toBe('auth.bad_key');
    const dup = await call('POST', '/v1/admin/makers', { name: 'Acme Hotspots' }, node.adminKey);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('makers.already_exists');
  });

  it('lists makers by name for the operator, in keyset pages, so a maker\'s id can be found again to issue it a key', async () => {
    for (const name of ['Zulu Radios', 'beta gateways']) expect((await call('POST', '/v1/admin/makers', { name }, node.adminKey)).status).toBe(201);
    const names = (await allPages<{ name: string }>((cursor) => call('GET', `/v1/admin/makers?limit=1${cursor ? `&cursor=${cursor}` : ''}`, undefined, node.adminKey))).map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['Acme Hotspots', 'Zulu Radios', 'beta gateways']));
    const all = (await call('GET', '/v1/admin/makers', undefined, node.adminKey)).body;
    expect(all.data.map((m: { name: string }) => m.name)).toEqual(names);
    const zulu = all.data.find((m: { name: string }) => m.name === 'Zulu Radios');
    expect(zulu.createdAt).toBe(new Date(clock.nowMs()).toISOString());
    // The listed id is the one that takes a new key.
    expect((await call('POST', `/v1/admin/makers/${zulu.id}/api-keys`, undefined, node.adminKey)).status).toBe(201);
    expect((await call('GET', '/v1/admin/makers', undefined, makerKey)).body.error.code).toBe('auth.bad_key');
    expect((await call('GET', '/v1/admin/makers?cursor=e30', undefined, node.adminKey)).body.error.code).toBe('request.invalid');
  });

  it('onboards hotspots with a maker key, once', async () => {
    for (const [i, h] of hotspots.entries()) {
      const res = await call('POST', '/v1/hotspots', { address: h.address, ownerAddress: owner.address, capability: i === 2 ? 'data_only' : 'full' }, makerKey);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ address: h.address, ownerAddress: owner.address, location: null });
      expect(res.body.gatewayEui).toMatch(/^[0-9A-F]{16}$/);
    }
    const again = await call('POST', '/v1/hotspots', { address: hotspots[0]!.address, ownerAddress: owner.address }, makerKey);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('hotspots.already_onboarded');
    const badKey = await call('POST', '/v1/hotspots', { address: keypairFromLabel('x').address, ownerAddress: owner.address }, 'mk_wrong');
    expect(badKey.body.error.code).toBe('auth.bad_key');
    const badAddress = await call('POST', '/v1/hotspots', { address: 'not-an-address', ownerAddress: owner.address }, makerKey);
    expect(badAddress.status).toBe(400);
    expect(badAddress.body.error.code).toBe('keys.invalid_address');
  });

  it('asserts a location signed by the owner and derives the region', async () => {
    const a = signedAssertion(owner, { hotspot: hotspots[0]!.address, nonce: 1 });
    const res = await call('POST', a.path, a.body);
    expect(res.status).toBe(200);
    expect(res.body.location).toMatchObject({ region: 'EU868', gainDbiX10: 30, elevationM: 12, nonce: '1' });
    expect(res.body.location.cell).toMatch(/^8c/); // res-12 cells start with 0x8c
    expect(Math.abs(res.body.location.lat - PARIS.lat)).toBeLessThan(0.001);

    const ny = signedAssertion(owner, { hotspot: hotspots[1]!.address, nonce: 7, ...NEW_YORK });
    expect((await call('POST', ny.path, ny.body)).body.location.region).toBe('US915');
  });

  it('refuses replays, bad signatures, strangers, stale requests, bad ranges and oceans with stable codes', async () => {
    const h = hotspots[0]!.address;
    const replay = signedAssertion(owner, { hotspot: h, nonce: 1 });
    let res = await call('POST', replay.path, replay.body);
    expect([res.status, res.body.error.code]).toEqual([409, 'auth.replayed_nonce']);

    const tampered = signedAssertion(owner, { hotspot: h, nonce: 2 });
    res = await call('POST', tampered.path, { ...tampered.body, lat: tampered.body.lat + 0.01 });
    expect([res.status, res.body.error.code]).toEqual([401, 'auth.bad_signature']);

    const stranger = signedAssertion(otherOwner, { hotspot: h, nonce: 2 });
    res = await call('POST', stranger.path, stranger.body);
    expect([res.status, res.body.error.code]).toEqual([403, 'hotspots.not_owner']);

    const stale = signedAssertion(owner, { hotspot: h, nonce: 2, timestampMs: T0 - 3600_000 });
    res = await call('POST', stale.path, stale.body);
    expect([res.status, res.body.error.code]).toEqual([400, 'auth.stale_request']);

    for (const bad of [{ lat: 91 }, { lng: -180.5 }, { gainDbiX10: 999 }, { elevationM: 20_000 }]) {
      const r = signedAssertion(owner, { hotspot: h, nonce: 2, ...bad });
      res = await call('POST', r.path, r.body);
      expect([res.status, res.body.error.code]).toEqual([400, 'geo.out_of_range']);
    }

    const ocean = signedAssertion(owner, { hotspot: h, nonce: 2, ...ATLANTIC });
    res = await call('POST', ocean.path, ocean.body);
    expect([res.status, res.body.error.code]).toEqual([422, 'geo.no_region']);

    const unknown = signedAssertion(owner, { hotspot: keypairFromLabel('never-onboarded').address, nonce: 1 });
    res = await call('POST', unknown.path, unknown.body);
    expect([res.status, res.body.error.code]).toEqual([404, 'hotspots.not_found']);

    // Coerced from "Infinity", a nonce passed the schema's maximum and BigInt() threw: a 500.
    const infinite = signedAssertion(owner, { hotspot: h, nonce: 2 });
    res = await call('POST', infinite.path, { ...infinite.body, nonce: 'Infinity' });
    expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'request.invalid', { field: 'body/nonce' }]);
    // A path parameter past Fastify's length limit had Fastify's own error body, without a code.
    res = await call('POST', `/v1/hotspots/${'1'.repeat(120)}/location`, infinite.body);
    expect([res.status, res.body.error.code]).toEqual([400, 'request.invalid']);

    // None of the refusals changed what was stored.
    const stored = await call('GET', `/v1/hotspots/${h}`);
    expect(stored.body.location).toMatchObject({ nonce: '1', region: 'EU868', gainDbiX10: 30 });
  });

  it('keeps every assertion as history', async () => {
    const h = hotspots[0]!.address;
    clock.advance(60_000);
    const moved = signedAssertion(owner, { hotspot: h, nonce: 5, lat: 52.52, lng: 13.405, gainDbiX10: 58 });
    expect((await call('POST', moved.path, moved.body)).status).toBe(200);
    const history = await call('GET', `/v1/hotspots/${h}/locations`);
    expect(history.body.data.map((r: { nonce: string }) => r.nonce)).toEqual(['5', '1']);
    expect(history.body.data[0]).toMatchObject({ gainDbiX10: 58, region: 'EU868' });
    // Each past location where it was, as the hotspot view gives the current one (not only an H3 index).
    const current = (await call('GET', `/v1/hotspots/${h}`)).body.location;
    expect(history.body.data[0]).toMatchObject({ cell: current.cell, lat: current.lat, lng: current.lng });
    expect(history.body.data[1].lat).toBeCloseTo(PARIS.lat, 3);
  });

  it('answers schema failures with 400 naming the field, and unknown routes with 404', async () => {
    const a = signedAssertion(owner, { hotspot: hotspots[0]!.address, nonce: 9 });
    const { gainDbiX10: _g, ...missing } = a.body;
    let res = await call('POST', a.path, missing);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request.invalid');
    expect(res.body.error.message).toContain('gainDbiX10');
    expect(res.body.requestId).toBeTruthy();
    res = await call('POST', a.path, '{"not json');
    expect([res.status, res.body.error.code]).toEqual([400, 'request.invalid']);
    res = await call('GET', '/v1/nowhere');
    expect([res.status, res.body.error.code]).toEqual([404, 'request.not_found']);
    res = await call('GET', `/v1/hotspots/${keypairFromLabel('nobody').address}`);
    expect([res.status, res.body.error.code]).toEqual([404, 'hotspots.not_found']);
  });

  it('shows each hotspot status: scale, interactivity, last activity, online and lifetime rewards', async () => {
    const h = hotspots[1]!.address;
    let res = await call('GET', `/v1/hotspots/${h}`);
    expect(res.body.status).toEqual({ transmitScale: 0.2, pocEligible: true, interactive: false, lastBeaconAt: null, lastWitnessAt: null, lastPacketAt: null, online: false, lifetimeRewards: '0', denylisted: null, latestEpoch: null, earningSoFar: null, flaggedLastEpoch: null });
    // A data-only hotspot (no location asserted yet) takes no part in PoC: no transmit scale applies to it.
    const dataOnly = (await call('GET', `/v1/hotspots/${hotspots[2]!.address}`)).body;
    expect([dataOnly.capability, dataOnly.status.transmitScale, dataOnly.status.pocEligible]).toEqual(['data_only', null, false]);
    await node.ctx.database.sql`insert into witness_reports (id, hotspot_address, received_at_ms, payload, reported_timestamp_ns, tmst, signal_dbm_x10, snr_db_x10, frequency_hz, data_rate, encoded)
      values ('status-w1', ${h}, ${clock.nowMs() - 60_000}, ${Buffer.alloc(51)}, 0, 0, -1000, 50, 867100000, 'SF12BW125', ${Buffer.alloc(1)})`;
    await node.ctx.database.sql`insert into reward_index (hotspot_address, lifetime_amount, last_epoch) values (${h}, 123456789012345, 3)`;
    res = await call('GET', `/v1/hotspots/${h}`);
    expect(res.body.status).toMatchObject({ lastWitnessAt: new Date(clock.nowMs() - 60_000).toISOString(), online: true, lifetimeRewards: '123456789012345' });
    const fleet = await call('GET', `/v1/owners/${owner.address}/hotspots`);
    expect(fleet.body.data.find((d: { address: string }) => d.address === h).status.online).toBe(true);
  });

  it('tells an owner when the denylist denies a hotspot, and when that is lifted', async () => {
    const [h, other] = [hotspots[0]!.address, hotspots[1]!.address];
    const statusOf = async (address: string) => (await call('GET', `/v1/hotspots/${address}`)).body.status.denylisted;
    const denied = await call('POST', '/v1/admin/denylist/entries', { kind: 'key', address: h, reason: 'internal case 17' }, node.adminKey);
    expect(denied.status).toBe(201);
    // A denied edge is about one link, not the hotspot.
    expect((await call('POST', '/v1/admin/denylist/entries', { kind: 'edge', address: other, otherAddress: h, reason: 'link' }, node.adminKey)).status).toBe(201);
    expect(await statusOf(h)).toEqual({ since: new Date(clock.nowMs()).toISOString(), denylistVersion: denied.body.version });
    expect(await statusOf(other)).toBeNull();
    const fleet = await call('GET', `/v1/owners/${owner.address}/hotspots`);
    const byAddress = new Map(fleet.body.data.map((d: { address: string; status: { denylisted: unknown } }) => [d.address, d.status.denylisted]));
    expect([byAddress.get(h), byAddress.get(other)]).toEqual([{ since: new Date(clock.nowMs()).toISOString(), denylistVersion: denied.body.version }, null]);
    expect(JSON.stringify(fleet.body)).not.toContain('internal case 17');
    expect((await call('DELETE', `/v1/admin/denylist/entries/${denied.body.entry.id}`, undefined, node.adminKey)).status).toBe(200);
    expect(await statusOf(h)).toBeNull();
  });

  it('lists an owner fleet with keyset cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { address: string }[]; cursor: string | null } } = await call('GET', `/v1/owners/${owner.address}/hotspots?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.data.map((d) => d.address));
      cursor = res.body.cursor;
    } while (cursor);
    expect(seen).toEqual(hotspots.map((h) => h.address).sort());
    const bad = await call('GET', `/v1/owners/${owner.address}/hotspots?cursor=zzz`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'request.invalid']);
  });

  it('exports the whole fleet as CSV, one row per hotspot as the fleet list shows it', async () => {
    const json = (await call('GET', `/v1/owners/${owner.address}/hotspots`)).body.data as { address: string; location: { lat: number; country: { code: string } | null } | null; status: { online: boolean; lifetimeRewards: string } }[];
    const res = await fetch(`${node.httpBaseUrl}/v1/owners/${owner.address}/hotspots?format=csv&limit=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const [header, ...lines] = (await res.text()).trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 3)).toEqual(['address', 'capability', 'gateway_eui']);
    // Columns added later come last, so an older export's columns keep their places.
    expect(columns.slice(-8)).toEqual(['name', 'latest_epoch', 'latest_epoch_total', 'latest_epoch_standing', 'country', 'earning_epoch', 'earning_so_far', 'earning_as_of']);
    // limit does not cut an export: every hotspot, in the list's order.
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
    expect(rows.map((r) => r.address)).toEqual(json.map((h) => h.address));
    for (const [i, h] of json.entries()) {
      expect(rows[i]).toMatchObject({ name: hotspotName(h.address), online: String(h.status.online), lifetime_rewards: h.status.lifetimeRewards, lat: h.location ? String(h.location.lat) : '', country: h.location?.country?.code ?? '' });
    }
    expect(rows.filter((r) => r.country !== '').length).toBeGreaterThan(0);
    // The data-only hotspot: no transmit scale, not eligible for PoC; the full ones the default.
    const byAddress = new Map(rows.map((r) => [r.address, r]));
    expect(byAddress.get(hotspots[2]!.address)).toMatchObject({ capability: 'data_only', transmit_scale: '', poc_eligible: 'false' });
    expect(byAddress.get(hotspots[1]!.address)).toMatchObject({ capability: 'full', transmit_scale: '0.2', poc_eligible: 'true' });
    expect((await fetch(`${node.httpBaseUrl}/v1/owners/${keypairFromLabel('owner-of-nothing').address}/hotspots?format=csv`).then((r) => r.text())).split('\r\n')[1]).toBe('');
  });
});
