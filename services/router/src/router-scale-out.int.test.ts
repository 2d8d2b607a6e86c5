/**
 * Two routers of one deployment (same PostgreSQL database, same Redis), each with its own
 * hotspots, as `docker compose up --scale router=2` runs them: a packet heard through both is
 * bought at most max_copies times in all, thanks to the multi-buy counter they share in Redis;
 * the balance, ledger and bought-copy records agree with what reached the device maker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { buildDataFrame } from '@cov/shared/lorawan/frame-builder';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import type { RouterServiceModule } from './service';
import { TestGateway, rxpkOf, waitFor } from './testing/test-gateway';
import { TestLns } from './testing/test-lns';
import { onboardTestHotspots } from './testing/onboard-test-hotspots';

const KEYS = { nwkSKey: new Uint8Array(16).fill(3), appSKey: new Uint8Array(16).fill(4) };
const START_DC = 1000;
const MAX_COPIES = 2;
// The shared counter's timeout is long here: these tests check what the counter decides, and on a
// busy machine a Redis answer can take longer than the default 25 ms, when a router goes on with
// its own count (fail open, tested in multi-buy-counter.int.test.ts) and both buy or both send.
const ROUTER_SETTINGS = { ROUTER_DEDUP_WINDOW_MS: '200', ROUTER_PURCHASE_LEAD_MS: '50', ROUTER_CONFIG_POLL_INTERVAL_MS: '100', ROUTER_MULTIBUY_TIMEOUT_MS: '2000' };

describe('two routers sharing a multi-buy counter (postgres+redis)', () => {
  let first: TestNode;
  let second: TestNode;
  const routers: RouterServiceModule['router'][] = [];
  const lns = new TestLns();
  /** Hotspots 0 and 1 hand their packets to the first router, 2 and 3 to the second. */
  const gateways: TestGateway[] = [];
  let org: { id: string; key: string };
  let tmst = 1_000_000;

  const routerOf = (node: TestNode) => (node.modules.find((m) => m.name === 'router') as RouterServiceModule).router;
  /** A metric's value, optionally of the series whose labels include `label` (e.g. `outcome="sent_rx1"`). */
  const metric = async (node: TestNode, name: string, label = ''): Promise<number> => {
    const text = await (await fetch(`${node.httpBaseUrl}/metrics`)).text();
    return Number(new RegExp(`^${name}(?:\\{[^}]*${label}[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };
  const frame = (fCnt: number) => {
    const built = buildDataFrame({ mtype: 'UnconfirmedDataUp', devAddr: 'fc014c03', fCnt, fPort: 5, payload: Uint8Array.of(fCnt) }, KEYS);
    if (!built.ok) throw built.error;
    return built.value;
  };
  const downlink = (fCnt: number) => {
    const built = buildDataFrame({ mtype: 'UnconfirmedDataDown', devAddr: 'fc014c03', fCnt, fPort: 5, payload: Uint8Array.of(0xca) }, KEYS);
    if (!built.ok) throw built.error;
    return built.value;
  };
  /** One uplink heard by the given hotspots, in that order, a few milliseconds apart. */
  const hear = async (fCnt: number, hotspots: number[]) => {
    tmst += 10_000_000;
    for (const i of hotspots) {
      await gateways[i]!.push([rxpkOf(frame(fCnt), { tmst: tmst + i, rssiDbm: -60 - i, snrDb: 7 })]);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const messages = (fCnt: number) => lns.on('/scale').filter((u) => (u.message.frame as { fCnt: number }).fCnt === fCnt);
  const boughtFrom = (fCnt: number) =>
    messages(fCnt)
      .flatMap((u) => u.message.copies.map((c) => c.hotspot))
      .sort();
  const drainBoth = async () => {
    for (const r of routers) await r.drain();
  };

  beforeAll(async () => {
    await lns.start();
    first = await startTestNode('postgres+redis', { services: ['api', 'router'], overrides: ROUTER_SETTINGS });
    second = await startTestNode('postgres+redis', { services: ['router'], overrides: ROUTER_SETTINGS, storageOf: first });
    routers.push(routerOf(first), routerOf(second));
    const call = first.call.bind(first);
    const hotspots = await onboardTestHotspots(call, first.adminKey, { label: 'router-scale-out', euiPrefix: 'AA555A00000002', count: 4, at: { lat: 48.85, lng: 2.35 }, makerName: 'Scale-out Gateways' });
    for (const [i, h] of hotspots.entries()) {
      const gw = await new TestGateway(h.gatewayEui.toLowerCase(), '127.0.0.1', routers[i < 2 ? 0 : 1]!.gwmpPort).start();
      await gw.pull();
      gateways.push(gw);
    }
    await waitFor(() => gateways.every((g) => g.acks('PULL_ACK') === 1), 'PULL_ACKs from both routers');
    const created = await call('POST', '/v1/admin/orgs', { name: 'Scale-out Org', devAddrCount: 8 }, first.adminKey);
    org = { id: created.body.org.id, key: created.body.apiKey };
    const route = await call('POST', `/v1/orgs/${org.id}/routes`, { endpoint: { protocol: 'http', url: lns.url('/scale') }, maxCopies: MAX_COPIES, devAddrRanges: [{ start: 'fc014c00', end: 'fc014c07' }] }, org.key);
    expect(route.status).toBe(201);
    await call('POST', `/v1/admin/orgs/${org.id}/dc`, { amountDc: START_DC }, first.adminKey);
    for (const r of routers) await r.reloadRoutes();
  });

  afterAll(async () => {
    for (const gw of gateways) await gw.close();
    await second?.destroy();
    await first?.destroy();
    await lns.close();
  });

  it('buys max_copies of a packet in all, however its copies are spread over the routers, and sends one downlink per packet', async () => {
    const hotspot = (i: number) => keypairFromLabel(`router-scale-out/hotspot/${i}`).address;

    // Packet 1: the first router holds max_copies at once and buys them; the second is left none.
    await hear(1, [0, 1]);
    await waitFor(() => messages(1).length === 1, 'packet 1 forwarded by the first router');
    await hear(1, [2, 3]);
    await waitFor(async () => (await metric(second, 'cov_router_multibuy_denied_total')) === 2, 'the second router told the copies are bought');
    // The message names the router that holds the packet: a later downlink is posted there, and
    // only there (the other router never heard of it).
    const [message1] = messages(1);
    expect(message1!.message.downlinkUrl).toBe(`${first.httpBaseUrl}/v1/router/downlinks`);
    const later = { uplinkId: message1!.message.id, payload: Buffer.from(downlink(1)).toString('base64'), rx1: { delayMs: 3000 } };
    const elsewhere = await second.call('POST', '/v1/router/downlinks', later, org.key);
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([404, 'downlinks.unknown_uplink']);
    const posted = await fetch(message1!.message.downlinkUrl!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${org.key}` }, body: JSON.stringify(later) });
    expect(posted.status).toBe(202);
    await waitFor(() => gateways[0]!.downlinks.length + gateways[1]!.downlinks.length === 1, 'the later downlink sent through the first router');

    // Packet 2: each router hears one copy; both buy theirs (one each: max_copies in all) and forward
    // it. The LNS answers both messages with a downlink; the device listens for one, so one goes out.
    lns.answer = (u) => ((u.message.frame as { fCnt: number }).fCnt === 2 ? { status: 200, body: { downlink: { payload: Buffer.from(downlink(2)).toString('base64'), rx1: { delayMs: 3000 } } } } : { status: 200 });
    await hear(2, [0, 2]);
    await waitFor(() => messages(2).length === 2, 'packet 2 forwarded by both routers');
    expect(messages(2).map((u) => u.message.downlinkUrl).sort()).toEqual([first, second].map((n) => `${n.httpBaseUrl}/v1/router/downlinks`).sort());
    const refused = async () => (await metric(first, 'cov_router_downlinks_total', 'outcome="already_scheduled"')) + (await metric(second, 'cov_router_downlinks_total', 'outcome="already_scheduled"'));
    await waitFor(async () => (await refused()) === 1, 'the second answer refused: a downlink is scheduled');
    await waitFor(() => gateways.reduce((n, g) => n + g.downlinks.length, 0) === 2, 'one PULL_RESP for packet 2');
    expect(gateways[0]!.downlinks.length + gateways[2]!.downlinks.length).toBe(2); // packet 1's (through gateway 0 or 1) and packet 2's
    lns.answer = () => ({ status: 200 });

    // Packet 3: all four hotspots, interleaved across the routers. Once every copy is acknowledged
    // its router has taken it in (the ACK goes out as the rxpk is handed over), so draining both
    // routers then forwards all they bought: a copy bought over max_copies could not be missed.
    const pushAcks = () => gateways.map((g) => g.acks('PUSH_ACK'));
    const acked = pushAcks();
    await hear(3, [0, 2, 1, 3]);
    await waitFor(() => pushAcks().every((n, i) => n === acked[i]! + 1), 'every copy of packet 3 taken in by its router');
    await drainBoth();

    expect(boughtFrom(1)).toEqual([hotspot(0), hotspot(1)].sort());
    expect(boughtFrom(2)).toEqual([hotspot(0), hotspot(2)].sort());
    expect(boughtFrom(3)).toHaveLength(MAX_COPIES);
    expect(await metric(first, 'cov_router_multibuy_unavailable_total')).toBe(0);
    expect(await metric(second, 'cov_router_multibuy_unavailable_total')).toBe(0);

    // The books across both routers: 2 copies per packet paid (1 DC each), recorded once each.
    const { sql } = first.ctx.database;
    const paidCopies = 3 * MAX_COPIES;
    const [balance] = await sql<{ dc: string }[]>`select dc_balance::text as dc from orgs where id = ${org.id}`;
    expect(Number(balance!.dc)).toBe(START_DC - paidCopies);
    const [burned] = await sql<{ dc: string; copies: string }[]>`
      select coalesce(-sum(amount_dc), 0)::text as dc, coalesce(sum(copies), 0)::text as copies from dc_ledger where org_id = ${org.id} and kind = 'burn'`;
    expect([Number(burned!.dc), Number(burned!.copies)]).toEqual([paidCopies, paidCopies]);
    const recorded = await sql<{ hotspot_address: string }[]>`select hotspot_address from packet_copies where org_id = ${org.id}`;
    expect(recorded).toHaveLength(paidCopies);
    const delivered = [1, 2, 3].flatMap(boughtFrom);
    expect(recorded.map((r) => r.hotspot_address).sort()).toEqual(delivered.sort());
    const [journal] = await sql<{ n: number }[]>`select count(*)::int as n from burn_journal`;
    expect(journal!.n).toBe(0);
    // The route's stats count each packet once, though packet 2 was bought (and logged) by both routers.
    const [stats] = await sql<{ packets: number; copies: number; dc: number }[]>`
      select sum(packets)::int as packets, sum(copies)::int as copies, sum(dc)::int as dc from route_stats_daily where org_id = ${org.id}`;
    expect(stats).toEqual({ packets: 3, copies: paidCopies, dc: paidCopies });
    const logged = await sql<{ f_cnt: number; copies_bought: number }[]>`select f_cnt, copies_bought from routed_packets where org_id = ${org.id} order by f_cnt, copies_bought`;
    expect(logged.filter((r) => r.f_cnt === 2).map((r) => r.copies_bought)).toEqual([1, 1]);
  });
});
