/**
 * Owners' hotspot status alerts end to end: an owner subscribes with a signed request, a real
 * node's API checks its hotspots on its own schedule (on a manual clock, so "offline" comes when
 * the test says), and posts one notice per owner with the hotspots that went offline or came back,
 * or whose PoC reports are all rejected, to a small HTTP server in the test. On PostgreSQL and embedded.
 */
import http from 'node:http';
import { Value } from 'typebox/value';
import { HotspotStatusNoticeSchema } from '@cov/shared/alerts/notice-schemas';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel, sign } from '@cov/shared/helium/keys';
import { ownerAlertsRemoveBytes, ownerAlertsSetBytes } from '@cov/shared/registry/owner-alert-request';
import { verifyWebhookSignature } from '@cov/shared/routing/webhook-signature';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';
import { waitFor } from '@cov/router/testing/test-gateway';
import { twoMoreAlertChecks } from '../testing/alert-checks';
import type { HotspotStatusNotice } from './hotspot-status-changes';
import { recordTold } from './owner-alerts-repository';

const T0 = Date.UTC(2026, 10, 21, 8, 0, 0);
const ONLINE_WINDOW_MS = 2 * 21_600_000; // two beacon intervals (the default 6 h)

describe.each(['postgres+redis', 'embedded'] as TestMode[])('hotspot status alerts (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  const owner = keypairFromLabel(`owner-alerts/${mode}/owner`);
  const stranger = keypairFromLabel(`owner-alerts/${mode}/stranger`);
  const hotspots = [0, 1].map((i) => keypairFromLabel(`owner-alerts/${mode}/hotspot/${i}`).address).sort();
  const notices: { authorization: string | undefined; signature: string | undefined; raw: Buffer; body: HotspotStatusNotice }[] = [];
  let status = 200;
  let nonce = 0;
  /** What signs the notices: the first subscription's secret. */
  let secret = '';
  let makerKey = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['x-cov-signature'];
      notices.push({ authorization: req.headers.authorization, signature: typeof signature === 'string' ? signature : undefined, raw, body: JSON.parse(raw.toString('utf8')) as HotspotStatusNotice });
      res.writeHead(status).end();
    });
  });
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const call = (method: string, path: string, body?: unknown) => node.call(method, path, body);
  const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  const subscribe = (fields: { url: string; authHeader?: string; nonce?: number; timestampMs?: number }, key = owner.secretKey, who = owner.address) => {
    const f = { owner: who, url: fields.url, authHeader: fields.authHeader ?? null, nonce: fields.nonce ?? ++nonce, timestampMs: fields.timestampMs ?? clock.nowMs() };
    const signature = b64(sign(ownerAlertsSetBytes(f), key));
    return call('PUT', `/v1/owners/${who}/alerts`, { url: f.url, ...(fields.authHeader ? { authHeader: fields.authHeader } : {}), nonce: f.nonce, timestampMs: f.timestampMs, signature });
  };
  /** A carried packet: the activity that keeps a hotspot online. */
  const carried = (address: string) =>
    node.ctx.database.sql`insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
      values (${Buffer.alloc(32, 1)}, '00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000a1', ${address}, 1, -70, 5, 868100000, 'SF7BW125', ${clock.nowMs()})`;
  const alerts = async () => (await call('GET', `/v1/owners/${owner.address}/alerts`)).body;
  const checks = () => twoMoreAlertChecks(node.httpBaseUrl, 'hotspot_status');

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    node = await startTestNode(mode, { services: ['api'], clock, overrides: { OWNER_ALERT_CHECK_INTERVAL_MS: '50', ALERT_POST_TIMEOUT_MS: '1000', ALERT_PRIVATE_ADDRESSES: 'allow' } });
    const maker = await node.call('POST', '/v1/admin/makers', { name: 'Alert Gateways' }, node.adminKey);
    makerKey = maker.body.apiKey;
    for (const [i, address] of hotspots.entries()) {
      const added = await node.call('POST', '/v1/hotspots', { address, ownerAddress: owner.address, gatewayEui: `AA555A00000003${i.toString(16).padStart(2, '0')}` }, maker.body.apiKey);
      expect(added.status).toBe(201);
      await carried(address);
    }
  });
  afterAll(async () => {
    await node?.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('tells the owner when hotspots go offline and when one comes back, once each', async () => {
    expect(code(await call('GET', `/v1/owners/${owner.address}/alerts`))).toEqual([404, 'owner_alerts.not_set']);
    const set = await subscribe({ url: url('/status?token=s3cret'), authHeader: 'Bearer owner-secret' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ owner: owner.address, urlOrigin: url('').replace(/\/$/, ''), authHeaderSet: true, lastSentAt: null, signed: true });
    // The secret that signs the notices is shown in this answer only.
    secret = set.body.signingSecret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await call('GET', `/v1/owners/${owner.address}/alerts`)).body)).not.toContain(secret);
    expect(JSON.stringify(set.body)).not.toMatch(/s3cret|owner-secret/);

    // First seen online: recorded, not told (subscribing is not news).
    await waitFor(async () => (await alerts()).hotspots.length === 2, 'both hotspots checked');
    expect((await alerts()).hotspots.map((h: any) => [h.address, h.online])).toEqual(hotspots.map((h) => [h, true]));
    await checks();
    expect(notices).toHaveLength(0);

    // Nothing heard from either for longer than the online window: one notice with both.
    clock.advance(ONLINE_WINDOW_MS + 1000);
    await waitFor(() => notices.length === 1, 'the offline notice');
    expect(notices[0]!.authorization).toBe('Bearer owner-secret');
    expect(verifyWebhookSignature(notices[0]!.signature, notices[0]!.raw, secret, clock.nowMs())).toBe(true);
    expect(notices[0]!.body).toEqual({
      type: 'hotspot_status',
      owner: owner.address,
      changes: hotspots.map((h) => ({ hotspot: h, name: hotspotName(h), online: false, lastSeenAt: new Date(T0).toISOString() })),
      pocChanges: [],
      scaleChanges: [],
      at: new Date(clock.nowMs()).toISOString(),
    });
    // As the OpenAPI document publishes it (webhooks.owner-hotspot-status).
    expect([...Value.Errors(HotspotStatusNoticeSchema, notices[0]!.body)]).toEqual([]);
    await waitFor(async () => (await alerts()).lastSentAt !== null, 'the notice recorded');
    await checks();
    expect(notices).toHaveLength(1);

    // One carries a packet again: back online, told alone.
    await carried(hotspots[1]!);
    await waitFor(() => notices.length === 2, 'the back-online notice');
    expect(notices[1]!.body.changes).toEqual([{ hotspot: hotspots[1], name: hotspotName(hotspots[1]!), online: true, lastSeenAt: new Date(clock.nowMs()).toISOString() }]);
    // Recorded as told once the endpoint took the notice (just after it answered).
    await waitFor(async () => (await alerts()).hotspots.map((h: any) => h.online).join() === 'false,true', 'the status recorded as told');
  });

  it('tells a change again at the next checks until the endpoint takes it, and records why it failed', async () => {
    status = 500;
    const before = notices.length;
    clock.advance(ONLINE_WINDOW_MS + 1000); // hotspot 1 goes quiet again
    await waitFor(() => notices.length >= before + 2, 'two attempts');
    await waitFor(async () => (await alerts()).lastError === 'status_500', 'the failure recorded');
    status = 200;
    await waitFor(async () => (await alerts()).lastError === null && (await alerts()).hotspots[1].online === false, 'delivered at last');
    const delivered = notices.length;
    await checks();
    expect(notices.length).toBe(delivered);
    expect(notices[delivered - 1]!.body.changes).toEqual([{ hotspot: hotspots[1], name: hotspotName(hotspots[1]!), online: false, lastSeenAt: expect.any(String) }]);
  });

  it("tells the owner when every recent PoC report of a hotspot is rejected, with the main reason, and when one passes again", async () => {
    const [h0] = hotspots;
    let n = 0;
    /** A witness verdict of the hotspot, as the verifier writes it (only verdicts count here, not reports). */
    const witnessed = (valid: boolean, reason: string | null, atMs = clock.nowMs(), by = h0!) =>
      node.ctx.database.sql`insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details, selected, signal_dbm_x10, snr_db_x10)
        values (${`beacon-${mode}-${++n}`}, ${`witness-${mode}-${n}`}, ${by}, ${hotspots[1]!}, ${atMs}, 0, ${valid}, ${reason}, '{}'::jsonb, false, -900, 50)`;
    const pocOf = async () => (await alerts()).hotspots.find((h: { address: string }) => h.address === h0).pocFailing;
    const before = notices.length;
    expect(await pocOf()).toBeNull();
    // Two rejections are too few to judge.
    await witnessed(false, 'witness_too_close');
    await witnessed(false, 'witness_rssi_too_high');
    await checks();
    expect(notices.length).toBe(before);
    await witnessed(false, 'witness_too_close');
    await waitFor(() => notices.length === before + 1, 'the PoC notice');
    expect(notices[before]!.body).toMatchObject({
      changes: [],
      pocChanges: [{ hotspot: h0, name: hotspotName(h0!), failing: true, reason: 'witness_too_close', invalidReports: 3 }],
    });
    await waitFor(async () => (await pocOf()) === true, 'failing recorded as told');
    await checks();
    expect(notices.length).toBe(before + 1);

    // One report passes: told once more.
    await witnessed(true, null);
    await waitFor(() => notices.length === before + 2, 'the passing-again notice');
    expect(notices[before + 1]!.body.pocChanges).toEqual([{ hotspot: h0, name: hotspotName(h0!), failing: false, reason: null, invalidReports: 3 }]);
    await waitFor(async () => (await pocOf()) === false, 'passing recorded as told');

    // Rejections older than four beacon intervals are forgotten: quiet since, the hotspot is not judged, so nothing is told.
    clock.advance(2 * ONLINE_WINDOW_MS + 1000);
    for (let i = 0; i < 3; i++) await witnessed(false, 'witness_too_close', clock.nowMs() - 2 * ONLINE_WINDOW_MS - 500);
    await checks();
    expect(notices.length).toBe(before + 2);
    expect(await pocOf()).toBe(false);

    // A data-only hotspot takes no part in PoC: its verdicts (had it any) are never judged.
    const dataOnly = keypairFromLabel(`owner-alerts/${mode}/data-only`).address;
    expect((await node.call('POST', '/v1/hotspots', { address: dataOnly, ownerAddress: owner.address, capability: 'data_only', gatewayEui: 'AA555A00000003FF' }, makerKey)).status).toBe(201);
    for (let i = 0; i < 3; i++) await witnessed(false, 'witness_too_close', clock.nowMs(), dataOnly);
    await waitFor(async () => (await alerts()).hotspots.some((h: { address: string }) => h.address === dataOnly), 'the data-only hotspot first seen');
    await checks();
    expect(notices.length).toBe(before + 2);
    expect((await alerts()).hotspots.find((h: { address: string }) => h.address === dataOnly).pocFailing).toBeNull();
  });

  it('takes only fresh requests signed by the owner of hotspots, and never the same request twice', async () => {
    expect(code(await subscribe({ url: url('/x') }, stranger.secretKey))).toEqual([401, 'auth.bad_signature']);
    expect(code(await subscribe({ url: url('/x'), timestampMs: clock.nowMs() - 600_000 }))).toEqual([400, 'auth.stale_request']);
    expect(code(await subscribe({ url: url('/x'), nonce: 1 }))).toEqual([409, 'auth.replayed_nonce']);
    expect(code(await subscribe({ url: url('/x') }, stranger.secretKey, stranger.address))).toEqual([404, 'owners.no_hotspots']);
    expect(code(await subscribe({ url: 'ftp://example.net/x' }))).toEqual([400, 'request.invalid']);
    // Signed, but a URL new URL() cannot read was a 500; an Authorization value fetch cannot send was stored.
    expect(code(await subscribe({ url: 'http://[' }))).toEqual([400, 'request.invalid']);
    expect(code(await subscribe({ url: url('/x'), authHeader: 'Bearer a\nX-Evil: 1' }))).toEqual([400, 'request.invalid']);
    expect(code(await call('PUT', `/v1/owners/${owner.address}/alerts`, { url: url('/x'), nonce: 99, timestampMs: clock.nowMs(), signature: 'AAAA' }))).toEqual([401, 'auth.bad_signature']);
    expect(code(await call('GET', '/v1/owners/not-an-address/alerts'))[0]).toBe(400);

    // Unsubscribing is signed too; the nonce it leaves behind still refuses the old subscription's replay.
    const removal = { owner: owner.address, nonce: ++nonce, timestampMs: clock.nowMs() };
    const removed = await call('DELETE', `/v1/owners/${owner.address}/alerts`, { nonce: removal.nonce, timestampMs: removal.timestampMs, signature: b64(sign(ownerAlertsRemoveBytes(removal), owner.secretKey)) });
    expect(removed.status).toBe(204);
    expect(code(await call('GET', `/v1/owners/${owner.address}/alerts`))).toEqual([404, 'owner_alerts.not_set']);
    // What was told is forgotten: a later subscription starts from what it first sees.
    const toldCount = async () => (await node.ctx.database.sql<{ n: number }[]>`select count(*)::int as n from owner_alert_hotspots where owner_address = ${owner.address}`)[0]!.n;
    expect(await toldCount()).toBe(0);
    // A check that leased the owner before the unsubscribe and finishes after it records nothing.
    await recordTold(node.ctx.database.sql, owner.address, [{ address: hotspots[0]!, online: true, changedAtMs: clock.nowMs(), pocFailing: null, scaleE4: null }], clock.nowMs(), clock.nowMs());
    expect(await toldCount()).toBe(0);
    expect(code(await subscribe({ url: url('/status'), nonce: removal.nonce }))).toEqual([409, 'auth.replayed_nonce']);
    // A subscription after an unsubscribe gets a new secret; changing an active one keeps it.
    const renewed = await subscribe({ url: url('/status') });
    expect(renewed.body.signingSecret).toMatch(/^whsec_/);
    expect(renewed.body.signingSecret).not.toBe(secret);
    expect((await subscribe({ url: url('/status-2') })).body).toMatchObject({ signed: true, signingSecret: null });
    const renewedRemoval = { owner: owner.address, nonce: ++nonce, timestampMs: clock.nowMs() };
    expect((await call('DELETE', `/v1/owners/${owner.address}/alerts`, { nonce: renewedRemoval.nonce, timestampMs: renewedRemoval.timestampMs, signature: b64(sign(ownerAlertsRemoveBytes(renewedRemoval), owner.secretKey)) })).status).toBe(204);
    const again = { owner: owner.address, nonce: ++nonce, timestampMs: clock.nowMs() };
    expect(code(await call('DELETE', `/v1/owners/${owner.address}/alerts`, { nonce: again.nonce, timestampMs: again.timestampMs, signature: b64(sign(ownerAlertsRemoveBytes(again), owner.secretKey)) }))).toEqual([
      404,
      'owner_alerts.not_set',
    ]);
    // A set request's signature is not a remove request's.
    const setBytes = ownerAlertsSetBytes({ owner: owner.address, url: url('/x'), authHeader: null, nonce: ++nonce, timestampMs: clock.nowMs() });
    expect(code(await call('DELETE', `/v1/owners/${owner.address}/alerts`, { nonce, timestampMs: clock.nowMs(), signature: b64(sign(setBytes, owner.secretKey)) }))).toEqual([401, 'auth.bad_signature']);
  });
});
