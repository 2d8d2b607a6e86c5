/**
 * The burn batch on PostgreSQL, as ONE statement (so one round trip and one implicit
 * transaction, whatever the batch size): the payers' balances are read `for update`, decisions
 * are settled in arrival order per org (a decision is paid while the running total of its org's
 * costs in this batch stays within the balance; from the first one that does not fit, the rest
 * of that org's batch is insufficient_dc), the balances are debited, and the ledger rows, bought
 * copies, packet log and daily stats are written by data-modifying CTEs. The settled outcome of
 * every decision comes back as the statement's result. Nothing is written unless all of it is.
 */
import type { Sql } from '@cov/shared/db/client';
import type { BurnBatch, BurnStore } from './burn-batcher';
import { decisionDc, utcDay, type RouteOutcome } from './route-decision';

type Col = (string | null)[];

/** The batch as one text array per column (the statement casts them), decisions numbered from 1. */
export function batchColumns(batch: BurnBatch) {
  const d = { hash: [] as Col, route: [] as Col, org: [] as Col, kind: [] as Col, devAddr: [] as Col, joinEui: [] as Col, devEui: [] as Col, fCnt: [] as Col, fPort: [] as Col, bytes: [] as Col, heard: [] as Col, bought: [] as Col, over: [] as Col, cost: [] as Col, drop: [] as Col, at: [] as Col, day: [] as Col };
  const c = { idx: [] as Col, hotspot: [] as Col, dc: [] as Col, rssi: [] as Col, snr: [] as Col, freq: [] as Col, datr: [] as Col, at: [] as Col };
  const x = { route: [] as Col, org: [] as Col, day: [] as Col, reason: [] as Col, count: [] as Col };
  const str = (v: number | null): string | null => (v === null ? null : String(v));
  batch.decisions.forEach((dec, i) => {
    d.hash.push(dec.packetId);
    d.route.push(dec.route.id);
    d.org.push(dec.route.orgId);
    d.kind.push(dec.kind);
    d.devAddr.push(dec.devAddr);
    d.joinEui.push(dec.joinEui);
    d.devEui.push(dec.devEui);
    d.fCnt.push(str(dec.fCnt));
    d.fPort.push(str(dec.fPort));
    d.bytes.push(String(dec.payloadBytes));
    d.heard.push(String(dec.copiesHeard));
    d.bought.push(String(dec.bought.length));
    d.over.push(String(dec.overMax));
    d.cost.push(String(dec.dropReason ? 0 : decisionDc(dec)));
    d.drop.push(dec.dropReason ?? null);
    d.at.push(String(dec.receivedAtMs));
    d.day.push(utcDay(dec.receivedAtMs));
    if (dec.dropReason) return;
    for (const copy of dec.bought) {
      c.idx.push(String(i + 1));
      c.hotspot.push(copy.hotspotAddress);
      c.dc.push(String(dec.dcPerCopy));
      c.rssi.push(String(copy.rssiDbm));
      c.snr.push(String(copy.snrDb));
      c.freq.push(String(copy.frequencyHz));
      c.datr.push(copy.dataRate);
      c.at.push(String(copy.receivedAtMs));
    }
  });
  for (const drop of batch.drops) {
    x.route.push(drop.routeId);
    x.org.push(drop.orgId);
    x.day.push(drop.day);
    x.reason.push(drop.reason);
    x.count.push(String(drop.count));
  }
  return { d, c, x };
}

export class PgBurnStore implements BurnStore {
  constructor(private readonly sql: Sql) {}

