/**
 * The router through a database outage: while PostgreSQL refuses connections, packets cannot be
 * paid, so none is forwarded (burn_failed) and the router keeps answering its hotspots; once the
 * database is back it routes again by itself. Afterwards every forwarded packet was paid exactly
 * once and recorded, and nothing unpaid was recorded or delivered.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@cov/shared/config/config';
import { buildDataFrame } from '@cov/shared/lorawan/frame-builder';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import type { RouterServiceModule } from './service';
import { TestGateway, rxpkOf, waitFor } from './testing/test-gateway';
import { TestLns } from './testing/test-lns';
import { onboardTestHotspots } from './testing/onboard-test-hotspots';

const KEYS = { nwkSKey: new Uint8Array(16).fill(7), appSKey: new Uint8Array(16).fill(8) };
const START_DC = 1000;

describe('routing through a database outage (postgres)', () => {
  let node: TestNode;
  let router: RouterServiceModule['router'];
  const lns = new TestLns();
  const gateways: TestGateway[] = [];
  const admin = postgres(loadConfig().TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
  let dbName = '';
  let org: { id: string; key: string };
  let tmst = 1_000_000;

  const metric = async (name: string, reason: string): Promise<number> => {
    const text = await (await fetch(`${node.httpBaseUrl}/metrics`)).text();
    return Number(new RegExp(`^${name}\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };
  /** One uplink (1-byte payload: 1 DC a copy) heard by both hotspots. */
  const hear = async (fCnt: number) => {
    const frame = buildDataFrame({ mtype: 'UnconfirmedDataUp', devAddr: 'fc014c02', fCnt, fPort: 3, payload: Uint8Array.of(fCnt & 0xff) }, KEYS);
    if (!frame.ok) throw frame.error;
    tmst += 10_000_000;
    for (const [i, gw] of gateways.entries()) await gw.push([rxpkOf(frame.value, { tmst: tmst + i, rssiDbm: -70 - i, snrDb: 5 })]);
  };
  const delivered = () => lns.on('/outage').map((u) => (u.message.frame as { fCnt: number }).fCnt);

  beforeAll(async () => {
    await lns.start();
    node = await startTestNode('postgres', { services: ['api', 'router'], overrides: { ROUTER_DEDUP_WINDOW_MS: '100', ROUTER_PURCHASE_LEAD_MS: '50', ROUTER_CONFIG_POLL_INTERVAL_MS: '100' } });
    dbName = new URL(node.config.DATABASE_URL!).pathname.slice(1);
    router = (node.modules.find((m) => m.name === 'router') as RouterServiceModule).router;
    const call = node.call.bind(node);
    const hotspots = await onboardTestHotspots(call, node.adminKey, { label: 'router-outage', euiPrefix: 'AA555A00000001', count: 2, at: { lat: 48.85, lng: 2.35 }, makerName: 'Outage Gateways' });
    for (const h of hotspots) {
      const gw = await new TestGateway(h.gatewayEui.toLowerCase(), '127.0.0.1', router.gwmpPort).start();
      await gw.pull();
      gateways.push(gw);
    }
    const created = await call('POST', '/v1/admin/orgs', { name: 'Outage Org', devAddrCount: 8 }, node.adminKey);
    org = { id: created.body.org.id, key: created.body.apiKey };
    const route = await call('POST', `/v1/orgs/${org.id}/routes`, { endpoint: { protocol: 'http', url: lns.url('/outage') }, maxCopies: 2, devAddrRanges: [{ start: 'fc014c00', end: 'fc014c07' }] }, org.key);
    expect(route.status).toBe(201);
    await call('POST', `/v1/admin/orgs/${org.id}/dc`, { amountDc: START_DC }, node.adminKey);
    await router.reloadRoutes();
  });

  afterAll(async () => {
    await admin.unsafe(`alter database "${dbName}" allow_connections true`).catch(() => {});
    for (const gw of gateways) await gw.close();
    await node?.destroy();
    await lns.close();
    await admin.end();
  });

  it('forwards nothing it could not pay while the database is down, recovers by itself, and keeps the books exact', async () => {
    await hear(1);
    await waitFor(() => delivered().includes(1), 'a packet before the outage');

    // The database goes away: no new connections, and the router's are cut. pg_terminate_backend
    // only signals a backend, and one still starting up may not show the database yet: cut until
    // none is left, so that no burn can still commit on a backend on its way out.
    await admin.unsafe(`alter database "${dbName}" allow_connections false`);
    await waitFor(async () => (await admin`select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = ${dbName}`).length === 0, 'no connection left to the database');
    const failedBefore = await metric('cov_router_dropped_total', 'burn_failed');
    const acksBefore = gateways[0]!.acks('PUSH_ACK');
    await hear(2);
    await hear(3);
    await waitFor(async () => (await metric('cov_router_dropped_total', 'burn_failed')) >= failedBefore + 2, 'two packets that could not be paid');
    // Still answering its hotspots (their registry entries are cached), and nothing unpaid went out.
    expect(gateways[0]!.acks('PUSH_ACK')).toBeGreaterThanOrEqual(acksBefore + 2);
    expect(delivered()).toEqual([1]);

    // Back: the next packets are paid and forwarded without anyone restarting anything.
    await admin.unsafe(`alter database "${dbName}" allow_connections true`);
    let fCnt = 4;
    let sentAt = 0;
    await waitFor(
      async () => {
        if (delivered().some((f) => f >= 4)) return true;
        if (Date.now() - sentAt > 1500) {
          sentAt = Date.now();
          await hear(fCnt++);
        }
        return false;
      },
      'a packet forwarded after the outage',
      30_000,
    );
    // A settle that failed on a connection cut by the outage is retried by the router's next settle
    // (drain here, its sweep otherwise): wait until the journal is expanded.
    const { sql } = node.ctx.database;
    const journalRows = async () => (await sql<{ n: number }[]>`select count(*)::int as n from burn_journal`)[0]!.n;
    await waitFor(async () => {
      await router.drain();
      return (await journalRows()) === 0;
    }, 'the burn journal expanded');

    // The books: every delivered packet paid once (2 copies, 1 DC each) and recorded, nothing else.
    const paid = new Set(delivered());
    expect(paid.size).toBe(delivered().length);
    const [balance] = await sql<{ dc: string }[]>`select dc_balance::text as dc from orgs where id = ${org.id}`;
    expect(Number(balance!.dc)).toBe(START_DC - 2 * paid.size);
    const [burned] = await sql<{ dc: string }[]>`select coalesce(-sum(amount_dc), 0)::text as dc from dc_ledger where org_id = ${org.id} and kind = 'burn'`;
    expect(Number(burned!.dc)).toBe(2 * paid.size);
    const logged = await sql<{ f_cnt: number; status: string; copies_bought: number }[]>`select f_cnt, status, copies_bought from routed_packets where org_id = ${org.id} order by f_cnt`;
    expect(logged.map((r) => [r.f_cnt, r.status, r.copies_bought])).toEqual([...paid].sort((a, b) => a - b).map((f) => [f, 'forwarded', 2]));
    const [copies] = await sql<{ n: number }[]>`select count(*)::int as n from packet_copies where org_id = ${org.id}`;
    expect(copies!.n).toBe(2 * paid.size);
    expect(paid.has(2) || paid.has(3)).toBe(false);
  });
});
