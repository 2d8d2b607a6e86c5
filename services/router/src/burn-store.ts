/**
 * The burn batch transaction on PostgreSQL. Balances are read `for update` (in id order, so two
 * router processes settling batches for the same orgs cannot deadlock), decisions are paid in
 * arrival order while the balance lasts, and everything the batch produced is written with one
 * statement per table (unnest of arrays), so a batch costs the same handful of round trips
 * whether it holds one packet or thousands.
 */
import type { Sql } from '@cov/shared/db/client';
import type { BurnBatch, BurnStore } from './burn-batcher';
import { decisionDc, utcDay, type RouteOutcome } from './route-decision';

export function settleBalances(batch: BurnBatch, balances: Map<string, number>): RouteOutcome[] {
  return batch.decisions.map((d) => {
    if (d.dropReason) return d.dropReason;
    const dc = decisionDc(d);
    if (dc === 0) return 'forwarded';
    const balance = balances.get(d.route.orgId) ?? 0;
    if (balance < dc) return 'insufficient_dc';
    balances.set(d.route.orgId, balance - dc);
    return 'forwarded';
  });
}

function columns<T extends string>(names: readonly T[]): Record<T, (string | null)[]> {
  return Object.fromEntries(names.map((n) => [n, []])) as unknown as Record<T, (string | null)[]>;
}

/** Every row the batch writes, as one text array per column (the statement casts them). */
export function batchRows(batch: BurnBatch, outcomes: RouteOutcome[], balancesAfter: Map<string, number>) {
  const ledger = columns(['org', 'dc', 'bal', 'copies'] as const);
  const copies = columns(['hash', 'route', 'org', 'hotspot', 'dc', 'rssi', 'snr', 'freq', 'datr', 'at'] as const);
  const packets = columns(['hash', 'route', 'org', 'kind', 'devAddr', 'joinEui', 'devEui', 'fCnt', 'fPort', 'bytes', 'heard', 'bought', 'dc', 'status', 'at'] as const);
  const stats = new Map<string, { route: string; org: string; day: string; packets: number; copies: number; dc: number }>();
  const drops = new Map<string, { route: string; org: string; day: string; reason: string; count: number }>();
  const burned = new Map<string, { dc: number; copies: number }>();
  const addDrop = (route: string, org: string, day: string, reason: string, count: number) => {
    if (count <= 0) return;
    const key = `${route}|${day}|${reason}`;
    const e = drops.get(key);
    if (e) e.count += count;
    else drops.set(key, { route, org, day, reason, count });
  };
  const str = (v: number | null): string | null => (v === null ? null : String(v));

  batch.decisions.forEach((d, i) => {
    const outcome = outcomes[i]!;
    const paid = outcome === 'forwarded';
    const dc = paid ? decisionDc(d) : 0;
    const day = utcDay(d.receivedAtMs);
    packets.hash.push(d.packetId);
    packets.route.push(d.route.id);
    packets.org.push(d.route.orgId);
    packets.kind.push(d.kind);
    packets.devAddr.push(d.devAddr);
    packets.joinEui.push(d.joinEui);
    packets.devEui.push(d.devEui);
    packets.fCnt.push(str(d.fCnt));
    packets.fPort.push(str(d.fPort));
    packets.bytes.push(String(d.payloadBytes));
    packets.heard.push(String(d.copiesHeard));
    packets.bought.push(String(paid ? d.bought.length : 0));
    packets.dc.push(String(dc));
    packets.status.push(outcome);
    packets.at.push(String(d.receivedAtMs));
    if (!paid) {
      addDrop(d.route.id, d.route.orgId, day, outcome, 1);
      return;
    }
    for (const c of d.bought) {
      copies.hash.push(d.packetId);
      copies.route.push(d.route.id);
      copies.org.push(d.route.orgId);
      copies.hotspot.push(c.hotspotAddress);
      copies.dc.push(String(d.dcPerCopy));
      copies.rssi.push(String(c.rssiDbm));
      copies.snr.push(String(c.snrDb));
      copies.freq.push(String(c.frequencyHz));
      copies.datr.push(c.dataRate);
      copies.at.push(String(c.receivedAtMs));
    }
    const key = `${d.route.id}|${day}`;
    const s = stats.get(key) ?? { route: d.route.id, org: d.route.orgId, day, packets: 0, copies: 0, dc: 0 };
    s.packets += 1;
    s.copies += d.bought.length;
    s.dc += dc;
    stats.set(key, s);
    addDrop(d.route.id, d.route.orgId, day, 'copy_over_max', d.overMax);
    if (dc > 0) {
      const b = burned.get(d.route.orgId) ?? { dc: 0, copies: 0 };
      b.dc += dc;
      b.copies += d.bought.length;
      burned.set(d.route.orgId, b);
    }
  });
  for (const x of batch.drops) addDrop(x.routeId, x.orgId, x.day, x.reason, x.count);
  for (const [org, b] of burned) {
    ledger.org.push(org);
    ledger.dc.push(String(b.dc));
    ledger.bal.push(String(balancesAfter.get(org) ?? 0));
    ledger.copies.push(String(b.copies));
  }
  const statRows = [...stats.values()];
  const dropRows = [...drops.values()];
  return {
    ledger,
    copies,
    packets,
    stats: { route: statRows.map((x) => x.route), org: statRows.map((x) => x.org), day: statRows.map((x) => x.day), packets: statRows.map((x) => String(x.packets)), copies: statRows.map((x) => String(x.copies)), dc: statRows.map((x) => String(x.dc)) },
    drops: { route: dropRows.map((x) => x.route), org: dropRows.map((x) => x.org), day: dropRows.map((x) => x.day), reason: dropRows.map((x) => x.reason), count: dropRows.map((x) => String(x.count)) },
  };
}

