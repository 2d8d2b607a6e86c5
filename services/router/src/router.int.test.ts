/**
 * End to end: a firmware-sim end device's frames (OTAA join with real MIC, then uplinks encrypted
 * with the session keys it derives from the join-accept the router delivered) go as PUSH_DATA over
 * real UDP from several simulated gateways to a real node (API + router), and on to a test LNS
 * over HTTP or GWMP. Other orgs' devices are built directly with the shared LoRaWAN codec.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGwmpPacket, parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { GwmpPacket } from '@cov/shared/gwmp/types';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { buildDataFrame } from '@cov/shared/lorawan/frame-builder';
import { buildJoinAccept, buildJoinRequest, decryptJoinAccept } from '@cov/shared/lorawan/join';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import { decryptFrmPayload } from '@cov/shared/lorawan/frm-payload';
import { deriveSessionKeys10 } from '@cov/shared/lorawan/session-keys';
import { EndDevice } from '@cov/firmware-sim/device/end-device';
import type { DataMType, SessionKeys } from '@cov/shared/lorawan/types';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';
import { Registry } from 'prom-client';
import { Value } from 'typebox/value';
import { verifyWebhookSignature } from '@cov/shared/routing/webhook-signature';
import { WebhookMessageSchema } from '@cov/shared/routing/webhook-message-schema';
import { PgBurnStore } from './burn-store';
import { Router } from './router';
import type { RouterServiceModule } from './service';
import type { UplinkCopy } from './uplink-copy';
import { TestGateway, rxpkOf, waitFor } from './testing/test-gateway';
import { TestLns } from './testing/test-lns';
import { onboardTestHotspots } from './testing/onboard-test-hotspots';
import { hotspotName } from '@cov/shared/registry/hotspot-name';

const PARIS = { lat: 48.8566, lng: 2.3522 };
const APP_KEY = Uint8Array.from(Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex'));
const JOIN_EUI = '70b3d57ed0000001';
const DEV_EUI = '0004a30b001c0530';
const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: Error }): T => {
  if (!r.ok) throw r.error;
  return r.value;
};

describe.each(['postgres+redis', 'embedded'] as TestMode[])('packet routing end to end (%s)', (mode) => {
  let node: TestNode;
  let router: RouterServiceModule['router'];
  const lns = new TestLns();
  const gateways: TestGateway[] = [];
  const hotspots = [0, 1, 2, 3].map((i) => keypairFromLabel(`router-e2e/${mode}/hotspot/${i}`));
  let orgA: { id: string; key: string };
  let orgB: { id: string; key: string };
  const routes: Record<string, string> = {};
  let tmst = 1_000_000;

  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const metric = async (name: string, reason: string): Promise<number> => {
    const text = await (await fetch(`${node.httpBaseUrl}/metrics`)).text();
    const m = new RegExp(`^${name}\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };

  /**
   * Sends one PHYPayload as heard by the given gateways (RSSI per gateway), in that order and at
   * once: every datagram is sent before the router (in this process) reads any, so it takes them
   * together in arrival order. Copies sent one event-loop turn apart could straddle the purchase
   * the router makes ROUTER_PURCHASE_LEAD_MS before the close (on a busy machine, or while the
   * embedded database holds the thread): the late copy is then bought in a later purchase, which
   * is right, but not the packet these tests describe.
   */
  async function hear(phy: Uint8Array, rssi: number[], from = gateways): Promise<number> {
    tmst += 10_000_000;
    await Promise.all(from.map((gw, i) => gw.push([rxpkOf(phy, { tmst: tmst + i * 7, rssiDbm: rssi[i] ?? -100, snrDb: 5 })])));
    return tmst;
  }

  function uplink(devAddr: string, keys: SessionKeys, fCnt: number, payload: Uint8Array, mtype: DataMType = 'UnconfirmedDataUp'): Uint8Array {
    return unwrap(buildDataFrame({ mtype, devAddr, fCnt, fPort: 2, payload }, keys));
  }

  /** org A's device is a firmware-sim end device: its frames are what a simulated device sends. */
  const device = new EndDevice({ devEui: DEV_EUI, joinEui: JOIN_EUI, appKey: APP_KEY }, 0x1234);
  function deviceUplink(fCnt: number, payload: Uint8Array, mtype: DataMType = 'UnconfirmedDataUp'): Uint8Array {
    device.fCntUp = fCnt;
    return unwrap(device.uplink({ payload, fPort: 2, confirmed: mtype === 'ConfirmedDataUp' })).phyPayload;
  }

  beforeAll(async () => {
    await lns.start();
    node = await startTestNode(mode, {
      services: ['api', 'router'],
      // Packets heard by fewer hotspots than max_copies are bought 50 ms after their first copy,
      // which leaves a later copy the rest of the window to be bought in a later purchase.
      // A route endpoint failing twice in a row is backed off for 600 ms (then 1.2 s at most).
      overrides: {
        ROUTER_DEDUP_WINDOW_MS: '300',
        ROUTER_PURCHASE_LEAD_MS: '250',
        ROUTER_CONFIG_POLL_INTERVAL_MS: '50',
        ROUTER_ENDPOINT_FAILURES_BEFORE_BACKOFF: '2',
        ROUTER_ENDPOINT_BACKOFF_MS: '600',
        ROUTER_ENDPOINT_BACKOFF_MAX_MS: '1200',
        // The API tells org A of its endpoint's outage (route endpoint alerts) to the test LNS.
        BALANCE_ALERT_CHECK_INTERVAL_MS: '50',
        ALERT_PRIVATE_ADDRESSES: 'allow',
      },
    });
    router = (node.modules.find((m) => m.name === 'router') as RouterServiceModule).router;
    expect(router.gwmpPort).toBeGreaterThan(0);
    expect(node.describe().join('\n')).toContain(`udp://127.0.0.1:${router.gwmpPort}`);

    const onboarded = await onboardTestHotspots(call, node.adminKey, { label: `router-e2e/${mode}`, euiPrefix: 'AA555A00000000', count: hotspots.length, at: PARIS, makerName: 'Gateway Co' });
    expect(onboarded.map((h) => h.address)).toEqual(hotspots.map((h) => h.address));
    for (const h of onboarded) gateways.push(await new TestGateway(h.gatewayEui.toLowerCase(), '127.0.0.1', router.gwmpPort).start());
    for (const gw of gateways) await gw.pull();
    await waitFor(() => gateways.every((g) => g.acks('PULL_ACK') === 1), 'PULL_ACKs');

    const a = await call('POST', '/v1/admin/orgs', { name: 'Org A', devAddrCount: 8 }, node.adminKey);
    const b = await call('POST', '/v1/admin/orgs', { name: 'Org B', devAddrCount: 16 }, node.adminKey);
    orgA = { id: a.body.org.id, key: a.body.apiKey };
    orgB = { id: b.body.org.id, key: b.body.apiKey };
    expect(a.body.org.devAddrBlocks[0]).toMatchObject({ start: 'fc014c00', end: 'fc014c07' });
    expect(b.body.org.devAddrBlocks[0]).toMatchObject({ start: 'fc014c08', end: 'fc014c17' });
    // A: joins of its JoinEUI (any device) and DevAddrs fc014c00-07, 2 copies, webhook with auth.
    routes.a = (
      await call(
        'POST',
        `/v1/orgs/${orgA.id}/routes`,
        {
          endpoint: { protocol: 'http', url: lns.url('/a'), authHeader: 'Bearer a-secret' },
          maxCopies: 2,
          devAddrRanges: [{ start: 'fc014c00', end: 'fc014c07' }],
          euiPairs: [{ joinEui: JOIN_EUI, devEui: '0000000000000000' }],
        },
        orgA.key,
      )
    ).body.id;
    // B: HTTP route for fc014c08-0f (3 copies).
    routes.b = (await call('POST', `/v1/orgs/${orgB.id}/routes`, { endpoint: { protocol: 'http', url: lns.url('/b') }, maxCopies: 3, devAddrRanges: [{ start: 'fc014c08', end: 'fc014c0f' }] }, orgB.key)).body.id;
    await call('POST', `/v1/admin/orgs/${orgA.id}/dc`, { amountDc: 10, kind: 'purchase', memo: 'first' }, node.adminKey);
    await call('POST', `/v1/admin/orgs/${orgB.id}/dc`, { amountDc: 1000 }, node.adminKey);
    await router.reloadRoutes();
  });

  afterAll(async () => {
    for (const gw of gateways) await gw.close();
    await node?.destroy();
    await lns.close();
  });

  let session: SessionKeys;
  const DEV_ADDR = 'fc014c01';

  it('routes an OTAA join by JoinEUI (DevEUI wildcard), once, free, and delivers the join-accept through the best gateway', async () => {
    const { phyPayload: join, devNonce } = unwrap(device.joinRequest());
    expect(devNonce).toBe(0x1234);
    lns.answer = (u) => {
      if (u.message.type !== 'join') return { status: 200 };
      const accept = unwrap(buildJoinAccept({ joinNonce: 0x00abcd, netId: 'c00053', devAddr: DEV_ADDR, rxDelay: 1 }, APP_KEY));
      return { status: 200, body: { downlink: { payload: Buffer.from(accept).toString('base64') } } };
    };
    const t = await hear(join, [-100, -58, -80, -90]);
    const received = await waitFor(() => lns.on('/a').find((u) => u.message.type === 'join'), 'the join at LNS A');
    expect(received.authorization).toBe('Bearer a-secret');
    expect(received.message).toMatchObject({ type: 'join', routeId: routes.a, dc: 0, frame: { mtype: 'JoinRequest', joinEui: JOIN_EUI, devEui: DEV_EUI, devNonce } });
    // Every copy taken, in arrival order: a join is free, so the route's max_copies (2) does not
    // apply (up to 50 per route, as HPR); with their hotspots' radio data and location.
    expect(received.message.copies.map((c) => c.hotspot)).toEqual(hotspots.slice(0, 4).map((h) => h.address));
    expect(received.message.copies[1]).toMatchObject({ gatewayEui: 'AA555A0000000001', rssiDbm: -58, snrDb: 5, frequencyHz: 868_100_000, dataRate: 'SF7BW125', tmst: t + 7, region: 'EU868', dc: 0 });
    expect(received.message.copies[1]!.h3).toMatch(/^8c/);

    // The join-accept goes to gateway 1 (best RSSI) at tmst + 5 s, EU868 RX1.
    const dl = await waitFor(() => gateways[1]!.downlinks[0], 'the join-accept PULL_RESP');
    expect(dl.txpk).toMatchObject({ imme: false, tmst: t + 7 + 5_000_000, freq: 868.1, datr: 'SF7BW125', ipol: true, modu: 'LORA' });
    expect(gateways[0]!.downlinks).toHaveLength(0);
    // The device reads it and derives its session keys.
    const frame = unwrap(parsePhyPayload(Uint8Array.from(Buffer.from(dl.txpk.data, 'base64'))));
    if (frame.kind !== 'join_accept') throw new Error('not a join-accept');
    const accepted = unwrap(decryptJoinAccept(frame, APP_KEY));
    expect(accepted).toMatchObject({ devAddr: DEV_ADDR, netId: 'c00053', micValid: true });
    session = unwrap(deriveSessionKeys10(APP_KEY, { joinNonce: accepted.joinNonce, netId: accepted.netId, devNonce }));
    // The simulated device accepts the same frame and derives the same keys.
    const outcome = device.receive(Uint8Array.from(Buffer.from(dl.txpk.data, 'base64')));
    expect(outcome).toMatchObject({ kind: 'join_accepted', session: { devAddr: DEV_ADDR, nwkSKey: session.nwkSKey, appSKey: session.appSKey } });
    await router.drain();
    expect(lns.on('/a').filter((u) => u.message.type === 'join')).toHaveLength(1);
    expect((await call('GET', `/v1/orgs/${orgA.id}`, undefined, orgA.key)).body.balanceDc).toBe(10);
  });

  it('dedups uplinks to one message with max_copies copies and charges 1 DC per 24 bytes per copy', async () => {
    lns.answer = () => ({ status: 200 });
    const payload = new TextEncoder().encode('temperature=21.5;humidity=40%'); // 29 bytes -> 2 DC per copy
    const phy = deviceUplink(1, payload);
    await hear(phy, [-100, -60, -80, -90]);
    const got = await waitFor(() => lns.on('/a').find((u) => u.message.type === 'uplink' && u.message.frame.mtype === 'UnconfirmedDataUp'), 'uplink at LNS A');
    await router.drain();
    const uplinks = lns.on('/a').filter((u) => u.message.type === 'uplink');
    expect(uplinks).toHaveLength(1);
    expect(got.message).toMatchObject({ payloadBytes: 29, dc: 4, frame: { devAddr: DEV_ADDR, fCnt: 1, fPort: 2 } });
    expect(got.message.copies).toHaveLength(2);
    // What the OpenAPI document publishes as the webhook's body is what the endpoint got (joins too).
    for (const u of lns.on('/a')) expect([...Value.Errors(WebhookMessageSchema, u.message)]).toEqual([]);
    const doc = await (await fetch(`${node.httpBaseUrl}/docs/json`)).json();
    expect(doc.webhooks['route-uplink'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['id', 'frame', 'copies']));
    // The downlink POST sits with the rest of the device makers' API (it had a 'routing' section of its own).
    expect(doc.paths['/v1/router/downlinks'].post.tags).toEqual(['device makers']);
    // The LNS can decrypt what it got with the session keys.
    const frame = unwrap(parsePhyPayload(Uint8Array.from(Buffer.from(got.message.phyPayload, 'base64'))));
    if (frame.kind !== 'data') throw new Error('not data');
    expect(new TextDecoder().decode(decryptFrmPayload(frame, session)!)).toBe('temperature=21.5;humidity=40%');
    expect((await call('GET', `/v1/orgs/${orgA.id}`, undefined, orgA.key)).body.balanceDc).toBe(6);
    // A repeat of the same datagram later is a late copy, not a new packet.
    await gateways[2]!.push([rxpkOf(phy, { tmst: 5, rssiDbm: -70, snrDb: 1 })]);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'late_copy')) >= 1, 'late copy counted');
    await router.drain();
    expect(lns.on('/a').filter((u) => u.message.type === 'uplink')).toHaveLength(1);
  });

  it('routes by DevAddr to the owning org only, and drops unknown DevAddrs and EUIs', async () => {
    const keysB = { nwkSKey: new Uint8Array(16).fill(0x42), appSKey: new Uint8Array(16).fill(0x43) };
    await hear(uplink('fc014c09', keysB, 7, Uint8Array.of(1, 2, 3)), [-90, -91, -92, -93]);
    const atB = await waitFor(() => lns.on('/b')[0], 'uplink at LNS B');
    expect(atB.message).toMatchObject({ routeId: routes.b, dc: 3, frame: { devAddr: 'fc014c09' } });
    expect(atB.message.copies).toHaveLength(3);
    expect(atB.authorization).toBeUndefined();

    const noRouteBefore = await metric('cov_router_dropped_total', 'no_route');
    await hear(uplink('fc014c30', keysB, 1, Uint8Array.of(1)), [-90]);
    await hear(unwrap(buildJoinRequest({ joinEui: '0102030405060708', devEui: DEV_EUI, devNonce: 1 }, APP_KEY)), [-90]);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'no_route')) >= noRouteBefore + 2, 'no_route drops');
    // A second packet from the same unknown DevAddr is dropped at intake by the negative cache.
    await hear(uplink('fc014c30', keysB, 2, Uint8Array.of(1)), [-90]);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'no_route')) >= noRouteBefore + 3, 'negative cache drop');
    await router.drain();
    expect(lns.on('/b')).toHaveLength(1);
    expect(lns.on('/a').filter((u) => u.message.frame.mtype !== 'JoinRequest' && (u.message.frame as { devAddr: string }).devAddr !== DEV_ADDR)).toHaveLength(0);

    // Once B has a webhook secret, its packets come signed over the bytes the endpoint got.
    expect(atB.signature).toBeUndefined();
    const made = await call('POST', `/v1/orgs/${orgB.id}/webhook-secret`, undefined, orgB.key);
    expect(made.status).toBe(201);
    await router.reloadRoutes();
    await hear(uplink('fc014c09', keysB, 8, Uint8Array.of(4, 5, 6)), [-90, -91]);
    const signed = await waitFor(() => lns.on('/b')[1], 'a signed uplink at LNS B');
    expect(verifyWebhookSignature(signed.signature, signed.body, made.body.secret, node.ctx.clock.nowMs())).toBe(true);
    expect(verifyWebhookSignature(signed.signature, signed.body, 'whsec_someone-else', node.ctx.clock.nowMs())).toBe(false);
    // Org A's packets are not signed with B's secret, nor at all.
    expect(lns.on('/a').every((u) => u.signature === undefined)).toBe(true);
    expect((await call('DELETE', `/v1/orgs/${orgB.id}/webhook-secret`, undefined, orgB.key)).status).toBe(204);
    await router.reloadRoutes();
  });

  it('buys a copy heard after the purchase in a later purchase, and sends the packet once with every copy it bought', async () => {
    lns.answer = () => ({ status: 200 });
    const keysB = { nwkSKey: new Uint8Array(16).fill(0x42), appSKey: new Uint8Array(16).fill(0x43) };
    const phy = uplink('fc014c0a', keysB, 11, Uint8Array.of(1, 2, 3)); // 1 DC per copy; route B may buy 3
    const fCnt11 = () => lns.on('/b').filter((u) => (u.message.frame as { fCnt?: number }).fCnt === 11);
    const balance = async () => (await call('GET', `/v1/orgs/${orgB.id}`, undefined, orgB.key)).body.balanceDc as number;
    const totals = async () => (await call('GET', `/v1/orgs/${orgB.id}/routes/${routes.b}/stats`, undefined, orgB.key)).body.totals;
    await router.drain();
    const before = { balance: await balance(), totals: await totals(), ledger: (await call('GET', `/v1/orgs/${orgB.id}/dc`, undefined, orgB.key)).body.data.length };
    tmst += 10_000_000;
    await gateways[0]!.push([rxpkOf(phy, { tmst, rssiDbm: -90, snrDb: 5 })]);
    // One copy of the three the route may buy: bought at the lead, 50 ms in, and paid while the window is open.
    await waitFor(async () => (await balance()) === before.balance - 1, 'the first purchase paid');
    expect(fCnt11()).toHaveLength(0);
    await gateways[1]!.push([rxpkOf(phy, { tmst: tmst + 5, rssiDbm: -70, snrDb: 6 })]);
    const got = await waitFor(() => fCnt11()[0], 'the packet at LNS B');
    expect(got.message.copies.map((c) => c.hotspot)).toEqual([hotspots[0]!.address, hotspots[1]!.address]);
    expect(got.message.dc).toBe(2);
    await router.drain();
    expect(fCnt11()).toHaveLength(1);
    expect(await balance()).toBe(before.balance - 2);
    // Two purchases, two burns; one packet log row and one packet in the stats, with both copies.
    const ledger = (await call('GET', `/v1/orgs/${orgB.id}/dc`, undefined, orgB.key)).body.data as { kind: string; amountDc: number }[];
    expect(ledger.slice(0, ledger.length - before.ledger).map((e) => [e.kind, e.amountDc])).toEqual([
      ['burn', -1],
      ['burn', -1],
    ]);
    const logged = (await call('GET', `/v1/orgs/${orgB.id}/routes/${routes.b}/packets?limit=50`, undefined, orgB.key)).body.data.filter((p: { fCnt: number }) => p.fCnt === 11);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ status: 'forwarded', copiesHeard: 2, copiesBought: 2, dc: 2 });
    const after = await totals();
    expect([after.packets - before.totals.packets, after.copies - before.totals.copies, after.dc - before.totals.dc]).toEqual([1, 2, 2]);
    const copies = await node.ctx.database.sql`select hotspot_address from packet_copies where org_id = ${orgB.id} and packet_hash = decode(${got.message.id}, 'hex') order by received_at_ms`;
    expect(copies.map((c) => c.hotspot_address)).toEqual([hotspots[0]!.address, hotspots[1]!.address]);
  });

  it('stops forwarding when the org cannot pay, says why in the stats, and resumes after a top-up', async () => {
    lns.answer = () => ({ status: 200 });
    const payload = Uint8Array.from({ length: 30 }, (_, i) => i); // 2 DC per copy, 4 per packet
    await hear(deviceUplink(2, payload), [-80, -81]);
    await waitFor(() => lns.on('/a').filter((u) => u.message.type === 'uplink').length === 2, 'second uplink');
    await router.drain();
    expect((await call('GET', `/v1/orgs/${orgA.id}`, undefined, orgA.key)).body.balanceDc).toBe(2);
    await hear(deviceUplink(3, payload), [-80, -81]);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'insufficient_dc')) >= 1, 'insufficient_dc drop');
    await router.drain();
    expect(lns.on('/a').filter((u) => u.message.type === 'uplink')).toHaveLength(2);
    expect((await call('GET', `/v1/orgs/${orgA.id}`, undefined, orgA.key)).body.balanceDc).toBe(2);

    const stats = await call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}/stats`, undefined, orgA.key);
    // The join's four copies (free, not limited by max_copies) and two of each paid uplink's four.
    expect(stats.body.totals).toMatchObject({ packets: 3, copies: 8, dc: 8, drops: { insufficient_dc: 1, copy_over_max: 4 } });
    const packets = await call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}/packets?limit=10`, undefined, orgA.key);
    expect(packets.body.data.map((p: { status: string; fCnt: number | null }) => [p.status, p.fCnt])).toEqual([
      ['insufficient_dc', 3],
      ['forwarded', 2],
      ['forwarded', 1],
      ['forwarded', null],
    ]);
    expect(packets.body.data[1]).toMatchObject({ kind: 'uplink', devAddr: DEV_ADDR, payloadBytes: 30, copiesHeard: 4, copiesBought: 2, dc: 4 });
    // One device's packets, or one outcome's.
    const only = async (query: string) =>
      (await call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}/packets?${query}`, undefined, orgA.key)).body.data.map((p: { status: string; fCnt: number | null }) => [p.status, p.fCnt]);
    expect(await only(`devAddr=${DEV_ADDR.toUpperCase()}`)).toEqual([
      ['insufficient_dc', 3],
      ['forwarded', 2],
      ['forwarded', 1],
    ]);
    expect(await only(`devEui=${DEV_EUI}`)).toEqual([['forwarded', null]]);
    expect(await only('status=insufficient_dc')).toEqual([['insufficient_dc', 3]]);
    expect(await only(`devAddr=${DEV_ADDR}&status=forwarded&limit=1`)).toEqual([['forwarded', 2]]);
    expect((await call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}/packets?devAddr=xyz`, undefined, orgA.key)).status).toBe(400);

    await call('POST', `/v1/admin/orgs/${orgA.id}/dc`, { amountDc: 100 }, node.adminKey);
    await hear(deviceUplink(4, payload), [-80, -81]);
    await waitFor(() => lns.on('/a').filter((u) => u.message.type === 'uplink').length === 3, 'uplink after the top-up');
    await router.drain();
    const org = (await call('GET', `/v1/orgs/${orgA.id}`, undefined, orgA.key)).body;
    expect(org.balanceDc).toBe(98);
    // How fast the balance goes, from the route stats: 12 DC burned, today (or yesterday, had the test run over midnight UTC).
    expect(org.spending.burnedTodayDc + org.spending.burnedLast7DaysDc).toBe(12);

    // The ledger: purchase 10, burns 4 and 4, top-up 100, burn 4; each row's balance follows.
    const ledger = await call('GET', `/v1/orgs/${orgA.id}/dc`, undefined, orgA.key);
    expect(ledger.body.balanceDc).toBe(98);
    expect(ledger.body.data.map((e: { kind: string; amountDc: number; balanceAfterDc: number }) => [e.kind, e.amountDc, e.balanceAfterDc])).toEqual([
      ['burn', -4, 98],
      ['top_up', 100, 102],
      ['burn', -4, 2],
      ['burn', -4, 6],
      ['purchase', 10, 10],
    ]);
    // Every bought copy is recorded for data-transfer rewards.
    const copies = await node.ctx.database.sql`select hotspot_address, dc from packet_copies where org_id = ${orgA.id} and dc > 0 order by received_at_ms`;
    expect(copies.map((c) => c.dc)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(new Set(copies.map((c) => c.hotspot_address))).toEqual(new Set([hotspots[0]!.address, hotspots[1]!.address]));
  });

  it('sends the webhook answer downlink at RX1 through the best gateway and retries at RX2 on a TX_ACK error', async () => {
    const down = unwrap(buildDataFrame({ mtype: 'UnconfirmedDataDown', devAddr: DEV_ADDR, fCnt: 1, fPort: 2, payload: Uint8Array.of(0xca, 0xfe) }, session));
    lns.answer = (u) => (u.message.frame.mtype === 'ConfirmedDataUp' ? { status: 200, body: { downlink: { payload: Buffer.from(down).toString('base64'), rx1: { delayMs: 3000 } } } } : { status: 200 });
    gateways[2]!.txAck = (_txpk, n) => (n === 0 ? { error: 'TOO_LATE' } : null);
    const before = gateways[2]!.downlinks.length;
    // Gateways 0 and 2 are heard first (the two bought copies); of those, 2 is the stronger.
    const t = await hear(deviceUplink(5, Uint8Array.of(1), 'ConfirmedDataUp'), [-100, -50, -110, -40], [gateways[0]!, gateways[2]!, gateways[1]!, gateways[3]!]);
    const [rx1, rx2] = await waitFor(() => (gateways[2]!.downlinks.length >= before + 2 ? gateways[2]!.downlinks.slice(before) : undefined), 'RX1 then RX2');
    expect(rx1!.txpk).toMatchObject({ tmst: t + 7 + 3_000_000, freq: 868.1, datr: 'SF7BW125', data: Buffer.from(down).toString('base64') });
    expect(rx2!.txpk).toMatchObject({ tmst: t + 7 + 4_000_000, freq: 869.525, datr: 'SF12BW125', data: Buffer.from(down).toString('base64') });
    expect(rx2!.token).not.toBe(rx1!.token);
    // Gateway 3 heard best of all but its copy was not bought (max_copies 2), so it sends nothing.
    expect(gateways[3]!.downlinks.filter((d) => d.txpk.data === Buffer.from(down).toString('base64'))).toHaveLength(0);
    gateways[2]!.txAck = () => null;
  });

  it('takes a later downlink POST for a forwarded packet, for its own org only', async () => {
    lns.answer = () => ({ status: 200 });
    await hear(deviceUplink(6, Uint8Array.of(9)), [-70, -60]);
    const msg = await waitFor(() => lns.on('/a').find((u) => u.message.type === 'uplink' && u.message.frame.mtype === 'UnconfirmedDataUp' && (u.message.frame as { fCnt: number }).fCnt === 6), 'uplink 6');
    const down = Buffer.from(unwrap(buildDataFrame({ mtype: 'UnconfirmedDataDown', devAddr: DEV_ADDR, fCnt: 2, fPort: 3, payload: Uint8Array.of(7) }, session))).toString('base64');
    // The message says where to post it: this router (the node's HTTP server, bound to 127.0.0.1 in tests).
    expect(msg.message.downlinkUrl).toBe(`${node.httpBaseUrl}/v1/router/downlinks`);
    const body = { uplinkId: msg.message.id, payload: down, rx1: { delayMs: 5000 } };
    const before = gateways[1]!.downlinks.length;
    // A key kept for downlinks alone: the router notes its use, as the API does for the others.
    const downlinkKey = await call('POST', `/v1/orgs/${orgA.id}/api-keys`, { scope: 'write', name: 'downlinks' }, orgA.key);
    const lastUsed = async () => (await call('GET', `/v1/orgs/${orgA.id}/api-keys`, undefined, orgA.key)).body.data.find((k: { id: string }) => k.id === downlinkKey.body.key.id).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const sent = await call('POST', '/v1/router/downlinks', body, downlinkKey.body.apiKey);
    expect(sent.status).toBe(202);
    expect(await lastUsed()).toEqual(expect.any(String));
    expect(sent.body).toMatchObject({ window: 'rx1', hotspot: hotspots[1]!.address, gatewayEui: 'AA555A0000000001', frequencyHz: 868_100_000, dataRate: 'SF7BW125' });
    await waitFor(() => gateways[1]!.downlinks.length > before, 'downlink at gateway 1');

    const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
    expect(code(await call('POST', '/v1/router/downlinks', body, orgB.key))).toEqual([404, 'downlinks.unknown_uplink']);
    expect(code(await call('POST', '/v1/router/downlinks', { ...body, uplinkId: 'ab'.repeat(32) }, orgA.key))).toEqual([404, 'downlinks.unknown_uplink']);
    expect(code(await call('POST', '/v1/router/downlinks', { ...body, payload: msg.message.phyPayload }, orgA.key))).toEqual([400, 'downlinks.invalid_payload']);
    expect(code(await call('POST', '/v1/router/downlinks', body))).toEqual([401, 'auth.missing_key']);
    expect(code(await call('POST', '/v1/router/downlinks', body, 'org_nope'))).toEqual([401, 'auth.bad_key']);
    // One downlink per uplink: the device listens once.
    expect(code(await call('POST', '/v1/router/downlinks', body, orgA.key))).toEqual([409, 'downlinks.already_scheduled']);
    expect(gateways[1]!.downlinks.length).toBe(before + 1);
    await hear(deviceUplink(7, Uint8Array.of(9)), [-70, -60]);
    const late = await waitFor(() => lns.on('/a').find((u) => u.message.type === 'uplink' && (u.message.frame as { fCnt: number }).fCnt === 7), 'uplink 7');
    expect(code(await call('POST', '/v1/router/downlinks', { ...body, uplinkId: late.message.id, rx1: { delayMs: 1 }, rx2: null }, orgA.key))).toEqual([409, 'downlinks.too_late']);
    const ro = await call('POST', `/v1/orgs/${orgA.id}/api-keys`, { scope: 'read' }, orgA.key);
    expect(code(await call('POST', '/v1/router/downlinks', body, ro.body.apiKey))).toEqual([403, 'auth.forbidden']);
    expect(code(await call('GET', `/v1/orgs/${orgB.id}/routes/${routes.b}/packets`, undefined, orgA.key))).toEqual([403, 'auth.forbidden']);
  });

  it('forwards each bought copy to a GWMP LNS from its hotspot socket and relays PULL_RESP and TX_ACK', async () => {
    const lnsSocket = dgram.createSocket('udp4');
    const got: { packet: GwmpPacket; from: { address: string; port: number } }[] = [];
    lnsSocket.on('message', (m, rinfo) => {
      const p = parseGwmpPacket(m);
      if (p.ok) got.push({ packet: p.value, from: { address: rinfo.address, port: rinfo.port } });
    });
    await new Promise<void>((r) => lnsSocket.bind(0, '127.0.0.1', r));
    const port = (lnsSocket.address() as AddressInfo).port;
    try {
      const route = await call('PATCH', `/v1/orgs/${orgB.id}/routes/${routes.b}`, { endpoint: { protocol: 'gwmp', host: '127.0.0.1', port }, maxCopies: 2 }, orgB.key);
      expect(route.status).toBe(200);
      await router.reloadRoutes();
      const keysB = { nwkSKey: new Uint8Array(16).fill(0x42), appSKey: new Uint8Array(16).fill(0x43) };
      const t = await hear(uplink('fc014c0a', keysB, 1, Uint8Array.of(5, 5)), [-90, -70, -95]);
      const pushes = await waitFor(() => {
        const p = got.filter((g) => g.packet.type === 'PUSH_DATA');
        return p.length === 2 ? p : undefined;
      }, 'two PUSH_DATA at the GWMP LNS');
      const euis = pushes.map((p) => (p.packet as Extract<GwmpPacket, { type: 'PUSH_DATA' }>).gatewayEui);
      expect(euis).toEqual([gateways[0]!.eui, gateways[1]!.eui]);
      const rx = (pushes[1]!.packet as Extract<GwmpPacket, { type: 'PUSH_DATA' }>).rxpk[0]!;
      expect(rx).toMatchObject({ tmst: t + 7, rssi: -70, meta: { gateway_id: hotspots[1]!.address, regi: 'EU868' } });
      // Each hotspot has its own socket toward the LNS, which pulls too.
      expect(pushes[0]!.from.port).not.toBe(pushes[1]!.from.port);
      await waitFor(() => got.some((g) => g.packet.type === 'PULL_DATA' && (g.packet as { gatewayEui: string }).gatewayEui === gateways[1]!.eui), 'PULL_DATA from the hotspot socket');

      // The LNS answers gateway 1 on that socket; the router relays and returns the TX_ACK.
      const txpk = { imme: false, tmst: t + 7 + 1_000_000, freq: 868.1, rfch: 0, powe: 14, modu: 'LORA' as const, datr: 'SF7BW125', codr: '4/5', ipol: true, size: 2, data: 'AQI=' };
      const before = gateways[1]!.downlinks.length;
      lnsSocket.send(unwrap(encodeGwmpPacket({ type: 'PULL_RESP', token: 0x4242, txpk })), pushes[1]!.from.port, pushes[1]!.from.address);
      const relayed = await waitFor(() => gateways[1]!.downlinks[before], 'relayed downlink');
      expect(relayed.txpk).toMatchObject({ tmst: t + 7 + 1_000_000, data: 'AQI=' });
      const ack = await waitFor(() => got.find((g) => g.packet.type === 'TX_ACK'), 'TX_ACK at the LNS');
      expect(ack.packet).toMatchObject({ type: 'TX_ACK', token: 0x4242, gatewayEui: gateways[1]!.eui, txpkAck: null });
      await router.drain();
      const stats = await call('GET', `/v1/orgs/${orgB.id}/routes/${routes.b}/stats`, undefined, orgB.key);
      // Every packet of route B so far, the signed one of the DevAddr test included.
      expect(stats.body.totals).toMatchObject({ packets: 4, copies: 10, dc: 10 });

      // An LNS with one gateway bridge per region: these hotspots are in EU868, so their copies go to its port.
      const euSocket = dgram.createSocket('udp4');
      const euPushes: GwmpPacket[] = [];
      euSocket.on('message', (m) => {
        const p = parseGwmpPacket(m);
        if (p.ok && p.value.type === 'PUSH_DATA') euPushes.push(p.value);
      });
      await new Promise<void>((r) => euSocket.bind(0, '127.0.0.1', r));
      try {
        const euPort = (euSocket.address() as AddressInfo).port;
        const mapped = await call('PATCH', `/v1/orgs/${orgB.id}/routes/${routes.b}`, { endpoint: { protocol: 'gwmp', host: '127.0.0.1', port, regionPorts: { US915: port, EU868: euPort } } }, orgB.key);
        expect(mapped.status).toBe(200);
        await router.reloadRoutes();
        await hear(uplink('fc014c0a', keysB, 2, Uint8Array.of(6)), [-90, -70, -95]);
        await waitFor(() => euPushes.length === 2, 'two PUSH_DATA at the EU868 port');
        expect(euPushes.map((p) => (p as Extract<GwmpPacket, { type: 'PUSH_DATA' }>).gatewayEui)).toEqual([gateways[0]!.eui, gateways[1]!.eui]);
        await router.drain();
        expect(got.filter((g) => g.packet.type === 'PUSH_DATA')).toHaveLength(2);
      } finally {
        euSocket.close();
      }
    } finally {
      lnsSocket.close();
    }
  });

  it('drops inactive and locked routes with their reason, and counts endpoint errors', async () => {
    await call('PATCH', `/v1/orgs/${orgA.id}/routes/${routes.a}`, { active: false }, orgA.key);
    await router.reloadRoutes();
    await hear(deviceUplink(10, Uint8Array.of(1)), [-80]);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'route_inactive')) >= 1, 'route_inactive');
    await call('PATCH', `/v1/orgs/${orgA.id}/routes/${routes.a}`, { active: true }, orgA.key);
    await call('PATCH', `/v1/admin/orgs/${orgA.id}/routes/${routes.a}`, { locked: true }, node.adminKey);
    await router.reloadRoutes();
    await hear(deviceUplink(11, Uint8Array.of(1)), [-80]);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'route_locked')) >= 1, 'route_locked');
    await call('PATCH', `/v1/admin/orgs/${orgA.id}/routes/${routes.a}`, { locked: false }, node.adminKey);
    await router.reloadRoutes();
    lns.answer = () => ({ status: 503 });
    await hear(deviceUplink(12, Uint8Array.of(1)), [-80]);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'endpoint_error')) >= 1, 'endpoint_error');
    lns.answer = () => ({ status: 200 });
    await router.drain();
    await waitFor(async () => {
      const s = await call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}/stats`, undefined, orgA.key);
      return s.body.totals.drops.endpoint_error === 1 ? s : undefined;
    }, 'endpoint_error in the stats');
    const s = await call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}/stats`, undefined, orgA.key);
    expect(s.body.totals.drops).toMatchObject({ route_inactive: 1, route_locked: 1, endpoint_error: 1, insufficient_dc: 1 });
  });

  it('backs off a route whose endpoint keeps failing: its packets are not bought meanwhile, and it resumes after the back-off', async () => {
    const uplinks = () => lns.on('/a').filter((u) => u.message.type === 'uplink');
    const balance = async () => (await call('GET', `/v1/orgs/${orgA.id}`, undefined, orgA.key)).body.balanceDc as number;
    const delivered = async (fCnt: number) => {
      const seen = uplinks().length;
      await hear(deviceUplink(fCnt, Uint8Array.of(1)), [-80, -81]);
      await waitFor(() => uplinks().length === seen + 1, `uplink ${fCnt} at the endpoint`);
      await router.drain();
    };
    // Org A asks to be told of its endpoints' outages, at another URL of its own.
    const alert = await call('PUT', `/v1/orgs/${orgA.id}/balance-alert`, { thresholdDc: 1, url: lns.url('/alerts'), endpointAlerts: true }, orgA.key);
    expect(alert.body).toMatchObject({ endpointAlerts: true });
    const endpointNotices = () => lns.on('/alerts').map((u) => u.message as unknown as { type: string; routeId: string; backoffs: number; lastError: string; recoveredAt: string | null });
    // A delivery that succeeds ends whatever failures came before (the previous test left one).
    lns.answer = () => ({ status: 200 });
    await delivered(13);
    const errorsBefore = await metric('cov_router_dropped_total', 'endpoint_error');
    // Two failed deliveries in a row (both paid: the endpoint had its chance).
    lns.answer = (u) => ({ status: u.path === '/alerts' ? 200 : 500 });
    await delivered(14);
    await delivered(15);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'endpoint_error')) === errorsBefore + 2, 'two endpoint errors');
    const paidBefore = await balance();
    const seen = uplinks().length;
    // Within the back-off: recorded, not bought, not sent.
    await hear(deviceUplink(16, Uint8Array.of(1)), [-80, -81]);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'endpoint_backoff')) === 1, 'endpoint_backoff drop');
    await router.drain();
    expect(uplinks()).toHaveLength(seen);
    expect(await balance()).toBe(paidBefore);
    // The route says why: backed off, and what its endpoint answered.
    const routeView = () => call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}`, undefined, orgA.key);
    const during = await waitFor(async () => (await routeView()).body.delivery ?? undefined, 'the route delivery record');
    expect(during).toMatchObject({ backingOff: true, backoffs: 1, lastError: 'status_500', recoveredAt: null });
    expect(Date.parse(during.backoffUntil)).toBeGreaterThan(Date.parse(during.lastErrorAt));
    // The org is told, once, at its alert URL.
    await waitFor(() => endpointNotices().some((n) => n.type === 'route_endpoint_down'), 'the route_endpoint_down notice');
    expect(endpointNotices().filter((n) => n.type === 'route_endpoint_down')).toEqual([expect.objectContaining({ routeId: routes.a, backoffs: 1, lastError: 'status_500', recoveredAt: null })]);
    // The endpoint is back; once the back-off is over the route's packets are bought and delivered again.
    lns.answer = () => ({ status: 200 });
    await new Promise((r) => setTimeout(r, 650));
    await delivered(17);
    expect(uplinks()[seen]!.message.frame).toMatchObject({ fCnt: 17 });
    const after = await waitFor(async () => {
      const d = (await routeView()).body.delivery;
      return d?.recoveredAt ? d : undefined;
    }, 'the recovery on the route');
    expect(after).toMatchObject({ backingOff: false, backoffUntil: null, lastError: 'status_500' });
    await waitFor(() => endpointNotices().some((n) => n.type === 'route_endpoint_recovered'), 'the route_endpoint_recovered notice');
    expect(endpointNotices().map((n) => [n.type, n.routeId, n.recoveredAt])).toEqual([
      ['route_endpoint_down', routes.a, null],
      ['route_endpoint_recovered', routes.a, after.recoveredAt],
    ]);
    expect((await call('DELETE', `/v1/orgs/${orgA.id}/balance-alert`, undefined, orgA.key)).status).toBe(204);
    expect(await balance()).toBe(paidBefore - 2);
    const packets = await call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}/packets?limit=5`, undefined, orgA.key);
    expect(packets.body.data.map((p: { status: string; fCnt: number | null; dc: number }) => [p.status, p.fCnt, p.dc])).toEqual([
      ['forwarded', 17, 2],
      ['endpoint_backoff', 16, 0],
      // Paid, but the endpoint answered 500: the log says so per packet, as the stats count it.
      ['endpoint_error', 15, 2],
      ['endpoint_error', 14, 2],
      ['forwarded', 13, 2],
    ]);
    const stats = await call('GET', `/v1/orgs/${orgA.id}/routes/${routes.a}/stats`, undefined, orgA.key);
    expect(stats.body.totals.drops).toMatchObject({ endpoint_backoff: 1, endpoint_error: 3 });
    expect(await (await fetch(`${node.httpBaseUrl}/metrics`)).text()).toMatch(/^cov_router_endpoint_backoffs_total(\{[^}]*\})? 1$/m);
  });

  it('carries no packets of a denylisted hotspot, and drops what a hotspot hands in beyond its rate', async () => {
    const uplinks = () => lns.on('/a').filter((u) => u.message.type === 'uplink');
    lns.answer = () => ({ status: 200 });
    const listed = await call('POST', '/v1/admin/denylist/entries', { kind: 'key', address: hotspots[0]!.address, reason: 'fake traffic' }, node.adminKey);
    expect(listed.status).toBe(201);
    await router.reloadDenylist();
    let seen = uplinks().length;
    await hear(deviceUplink(18, Uint8Array.of(1)), [-60, -81, -82]);
    await waitFor(() => uplinks().length === seen + 1, 'uplink without the denied hotspot');
    // The strongest copy came from the denied hotspot: the two bought are the next ones.
    expect(uplinks()[seen]!.message.copies.map((c) => c.hotspot)).toEqual([hotspots[1]!.address, hotspots[2]!.address]);
    expect(await metric('cov_router_dropped_total', 'gateway_denied')).toBe(1);
    // Off the list again (a new version): its copies count again.
    expect((await call('DELETE', `/v1/admin/denylist/entries/${listed.body.entry.id}`, undefined, node.adminKey)).status).toBe(200);
    await router.reloadDenylist();
    seen = uplinks().length;
    await hear(deviceUplink(19, Uint8Array.of(1)), [-60, -81, -82]);
    await waitFor(() => uplinks().length === seen + 1, 'uplink with the hotspot back');
    expect(uplinks()[seen]!.message.copies.map((c) => c.hotspot)).toEqual([hotspots[0]!.address, hotspots[1]!.address]);
    await router.drain();

    // 40 uplinks in one datagram from one hotspot: at most 25 a second get through (to no route here).
    const throttledBefore = await metric('cov_router_dropped_total', 'gateway_throttled');
    const noRouteBefore = await metric('cov_router_dropped_total', 'no_route');
    const strangers = Array.from({ length: 40 }, (_, i) => rxpkOf(uplink('01000000', { nwkSKey: new Uint8Array(16), appSKey: new Uint8Array(16) }, i, Uint8Array.of(i)), { tmst: i, rssiDbm: -70, snrDb: 5 }));
    await gateways[3]!.push(strangers);
    // Each uplink is either throttled or let through (and dropped for no route). How many are
    // throttled depends on time: the bucket holds at most 25 tokens and refills at 25 a second
    // while the router reads the datagram, so a slow read (a busy machine) throttles fewer than 15
    // (gateway-ingress.test.ts checks the arithmetic on a fake clock). At most 20: 25 tokens, less
    // the few copies the hotspot handed in over the last second.
    const counts = async () => ({
      throttled: (await metric('cov_router_dropped_total', 'gateway_throttled')) - throttledBefore,
      noRoute: (await metric('cov_router_dropped_total', 'no_route')) - noRouteBefore,
    });
    const { throttled, noRoute } = await waitFor(async () => {
      const c = await counts();
      return c.throttled + c.noRoute >= 40 && c;
    }, 'every uplink of the datagram throttled or routed');
    expect(throttled + noRoute).toBe(40);
    expect(throttled).toBeGreaterThan(0);
    expect(throttled).toBeLessThanOrEqual(40 - 20);
  });

  it('drops bad datagrams with a counter and keeps serving', async () => {
    const gw = gateways[0]!;
    const pushAcks = gw.acks('PUSH_ACK');
    const v1 = unwrap(encodeGwmpPacket({ type: 'PULL_DATA', token: 1, gatewayEui: gw.eui }));
    v1[0] = 1;
    await gw.sendRaw(v1);
    await gw.sendRaw(Uint8Array.of(2, 0, 1));
    await gw.sendRaw(Uint8Array.of(2, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7)); // PUSH_DATA cut inside the EUI
    await gw.sendRaw(Buffer.concat([Buffer.from([2, 0, 1, 0]), Buffer.from(gw.eui, 'hex'), Buffer.from('{"rxpk":[')]));
    const stranger = await new TestGateway('0123456789abcdef', '127.0.0.1', router.gwmpPort).start();
    await stranger.push([rxpkOf(deviceUplink(20, Uint8Array.of(1)), { tmst: 1, rssiDbm: -50, snrDb: 3 })]);
    await stranger.close();
    await waitFor(
      async () =>
        (await metric('cov_router_dropped_total', 'bad_version')) >= 1 &&
        (await metric('cov_router_dropped_total', 'truncated')) >= 2 &&
        (await metric('cov_router_dropped_total', 'bad_json')) >= 1 &&
        (await metric('cov_router_dropped_total', 'unknown_gateway')) >= 1,
      'drop counters',
    );
    // Garbage never got an ACK; a good datagram right after still does.
    expect(gw.acks('PUSH_ACK')).toBe(pushAcks);
    const n = lns.on('/a').length;
    await hear(deviceUplink(21, Uint8Array.of(1)), [-80], [gw]);
    await waitFor(() => lns.on('/a').length === n + 1, 'uplink after garbage');
    expect(gw.acks('PUSH_ACK')).toBe(pushAcks + 1);
  });

  it('records the burns a crashed router paid and forwarded but never settled, once, when routers start or sweep', async () => {
    const sql = node.ctx.database.sql;
    // The crashed router's last act: a committed burn batch (balance, ledger, journal row), then nothing.
    const packetId = 'c7'.repeat(32);
    const route = { id: routes.b!, orgId: orgB.id, endpoint: { protocol: 'http' as const, url: lns.url('/b') }, maxCopies: 3, active: true, locked: false };
    const copy = (hotspotAddress: string) => ({ hotspotAddress, rssiDbm: -70, snrDb: 4, frequencyHz: 868_100_000, dataRate: 'SF7BW125', receivedAtMs: Date.now() }) as UplinkCopy;
    const [before] = await sql`select dc_balance from orgs where id = ${orgB.id}`;
    const outcomes = await new PgBurnStore(sql).commit({
      nowMs: Date.now(),
      drops: [],
      lateCopies: [],
      decisions: [{ packetId, route, kind: 'uplink', devAddr: 'fc014c09', joinEui: null, devEui: null, fCnt: 1, fPort: 1, payloadBytes: 1, copiesHeard: 2, bought: [copy(hotspots[0]!.address), copy(hotspots[1]!.address)], overMax: 0, dcPerCopy: 1, receivedAtMs: Date.now(), purchaseIndex: 0 }],
    });
    expect(outcomes).toEqual(['forwarded']);
    expect(Number((await sql`select dc_balance from orgs where id = ${orgB.id}`)[0]!.dc_balance)).toBe(Number(before!.dc_balance) - 2);
    const copies = async () => (await sql`select hotspot_address from packet_copies where packet_hash = ${Buffer.from(packetId, 'hex')} order by hotspot_address`).map((r) => r.hotspot_address);

    // The next router starts (its own metrics registry: the running one holds the names) and settles
    // leftovers at once; the running router's 5 s sweep may take the row first: either way, once.
    const next = new Router({ ...node.ctx, metrics: new Registry() });
    const task = next.tasks().find((t) => t.name === 'router-gwmp')!;
    await task.start();
    try {
      await waitFor(async () => (await copies()).length === 2, 'copies recorded');
      expect(await copies()).toEqual([hotspots[0]!.address, hotspots[1]!.address].sort());
      expect((await sql`select count(*)::int as n from burn_journal`)[0]!.n).toBe(0);
      const [logged] = await sql`select status, copies_bought, dc from routed_packets where packet_hash = ${Buffer.from(packetId, 'hex')}`;
      expect(logged).toMatchObject({ status: 'forwarded', copies_bought: 2, dc: 2 });
    } finally {
      await task.stop();
    }
    await router.drain();
    expect((await copies()).length).toBe(2);
  });

  it('tells a device maker which hotspots carried its packets, and whether they are online', async () => {
    await router.drain();
    const sql = node.ctx.database.sql;
    // What the bought-copy records say, per hotspot, for org B (uplinks, over every test above).
    const expected = await sql<{ address: string; copies: number; dc: number }[]>`
      select hotspot_address as address, count(*)::int as copies, sum(dc)::int as dc from packet_copies where org_id = ${orgB.id}
      group by 1 order by 2 desc, 1`;
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const all = await call('GET', `/v1/orgs/${orgB.id}/hotspots?days=1`, undefined, orgB.key);
    expect(all.status).toBe(200);
    expect(all.body.data.map((h: any) => ({ address: h.address, copies: h.copies, dc: h.dc }))).toEqual(expected);
    // Each with the name its owner knows it by.
    for (const h of all.body.data) expect(h.name).toBe(hotspotName(h.address));
    expect(all.body.totals).toEqual({ hotspots: expected.length, copies: expected.reduce((n, e) => n + e.copies, 0), dc: expected.reduce((n, e) => n + e.dc, 0) });
    const first = all.body.data[0];
    expect(first).toMatchObject({ region: 'EU868', h3: expect.stringMatching(/^8c/), status: { online: true, lastPacketAt: expect.any(String) } });
    expect(Date.parse(first.lastCarriedAt)).toBeLessThanOrEqual(Date.parse(first.status.lastPacketAt));

    // Page by page (most copies first), as CSV, for one route, and never for another org.
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call('GET', `/v1/orgs/${orgB.id}/hotspots?days=1&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, orgB.key);
      pages.push(...page.body.data.map((h: any) => h.address));
      cursor = page.body.cursor;
    } while (cursor);
    expect(pages).toEqual(expected.map((e) => e.address));
    const csv = await call('GET', `/v1/orgs/${orgB.id}/hotspots?days=1&format=csv`, undefined, orgB.key);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(expected.map((e) => [e.address, 'EU868', all.body.data.find((h: any) => h.address === e.address).h3, e.copies, e.dc].join(',')));
    expect(csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',').at(-1))).toEqual(expected.map((e) => hotspotName(e.address)));
    const byRoute = await call('GET', `/v1/orgs/${orgB.id}/hotspots?days=1&route=${routes.b}`, undefined, orgB.key);
    const [routeB] = await sql<{ n: number }[]>`select count(*)::int as n from packet_copies where route_id = ${routes.b!}`;
    expect(byRoute.body.totals.copies).toBe(routeB!.n);
    const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
    expect(code(await call('GET', `/v1/orgs/${orgB.id}/hotspots?route=${routes.a}`, undefined, orgB.key))).toEqual([404, 'routes.not_found']);
    expect(code(await call('GET', `/v1/orgs/${orgB.id}/hotspots`, undefined, orgA.key))).toEqual([403, 'auth.forbidden']);
    expect(code(await call('GET', `/v1/orgs/${orgB.id}/hotspots?cursor=nope`, undefined, orgB.key))[0]).toBe(400);
  });

  it('shows a device maker its devices as its traffic shows them: last heard, last FCnt, forwarded or why not', async () => {
    await router.drain();
    const sql = node.ctx.database.sql;
    const listed = await call('GET', `/v1/orgs/${orgA.id}/devices?hours=1`, undefined, orgA.key);
    expect(listed.status).toBe(200);
    const byKey = new Map(listed.body.data.map((d: any) => [`${d.kind}:${d.devAddr ?? d.devEui}`, d]));
    // The firmware-sim device: its join (by DevEUI) and its session's uplinks (by DevAddr), as the packet log has them.
    const [uplinks] = await sql<{ packets: number; forwarded: number; last_fcnt: number; last_status: string }[]>`
      select count(distinct packet_hash)::int as packets, count(distinct packet_hash) filter (where status = 'forwarded')::int as forwarded,
        (array_agg(f_cnt order by received_at_ms desc, id desc))[1] as last_fcnt, (array_agg(status order by received_at_ms desc, id desc))[1] as last_status
      from routed_packets where org_id = ${orgA.id} and dev_addr = ${DEV_ADDR}`;
    expect(byKey.get(`uplink:${DEV_ADDR}`)).toMatchObject({ devAddr: DEV_ADDR, devEui: null, packets: uplinks!.packets, forwarded: uplinks!.forwarded, lastFCnt: uplinks!.last_fcnt, lastStatus: uplinks!.last_status });
    expect(uplinks!.packets).toBeGreaterThan(uplinks!.forwarded); // the insufficient_dc test dropped some
    expect(byKey.get(`join:${DEV_EUI}`)).toMatchObject({ kind: 'join', devEui: DEV_EUI, joinEui: JOIN_EUI, packets: 1, forwarded: 1, dc: 0, lastFCnt: null, lastStatus: 'forwarded' });
    // Most recently heard first, and page by page the same list.
    const times = listed.body.data.map((d: any) => Date.parse(d.lastSeenAt));
    expect(times).toEqual([...times].sort((x: number, y: number) => y - x));
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call('GET', `/v1/orgs/${orgA.id}/devices?hours=1&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, orgA.key);
      keys.push(...page.body.data.map((d: any) => `${d.kind}:${d.devAddr ?? d.devEui}`));
      cursor = page.body.cursor;
    } while (cursor);
    expect(keys).toEqual([...byKey.keys()]);
    // The same pages as CSV, for billing: the same rows, the next page's cursor in a header.
    const csvRows: string[][] = [];
    let csvCursor: string | null = null;
    do {
      const page = await call('GET', `/v1/orgs/${orgA.id}/devices?hours=1&limit=1&format=csv${csvCursor ? `&cursor=${encodeURIComponent(csvCursor)}` : ''}`, undefined, orgA.key);
      expect(page.headers.get('content-type')).toMatch(/^text\/csv/);
      const [header, ...lines] = page.text.trimEnd().split('\r\n');
      expect(header).toBe('kind,dev_addr,dev_eui,join_eui,packets,forwarded,copies_bought,dc,last_seen_at,last_fcnt,last_status');
      csvRows.push(...lines.map((l) => l.split(',')));
      csvCursor = page.headers.get('x-next-cursor');
    } while (csvCursor);
    expect(csvRows.map(([kind, devAddr, devEui]) => `${kind}:${devAddr || devEui}`)).toEqual([...byKey.keys()]);
    const uplinkRow = csvRows.find(([kind, devAddr]) => kind === 'uplink' && devAddr === DEV_ADDR)!;
    expect([uplinkRow[4], uplinkRow[5], uplinkRow[7]]).toEqual([String(uplinks!.packets), String(uplinks!.forwarded), String((byKey.get(`uplink:${DEV_ADDR}`) as { dc: number }).dc)]);
    // Another org's devices are not this org's business.
    const b = await call('GET', `/v1/orgs/${orgB.id}/devices?hours=1`, undefined, orgB.key);
    expect(b.body.data.every((d: any) => d.devAddr === null || !d.devAddr.startsWith('fc014c0') || parseInt(d.devAddr, 16) >= 0xfc014c08)).toBe(true);
    const code = (r: { status: number; body: any }) => [r.status, r.body?.error?.code];
    expect(code(await call('GET', `/v1/orgs/${orgA.id}/devices`, undefined, orgB.key))).toEqual([403, 'auth.forbidden']);
    expect(code(await call('GET', `/v1/orgs/${orgA.id}/devices?hours=1000`, undefined, orgA.key))).toEqual([400, 'request.invalid']);
    // A made-up cursor whose time no bigint holds is refused before it reaches SQL.
    const madeUp = Buffer.from(JSON.stringify({ t: 1e300, k: 'uplink:x' })).toString('base64url');
    expect(code(await call('GET', `/v1/orgs/${orgA.id}/devices?cursor=${madeUp}`, undefined, orgA.key))).toEqual([400, 'request.invalid']);
  });
});