  async commit(batch: BurnBatch): Promise<RouteOutcome[]> {
    const { d, c, x } = batchColumns(batch);
    const rows = await this.sql<{ outcome: RouteOutcome }[]>`
      with
      d as (
        select v.* from unnest(${d.hash}::text[], ${d.route}::text[]::uuid[], ${d.org}::text[]::uuid[], ${d.kind}::text[], ${d.devAddr}::text[],
                               ${d.joinEui}::text[], ${d.devEui}::text[], ${d.fCnt}::text[]::int[], ${d.fPort}::text[]::int[],
                               ${d.bytes}::text[]::int[], ${d.heard}::text[]::int[], ${d.bought}::text[]::int[], ${d.over}::text[]::int[],
                               ${d.cost}::text[]::bigint[], ${d.drop}::text[], ${d.at}::text[]::bigint[], ${d.day}::text[]::date[])
          with ordinality as v(h, route, org, kind, da, je, de, fc, fp, pb, heard, bought, over, cost, drop_reason, at, day, idx)),
      payer as (
        select o.id, o.dc_balance from orgs o
        where o.id in (select org from d where drop_reason is null and cost > 0) order by o.id for update),
      s as (
        select d.*, case
            when d.drop_reason is not null then d.drop_reason
            when d.cost = 0 then 'forwarded'
            when sum(d.cost) over (partition by d.org order by d.idx) <= coalesce(p.dc_balance, 0) then 'forwarded'
            else 'insufficient_dc'
          end as outcome
        from d left join payer p on p.id = d.org),
      burn as (
        select org, sum(cost) as dc, sum(bought) as copies from s where outcome = 'forwarded' and cost > 0 group by org),
      balance as (
        update orgs set dc_balance = orgs.dc_balance - burn.dc from burn where orgs.id = burn.org
        returning orgs.id, orgs.dc_balance, burn.dc, burn.copies),
      ledger as (
        insert into dc_ledger (org_id, kind, amount_dc, balance_after_dc, copies, memo, created_at_ms)
        select id, 'burn', -dc, dc_balance, copies, 'router burn', ${batch.nowMs}::bigint from balance),
      copies as (
        insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
        select decode(s.h, 'hex'), s.route, s.org, c.hs, c.dc, c.rssi, c.snr, c.f, c.dr, c.at
        from unnest(${c.idx}::text[]::int[], ${c.hotspot}::text[], ${c.dc}::text[]::int[], ${c.rssi}::text[]::int[], ${c.snr}::text[]::real[],
                    ${c.freq}::text[]::bigint[], ${c.datr}::text[], ${c.at}::text[]::bigint[]) as c(didx, hs, dc, rssi, snr, f, dr, at)
        join s on s.idx = c.didx where s.outcome = 'forwarded'),
      packets as (
        insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, join_eui, dev_eui, f_cnt, f_port, payload_bytes,
                                    copies_heard, copies_bought, dc, status, received_at_ms)
        select decode(h, 'hex'), route, org, kind, da, je, de, fc, fp, pb, heard,
               case when outcome = 'forwarded' then bought else 0 end, case when outcome = 'forwarded' then cost else 0 end, outcome, at
        from s),
      stats as (
        insert into route_stats_daily (route_id, org_id, day, packets, copies, dc)
        select route, org, day, count(*), sum(bought), sum(cost) from s where outcome = 'forwarded' group by route, org, day
        on conflict (route_id, day) do update set packets = route_stats_daily.packets + excluded.packets,
          copies = route_stats_daily.copies + excluded.copies, dc = route_stats_daily.dc + excluded.dc),
      drops as (
        insert into route_drops_daily (route_id, org_id, day, reason, count)
        select route, org, day, reason, sum(n) from (
          select route, org, day, outcome as reason, count(*) as n from s where outcome <> 'forwarded' group by 1, 2, 3, 4
          union all
          select route, org, day, 'copy_over_max', sum(over) from s where outcome = 'forwarded' and over > 0 group by 1, 2, 3
          union all
          select * from unnest(${x.route}::text[]::uuid[], ${x.org}::text[]::uuid[], ${x.day}::text[]::date[], ${x.reason}::text[],
                               ${x.count}::text[]::bigint[])
        ) as all_drops(route, org, day, reason, n)
        group by route, org, day, reason
        on conflict (route_id, day, reason) do update set count = route_drops_daily.count + excluded.count)
      select outcome from s order by idx`;
    return rows.map((r) => r.outcome);
  }
}