export class PgBurnStore implements BurnStore {
  constructor(private readonly sql: Sql) {}

  async commit(batch: BurnBatch): Promise<RouteOutcome[]> {
    return this.sql.begin(async (tx) => {
      const payers = [...new Set(batch.decisions.filter((d) => !d.dropReason && decisionDc(d) > 0).map((d) => d.route.orgId))].sort();
      const balances = new Map<string, number>();
      if (payers.length > 0) {
        const rows = await tx<{ id: string; dc_balance: bigint }[]>`
          select id, dc_balance from orgs where id = any(${payers}::uuid[]) order by id for update`;
        for (const r of rows) balances.set(r.id, Number(r.dc_balance));
      }
      const outcomes = settleBalances(batch, balances);
      const { ledger: l, copies: c, packets: p, stats: s, drops: d } = batchRows(batch, outcomes, balances);
      // One statement, one round trip: data-modifying CTEs all run, whether referenced or not;
      // empty arrays simply write nothing. The text is constant, so it is prepared once.
      await tx`
        with
        balance as (
          update orgs set dc_balance = v.bal::bigint
          from unnest(${l.org}::uuid[], ${l.bal}::text[]) as v(id, bal) where orgs.id = v.id),
        ledger as (
          insert into dc_ledger (org_id, kind, amount_dc, balance_after_dc, copies, memo, created_at_ms)
          select v.id, 'burn', -(v.dc::bigint), v.bal::bigint, v.copies::int, 'router burn', ${batch.nowMs}::bigint
          from unnest(${l.org}::uuid[], ${l.dc}::text[], ${l.bal}::text[], ${l.copies}::text[]) as v(id, dc, bal, copies)),
        copies as (
          insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
          select decode(v.h, 'hex'), v.r::uuid, v.o::uuid, v.hs, v.dc::int, v.rssi::int, v.snr::real, v.f::bigint, v.dr, v.at::bigint
          from unnest(${c.hash}::text[], ${c.route}::text[], ${c.org}::text[], ${c.hotspot}::text[], ${c.dc}::text[], ${c.rssi}::text[],
                      ${c.snr}::text[], ${c.freq}::text[], ${c.datr}::text[], ${c.at}::text[]) as v(h, r, o, hs, dc, rssi, snr, f, dr, at)),
        packets as (
          insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, join_eui, dev_eui, f_cnt, f_port, payload_bytes,
                                      copies_heard, copies_bought, dc, status, received_at_ms)
          select decode(v.h, 'hex'), v.r::uuid, v.o::uuid, v.k, v.da, v.je, v.de, v.fc::int, v.fp::int, v.pb::int,
                 v.ch::int, v.cb::int, v.dc::int, v.st, v.at::bigint
          from unnest(${p.hash}::text[], ${p.route}::text[], ${p.org}::text[], ${p.kind}::text[], ${p.devAddr}::text[], ${p.joinEui}::text[],
                      ${p.devEui}::text[], ${p.fCnt}::text[], ${p.fPort}::text[], ${p.bytes}::text[], ${p.heard}::text[], ${p.bought}::text[],
                      ${p.dc}::text[], ${p.status}::text[], ${p.at}::text[]) as v(h, r, o, k, da, je, de, fc, fp, pb, ch, cb, dc, st, at)),
        stats as (
          insert into route_stats_daily (route_id, org_id, day, packets, copies, dc)
          select v.r::uuid, v.o::uuid, v.d::date, v.p::bigint, v.c::bigint, v.dc::bigint
          from unnest(${s.route}::text[], ${s.org}::text[], ${s.day}::text[], ${s.packets}::text[], ${s.copies}::text[], ${s.dc}::text[]) as v(r, o, d, p, c, dc)
          on conflict (route_id, day) do update set packets = route_stats_daily.packets + excluded.packets,
            copies = route_stats_daily.copies + excluded.copies, dc = route_stats_daily.dc + excluded.dc),
        drops as (
          insert into route_drops_daily (route_id, org_id, day, reason, count)
          select v.r::uuid, v.o::uuid, v.d::date, v.re, v.c::bigint
          from unnest(${d.route}::text[], ${d.org}::text[], ${d.day}::text[], ${d.reason}::text[], ${d.count}::text[]) as v(r, o, d, re, c)
          on conflict (route_id, day, reason) do update set count = route_drops_daily.count + excluded.count)
        select 1`;
      return outcomes;
    }) as Promise<RouteOutcome[]>;
  }
}
