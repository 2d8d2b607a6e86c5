/**
 * The burn batch statements against real PostgreSQL and the embedded database: payment per org in
 * arrival order, free joins, ledger rows that track the balance and the journal row, all in the
 * commit; recorded drops, bought copies, packet log and daily stats once the journal is settled;
 * nothing written when the batch fails; journal rows settled exactly once, after a crash too, and
 * a row the database refuses set aside without holding back the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';
import type { RouteConfig } from '@cov/shared/routing/routing-config';
import { createLogger } from '@cov/shared/logger';
import { BurnSettler } from '@cov/shared/routing/burn-settler';
import { PgBurnStore } from './burn-store';
import type { RouteDecision } from './route-decision';
import type { UplinkCopy } from './uplink-copy';

const T = Date.UTC(2026, 10, 3, 12, 0, 0);
const copy = (hotspotAddress: string): UplinkCopy => ({ hotspotAddress, rssiDbm: -70, snrDb: 4.5, frequencyHz: 868_300_000, dataRate: 'SF9BW125', receivedAtMs: T }) as UplinkCopy;

describe.each(['postgres', 'embedded'] as TestMode[])('burn batch statement (%s)', (mode) => {
  let node: TestNode;
  let store: PgBurnStore;
  const orgs = { a: '', b: '' };
  const routes: Record<string, RouteConfig> = {};
  let n = 0;

  function decision(route: RouteConfig, copies: number, dcPerCopy: number, over: Partial<RouteDecision> = {}): RouteDecision {
    n++;
    return {
      packetId: n.toString(16).padStart(64, '0'),
      route,
      kind: dcPerCopy === 0 ? 'join' : 'uplink',
      devAddr: dcPerCopy === 0 ? null : 'fc014c01',
      joinEui: dcPerCopy === 0 ? '0102030405060708' : null,
      devEui: dcPerCopy === 0 ? '0000000000000001' : null,
      fCnt: dcPerCopy === 0 ? null : n,
      fPort: dcPerCopy === 0 ? null : 1,
      payloadBytes: 10,
      copiesHeard: copies + 1,
      bought: Array.from({ length: copies }, (_, i) => copy(`hotspot-${i}`)),
      overMax: 1,
      dcPerCopy,
      receivedAtMs: T,
      purchaseIndex: 0,
      ...over,
    };
  }

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'] });
    store = new PgBurnStore(node.ctx.database.sql);
    const sql = node.ctx.database.sql;
    for (const [k, balance] of [['a', 10], ['b', 3]] as const) {
      const [org] = await sql<{ id: string }[]>`insert into orgs (name, net_id, dc_balance, created_at) values (${`org ${k}`}, 'C00053', ${balance}, now()) returning id`;
      orgs[k] = org!.id;
      const [route] = await sql<{ id: string }[]>`insert into routes (org_id, endpoint, max_copies, created_at, updated_at) values (${org!.id}, '{"protocol":"http","url":"http://x"}'::jsonb, 2, now(), now()) returning id`;
      routes[k] = { id: route!.id, orgId: org!.id, endpoint: { protocol: 'http', url: 'http://x' }, maxCopies: 2, active: true, locked: false };
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('pays in arrival order per org until the balance runs out, joins free, known drops recorded', async () => {
    const a = routes.a!;
    const b = routes.b!;
    const outcomes = await store.commit({
      nowMs: T + 5,
      drops: [{ routeId: a.id, orgId: a.orgId, day: '2026-11-03', reason: 'endpoint_error', count: 2 }],
      lateCopies: [],
      decisions: [
        decision(a, 2, 2), // 4 of 10
        decision(b, 2, 1), // 2 of 3
        decision(a, 2, 3), // 6: 10 of 10
        decision(a, 1, 0), // join: free
        decision(b, 1, 2), // 2 more than the 1 left
        decision(a, 1, 1), // nothing left
        decision(b, 1, 1, { dropReason: 'route_inactive' }),
      ],
    });
    expect(outcomes).toEqual(['forwarded', 'forwarded', 'forwarded', 'forwarded', 'insufficient_dc', 'insufficient_dc', 'route_inactive']);
    const sql = node.ctx.database.sql;
    // Committed: balances, ledger and one journal row; the records wait for the settle step.
    expect(await store.unsettledRows()).toBe(1);
    expect((await sql`select count(*)::int as n from packet_copies`)[0]!.n).toBe(0);
    expect(await store.settle(10)).toEqual({ rows: 1, decisions: 7 });
    expect(await store.unsettledRows()).toBe(0);
    const balances = await sql`select name, dc_balance from orgs order by name`;
    expect(balances.map((r) => [r.name, Number(r.dc_balance)])).toEqual([
      ['org a', 0],
      ['org b', 1],
    ]);
    const ledger = await sql`select org_id, kind, amount_dc, balance_after_dc, copies, created_at_ms from dc_ledger order by org_id`;
    expect(ledger.map((r) => [r.org_id, r.kind, Number(r.amount_dc), Number(r.balance_after_dc), r.copies, Number(r.created_at_ms)]).sort()).toEqual(
      [
        [orgs.a, 'burn', -10, 0, 4, T + 5],
        [orgs.b, 'burn', -2, 1, 2, T + 5],
      ].sort(),
    );
    const copies = await sql`select org_id, count(*)::int as n, sum(dc)::int as dc from packet_copies group by org_id`;
    expect(Object.fromEntries(copies.map((r) => [r.org_id, [r.n, r.dc]]))).toEqual({ [orgs.a]: [5, 10], [orgs.b]: [2, 2] });
    const packets = await sql`select status, copies_bought, dc from routed_packets where route_id = ${a.id} order by id`;
    expect(packets.map((r) => [r.status, r.copies_bought, r.dc])).toEqual([
      ['forwarded', 2, 4],
      ['forwarded', 2, 6],
      ['forwarded', 1, 0],
      ['insufficient_dc', 0, 0],
    ]);
    const stats = await sql`select packets, copies, dc from route_stats_daily where route_id = ${a.id}`;
    expect(stats.map((r) => [Number(r.packets), Number(r.copies), Number(r.dc)])).toEqual([[3, 5, 10]]);
    const drops = await sql`select route_id, reason, count from route_drops_daily order by route_id, reason`;
    expect(drops.map((r) => [r.route_id === a.id ? 'a' : 'b', r.reason, Number(r.count)]).sort()).toEqual(
      [
        ['a', 'copy_over_max', 3],
        ['a', 'endpoint_error', 2],
        ['a', 'insufficient_dc', 1],
        ['b', 'copy_over_max', 1],
        ['b', 'insufficient_dc', 1],
        ['b', 'route_inactive', 1],
      ].sort(),
    );
  });

  it('adds to the same day rows on the next batch', async () => {
    await node.ctx.database.sql`update orgs set dc_balance = 100 where id = ${orgs.a}`;
    expect(await store.commit({ nowMs: T + 9, drops: [], lateCopies: [], decisions: [decision(routes.a!, 1, 1, { overMax: 0 })] })).toEqual(['forwarded']);
    await store.settle(10);
    const stats = await node.ctx.database.sql`select packets, copies, dc from route_stats_daily where route_id = ${routes.a!.id}`;
    expect(stats.map((r) => [Number(r.packets), Number(r.copies), Number(r.dc)])).toEqual([[4, 6, 11]]);
  });

  it('marks the log row of a paid packet its endpoint did not take endpoint_error, settled with its purchase or after it', async () => {
    const sql = node.ctx.database.sql;
    const a = routes.a!;
    await sql`update orgs set dc_balance = 100 where id = ${orgs.a}`;
    const failure = (d: RouteDecision) => ({ packetId: d.packetId, routeId: a.id, orgId: a.orgId, receivedAtMs: d.receivedAtMs, count: 0, forwarded: false, endpointError: true });
    const status = async (d: RouteDecision) => (await sql`select status, copies_bought, dc, copies_heard from routed_packets where packet_hash = decode(${d.packetId}, 'hex')`)[0];
    // Both journal rows settled in one run: the log row is inserted with the failure.
    const sameRun = decision(a, 2, 1, { overMax: 0 });
    const taken = decision(a, 1, 1, { overMax: 0 });
    await store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [sameRun, taken] });
    await store.commit({ nowMs: T + 1, drops: [], lateCopies: [failure(sameRun)], decisions: [] });
    await store.settle(10);
    expect(await status(sameRun)).toEqual({ status: 'endpoint_error', copies_bought: 2, dc: 2, copies_heard: 3 });
    expect((await status(taken))!.status).toBe('forwarded');
    // The purchase settled first: its row is updated in place, still paid for.
    const later = decision(a, 2, 1, { overMax: 0 });
    await store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [later] });
    await store.settle(10);
    expect((await status(later))!.status).toBe('forwarded');
    await store.commit({ nowMs: T + 1, drops: [], lateCopies: [failure(later)], decisions: [] });
    await store.settle(10);
    expect(await status(later)).toEqual({ status: 'endpoint_error', copies_bought: 2, dc: 2, copies_heard: 3 });
    // A failure counts no copies heard and no copy_over_max drop.
    const overMax = await sql`select count(*)::int as n from route_drops_daily where route_id = ${a.id} and reason = 'copy_over_max' and count = 0`;
    expect(overMax[0]!.n).toBe(0);
  });

  it('writes nothing when the batch fails', async () => {
    const sql = node.ctx.database.sql;
    const before = await sql`select (select count(*) from routed_packets) as p, (select count(*) from burn_journal) as j, (select dc_balance from orgs where id = ${orgs.a}) as b`;
    // A route id that is not a UUID makes the statement fail after the balance was read.
    const bad = { ...routes.a!, id: 'not-a-uuid' };
    await expect(store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [decision(routes.a!, 1, 1), decision(bad, 1, 1)] })).rejects.toThrow();
    const after = await sql`select (select count(*) from routed_packets) as p, (select count(*) from burn_journal) as j, (select dc_balance from orgs where id = ${orgs.a}) as b`;
    expect(after).toEqual(before);
  });

  it('settles journal rows a crashed router left exactly once, whoever settles them and however often', async () => {
    const sql = node.ctx.database.sql;
    await sql`update orgs set dc_balance = 100 where id = ${orgs.a}`;
    const counts = async () => (await sql`select (select count(*) from packet_copies)::int as c, (select count(*) from routed_packets)::int as p`)[0];
    const before = await counts();
    // A router pays and journals three batches, forwards them and dies before settling.
    for (const k of [1, 2, 3]) await store.commit({ nowMs: T + k, drops: [], lateCopies: [], decisions: [decision(routes.a!, 2, 1, { overMax: 0 })] });
    expect(await store.unsettledRows()).toBe(3);
    // The next router (a new store on a new start) settles them at start; two settlers at once never double them.
    const logger = createLogger({ LOG_LEVEL: 'silent' });
    const settlers = [0, 1].map(() => new BurnSettler({ store: new PgBurnStore(sql), delayMs: 0, sweepMs: 60_000, maxRows: 1, logger }));
    for (const s of settlers) s.start();
    await Promise.all(settlers.map((s) => s.stop()));
    expect(await store.unsettledRows()).toBe(0);
    expect(await counts()).toEqual({ c: before!.c + 6, p: before!.p + 3 });
    expect(await store.settle(10)).toEqual({ rows: 0, decisions: 0 });
    expect(await counts()).toEqual({ c: before!.c + 6, p: before!.p + 3 });
  });

  it('adds copies heard after a purchase to the packet log, whether its decision settles in the same run or an earlier one', async () => {
    const sql = node.ctx.database.sql;
    await sql`update orgs set dc_balance = 100 where id = ${orgs.a}`;
    await sql`update orgs set dc_balance = 0 where id = ${orgs.b}`;
    const dropsOf = async (routeId: string) =>
      Number((await sql`select coalesce(sum(count), 0)::int as n from route_drops_daily where route_id = ${routeId} and reason = 'copy_over_max'`)[0]!.n);
    const heard = async (packetId: string) =>
      (await sql<{ copies_heard: number; copies_bought: number }[]>`select copies_heard, copies_bought from routed_packets where packet_hash = decode(${packetId}, 'hex')`)[0];
    const overA = await dropsOf(routes.a!.id);
    const overB = await dropsOf(routes.b!.id);
    // Bought at their second copy (max_copies 2), before the window closed.
    const early = decision(routes.a!, 2, 1, { copiesHeard: 2, overMax: 0 });
    const unpaid = decision(routes.b!, 2, 1, { copiesHeard: 2, overMax: 0 });
    expect(await store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [early, unpaid] })).toEqual(['forwarded', 'insufficient_dc']);
    const late = (d: RouteDecision, count: number, forwarded: boolean) => ({ packetId: d.packetId, routeId: d.route.id, orgId: d.route.orgId, receivedAtMs: d.receivedAtMs, count, forwarded });
    // Their windows close with three more copies each; that rides with a later batch, settled with the first.
    const other = decision(routes.a!, 1, 1, { copiesHeard: 1, overMax: 0 });
    await store.commit({ nowMs: T + 1, drops: [], lateCopies: [late(early, 3, true), late(unpaid, 3, false)], decisions: [other] });
    expect(await store.settle(10)).toEqual({ rows: 2, decisions: 3 });
    expect(await heard(early.packetId)).toEqual({ copies_heard: 5, copies_bought: 2 });
    expect(await heard(unpaid.packetId)).toEqual({ copies_heard: 5, copies_bought: 0 });
    expect(await heard(other.packetId)).toEqual({ copies_heard: 1, copies_bought: 1 });
    // Copies over max_copies are counted for forwarded packets only, as for those heard before the purchase.
    expect(await dropsOf(routes.a!.id)).toBe(overA + 3);
    expect(await dropsOf(routes.b!.id)).toBe(overB);
    // A packet whose decision was settled in an earlier run: its log row is updated in place.
    await store.commit({ nowMs: T + 2, drops: [], lateCopies: [late(other, 2, true)], decisions: [] });
    expect(await store.settle(10)).toEqual({ rows: 1, decisions: 0 });
    expect(await heard(other.packetId)).toEqual({ copies_heard: 3, copies_bought: 1 });
    expect(await dropsOf(routes.a!.id)).toBe(overA + 5);
    expect(await store.settle(10)).toEqual({ rows: 0, decisions: 0 });
    expect(await heard(other.packetId)).toEqual({ copies_heard: 3, copies_bought: 1 });
  });

  // Later purchases: copies heard after a packet's first purchase, bought while the route still had room.
  const later = (first: RouteDecision, hotspots: string[], copiesHeard: number, overMax: number, purchaseIndex = 1): RouteDecision => ({
    ...first,
    bought: hotspots.map(copy),
    copiesHeard,
    overMax,
    purchaseIndex,
  });
  const lateOf = (d: RouteDecision, count: number, forwarded: boolean) => ({ packetId: d.packetId, routeId: d.route.id, orgId: d.route.orgId, receivedAtMs: d.receivedAtMs, count, forwarded });
  /** The packet's log rows on a route, its bought copies' hotspots, and its route's stats and drops of the day. */
  async function recorded(d: RouteDecision) {
    const sql = node.ctx.database.sql;
    const rows = await sql<{ copies_heard: number; copies_bought: number; dc: number; status: string }[]>`
      select copies_heard, copies_bought, dc, status from routed_packets where packet_hash = decode(${d.packetId}, 'hex') and route_id = ${d.route.id} order by id`;
    const bought = await sql<{ hotspot_address: string }[]>`
      select hotspot_address from packet_copies where packet_hash = decode(${d.packetId}, 'hex') and route_id = ${d.route.id} order by hotspot_address`;
    const [stats] = await sql<{ packets: number; copies: number; dc: number }[]>`
      select packets::int, copies::int, dc::int from route_stats_daily where route_id = ${d.route.id} and day = '2026-11-03'`;
    const drops = await sql<{ reason: string; count: number }[]>`select reason, count::int from route_drops_daily where route_id = ${d.route.id} and day = '2026-11-03'`;
    return {
      log: rows.map((r) => [r.copies_heard, r.copies_bought, r.dc, r.status]),
      bought: bought.map((r) => r.hotspot_address),
      stats: stats ? [stats.packets, stats.copies, stats.dc] : [0, 0, 0],
      drops: Object.fromEntries(drops.map((r) => [r.reason, r.count])) as Record<string, number>,
    };
  }
  /** Settling again finds nothing and changes nothing. */
  async function settledOnce(d: RouteDecision) {
    const before = await recorded(d);
    expect(await store.settle(10)).toEqual({ rows: 0, decisions: 0 });
    expect(await recorded(d)).toEqual(before);
  }
  const diff = (after: number[], before: number[]) => after.map((v, i) => v - before[i]!);

  it('merges a later purchase settled in the same run as the first into its log row', async () => {
    await node.ctx.database.sql`update orgs set dc_balance = 100 where id = ${orgs.a}`;
    // Bought at the first copy shortly before the window closed; two more copies were heard, one bought later (max_copies 2).
    const first = decision(routes.a!, 1, 1, { copiesHeard: 1, overMax: 0 });
    const second = later(first, ['hotspot-late'], 3, 1);
    // The same packet heard again once its window was forgotten (a replay): a packet of its own, with its own log row.
    const replay: RouteDecision = { ...first, bought: [copy('hotspot-replay')], receivedAtMs: T + 60_000 };
    const before = await recorded(first);
    expect(await store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [first] })).toEqual(['forwarded']);
    expect(await store.commit({ nowMs: T + 1, drops: [], lateCopies: [], decisions: [second] })).toEqual(['forwarded']);
    // Two more copies heard at the close, after the route's last purchase.
    await store.commit({ nowMs: T + 2, drops: [], lateCopies: [lateOf(first, 2, true)], decisions: [replay] });
    expect(await store.settle(10)).toEqual({ rows: 3, decisions: 3 });
    const after = await recorded(first);
    // One log row: both purchases' copies and DC, the last purchase's copies heard plus the late ones; the replay's apart.
    expect(after.log).toEqual([
      [5, 2, 2, 'forwarded'],
      [1, 1, 1, 'forwarded'],
    ]);
    expect(after.bought).toEqual(['hotspot-0', 'hotspot-late', 'hotspot-replay']);
    // Two packets, three copies and their DC; over max_copies: the one at the last purchase and the two late ones.
    expect(diff(after.stats, before.stats)).toEqual([2, 3, 3]);
    expect((after.drops.copy_over_max ?? 0) - (before.drops.copy_over_max ?? 0)).toBe(3);
    await settledOnce(first);
  });

  it('updates the log row of a first purchase settled earlier once with its later purchases and late copies', async () => {
    const sql = node.ctx.database.sql;
    await sql`update orgs set dc_balance = 100 where id = ${orgs.a}`;
    // A route that buys up to three copies, so two later purchases fit.
    const [route] = await sql<{ id: string }[]>`
      insert into routes (org_id, endpoint, max_copies, created_at, updated_at) values (${orgs.a}, '{"protocol":"http","url":"http://x"}'::jsonb, 3, now(), now()) returning id`;
    const three: RouteConfig = { ...routes.a!, id: route!.id, maxCopies: 3 };
    const first = decision(three, 1, 1, { copiesHeard: 1, overMax: 0 });
    expect(await store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [first] })).toEqual(['forwarded']);
    expect(await store.settle(10)).toEqual({ rows: 1, decisions: 1 });
    expect(await recorded(first)).toEqual({ log: [[1, 1, 1, 'forwarded']], bought: ['hotspot-0'], stats: [1, 1, 1], drops: {} });
    // Bought later, each after the one before was paid; then two more copies heard at the close.
    const second = later(first, ['hotspot-1'], 2, 0, 1);
    const third = later(first, ['hotspot-2'], 4, 1, 2);
    expect(await store.commit({ nowMs: T + 1, drops: [], lateCopies: [], decisions: [second] })).toEqual(['forwarded']);
    expect(await store.commit({ nowMs: T + 2, drops: [], lateCopies: [], decisions: [third] })).toEqual(['forwarded']);
    await store.commit({ nowMs: T + 3, drops: [], lateCopies: [lateOf(first, 2, true)], decisions: [] });
    expect(await store.settle(10)).toEqual({ rows: 3, decisions: 2 });
    // Updated in place with all of it: three copies and their DC, four heard at the last purchase plus two late.
    expect(await recorded(first)).toEqual({
      log: [[6, 3, 3, 'forwarded']],
      bought: ['hotspot-0', 'hotspot-1', 'hotspot-2'],
      stats: [1, 3, 3],
      drops: { copy_over_max: 3 },
    });
    await settledOnce(first);
  });

  it('keeps only the paid purchases in the log row when a later purchase finds no DC left', async () => {
    const sql = node.ctx.database.sql;
    await sql`update orgs set dc_balance = 2 where id = ${orgs.b}`;
    const earlier = decision(routes.b!, 1, 1, { copiesHeard: 1, overMax: 0 });
    const same = decision(routes.b!, 1, 1, { copiesHeard: 1, overMax: 0 });
    const before = await recorded(earlier);
    // One first purchase settles on its own, the other in the same run as its later purchase.
    expect(await store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [earlier] })).toEqual(['forwarded']);
    expect(await store.settle(10)).toEqual({ rows: 1, decisions: 1 });
    expect(await store.commit({ nowMs: T + 1, drops: [], lateCopies: [], decisions: [same] })).toEqual(['forwarded']);
    // The balance is spent by then: neither later purchase is paid.
    expect(await store.commit({ nowMs: T + 2, drops: [], lateCopies: [], decisions: [later(earlier, ['hotspot-late'], 3, 1), later(same, ['hotspot-late'], 3, 1)] })).toEqual([
      'insufficient_dc',
      'insufficient_dc',
    ]);
    expect(await store.settle(10)).toEqual({ rows: 2, decisions: 3 });
    for (const d of [earlier, same]) {
      const after = await recorded(d);
      // The first purchase's copy, DC and status; the copies heard when the later one was tried.
      expect(after.log).toEqual([[3, 1, 1, 'forwarded']]);
      expect(after.bought).toEqual(['hotspot-0']);
    }
    const after = await recorded(earlier);
    expect(diff(after.stats, before.stats)).toEqual([2, 2, 2]);
    // Each unpaid purchase is a drop; its copy over max_copies is not (the copies were not forwarded past it).
    expect((after.drops.insufficient_dc ?? 0) - (before.drops.insufficient_dc ?? 0)).toBe(2);
    expect(after.drops.copy_over_max ?? 0).toBe(before.drops.copy_over_max ?? 0);
    expect(Number((await sql`select dc_balance from orgs where id = ${orgs.b}`)[0]!.dc_balance)).toBe(0);
    await settledOnce(earlier);
  });

  it('settles a journal row written before purchases were numbered as first purchases', async () => {
    const sql = node.ctx.database.sql;
    await sql`update orgs set dc_balance = 100 where id = ${orgs.a}`;
    const first = decision(routes.a!, 1, 1, { copiesHeard: 2, overMax: 1 });
    const before = await recorded(first);
    // Written by hand as a router of the previous version journaled it: no `t`.
    const old = {
      i: 1, h: first.packetId, r: first.route.id, o: orgs.a, k: 'uplink', da: 'fc014c01', je: null, de: null, fc: 7, fp: 1, pb: 10, ch: 2, cb: 1, ov: 1, dc: 1, pc: 1,
      at: T, d: '2026-11-03', c: [{ hs: 'hotspot-0', rs: -70, sn: 4.5, f: 868_300_000, dr: 'SF9BW125', at: T }],
    };
    await sql`insert into burn_journal (decisions, drops, outcomes, created_at_ms) values (${JSON.stringify([old])}, '[]', '{forwarded}', ${T})`;
    expect(await store.settle(10)).toEqual({ rows: 1, decisions: 1 });
    let after = await recorded(first);
    expect(after.log).toEqual([[2, 1, 1, 'forwarded']]);
    expect(after.bought).toEqual(['hotspot-0']);
    expect(diff(after.stats, before.stats)).toEqual([1, 1, 1]);
    expect((after.drops.copy_over_max ?? 0) - (before.drops.copy_over_max ?? 0)).toBe(1);
    await settledOnce(first);
    // A later purchase journaled by the new version after the upgrade finds that row.
    expect(await store.commit({ nowMs: T + 1, drops: [], lateCopies: [], decisions: [later(first, ['hotspot-late'], 3, 1)] })).toEqual(['forwarded']);
    expect(await store.settle(10)).toEqual({ rows: 1, decisions: 1 });
    after = await recorded(first);
    expect(after.log).toEqual([[3, 2, 2, 'forwarded']]);
    expect(diff(after.stats, before.stats)).toEqual([1, 2, 2]);
    await settledOnce(first);
  });

  // Concurrent settlers need a second connection; the embedded database has one, and one process.
  it.skipIf(mode === 'embedded')('settles in journal order while another settler holds a row, so copies heard after a purchase find its log row', async () => {
    const sql = node.ctx.database.sql;
    await sql`update orgs set dc_balance = 100 where id = ${orgs.a}`;
    await store.settle(1000);
    const heard = async (packetId: string) =>
      (await sql<{ copies_heard: number; copies_bought: number }[]>`select copies_heard, copies_bought from routed_packets where packet_hash = decode(${packetId}, 'hex')`)[0];
    const late = (d: RouteDecision, count: number) => ({ packetId: d.packetId, routeId: d.route.id, orgId: d.route.orgId, receivedAtMs: d.receivedAtMs, count, forwarded: true });
    const first = decision(routes.a!, 2, 1, { copiesHeard: 2, overMax: 0 });
    await store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [first] });
    await store.commit({ nowMs: T + 1, drops: [], lateCopies: [late(first, 3)], decisions: [] });
    // Someone holds the first row (as a settler in the middle of its statement would): the settle waits for it.
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const holder = sql.begin(async (tx) => {
      await tx`select id from burn_journal order by id limit 1 for update`;
      holding();
      await new Promise<void>((r) => (release = r));
    });
    await held;
    let settled = false;
    const settling = store.settle(10).then((r) => ((settled = true), r));
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false); // it did not skip ahead to the late copies
    release();
    await holder;
    expect(await settling).toEqual({ rows: 2, decisions: 1 });
    expect(await heard(first.packetId)).toEqual({ copies_heard: 5, copies_bought: 2 });

    // Two settlers that start together take turns: whichever goes second sees the log row the first one made.
    const again = decision(routes.a!, 1, 1, { copiesHeard: 1, overMax: 0 });
    await store.commit({ nowMs: T + 2, drops: [], lateCopies: [], decisions: [again] });
    await store.commit({ nowMs: T + 3, drops: [], lateCopies: [late(again, 2)], decisions: [] });
    const [a, b] = await Promise.all([store.settle(1), store.settle(10)]);
    expect(a!.rows + b!.rows).toBe(2);
    expect(await heard(again.packetId)).toEqual({ copies_heard: 3, copies_bought: 1 });
  });

  it('sets aside a journal row the database refuses and settles the rows after it', async () => {
    const sql = node.ctx.database.sql;
    // Written by hand: the payment step would have refused this route id, so only a bug could journal it.
    const [bad] = await sql<{ id: number }[]>`
      insert into burn_journal (decisions, drops, outcomes, created_at_ms)
      values (${JSON.stringify([{ i: 1, h: '00', r: 'not-a-uuid', o: orgs.a, k: 'uplink', pb: 1, ch: 1, cb: 0, ov: 0, dc: 0, at: T, d: '2026-11-03' }])}, '[]', '{forwarded}', ${T})
      returning id::float8 as id`;
    const packetsBefore = (await sql`select count(*)::int as n from routed_packets`)[0]!.n;
    await store.commit({ nowMs: T, drops: [], lateCopies: [], decisions: [decision(routes.a!, 1, 1)] });
    const errors: unknown[] = [];
    const logger = { ...createLogger({ LOG_LEVEL: 'silent' }), error: (o: unknown) => void errors.push(o), warn: () => {} } as unknown as ReturnType<typeof createLogger>;
    const settler = new BurnSettler({ store, delayMs: 0, sweepMs: 60_000, maxRows: 10, logger });
    settler.start();
    await settler.stop();
    expect((await sql`select count(*)::int as n from routed_packets`)[0]!.n).toBe(packetsBefore + 1);
    expect((await sql`select id::float8 as id from burn_journal`).map((r) => r.id)).toEqual([bad!.id]);
    expect(errors).toHaveLength(1);
    await sql`delete from burn_journal`;
  });
});
