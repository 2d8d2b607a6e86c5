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

/** The batch as one text array per column (the statement casts them), decisions numbered from 1. */
/** The batch as JSON row sets (one parameter each; PostgreSQL parses JSON faster than many text arrays). */
export function batchJson(batch: BurnBatch): { decisions: string; copies: string; drops: string } {
  const decisions: unknown[] = [];
  const copies: unknown[] = [];
  batch.decisions.forEach((dec, i) => {
    decisions.push({
      i: i + 1,
      h: dec.packetId,
      r: dec.route.id,
      o: dec.route.orgId,
      k: dec.kind,
      da: dec.devAddr,
      je: dec.joinEui,
      de: dec.devEui,
      fc: dec.fCnt,
      fp: dec.fPort,
      pb: dec.payloadBytes,
      ch: dec.copiesHeard,
      cb: dec.bought.length,
      ov: dec.overMax,
      dc: dec.dropReason ? 0 : decisionDc(dec),
      dr: dec.dropReason ?? null,
      at: dec.receivedAtMs,
      d: utcDay(dec.receivedAtMs),
    });
    if (dec.dropReason) return;
    for (const c of dec.bought) {
      copies.push({ i: i + 1, hs: c.hotspotAddress, dc: dec.dcPerCopy, rs: c.rssiDbm, sn: c.snrDb, f: c.frequencyHz, dr: c.dataRate, at: c.receivedAtMs });
    }
  });
  const drops = batch.drops.map((x) => ({ r: x.routeId, o: x.orgId, d: x.day, re: x.reason, n: x.count }));
  return { decisions: JSON.stringify(decisions), copies: JSON.stringify(copies), drops: JSON.stringify(drops) };
}

export class PgBurnStore implements BurnStore {
  constructor(private readonly sql: Sql) {}

  async commit(batch: BurnBatch): Promise<RouteOutcome[]> {
    const { decisions, copies, drops } = batchJson(batch);
    const rows = await this.sql<{ outcome: RouteOutcome }[]>`
      with
      d as (
        select * from json_to_recordset(${decisions}::json) as v(i bigint, h text, r uuid, o uuid, k text, da text, je text, de text, fc int, fp int,
                                                                  pb int, ch int, cb int, ov int, dc bigint, dr text, at bigint, d date)),
      payer as (
        select g.id, g.dc_balance from orgs g
        where g.id in (select d.o from d where d.dr is null and d.dc > 0) order by g.id for update),
      s as (
        select d.*, case
            when d.dr is not null then d.dr
            when d.dc = 0 then 'forwarded'
            when sum(d.dc) over (partition by d.o order by d.i) <= coalesce(p.dc_balance, 0) then 'forwarded'
            else 'insufficient_dc'
          end as outcome
        from d left join payer p on p.id = d.o),
      burn as (
        select o as org, sum(dc) as dc, sum(cb) as copies from s where outcome = 'forwarded' and dc > 0 group by o),
      balance as (
        update orgs set dc_balance = orgs.dc_balance - burn.dc from burn where orgs.id = burn.org
        returning orgs.id, orgs.dc_balance, burn.dc, burn.copies),
      ledger as (
        insert into dc_ledger (org_id, kind, amount_dc, balance_after_dc, copies, memo, created_at_ms)
        select id, 'burn', -dc, dc_balance, copies, 'router burn', ${batch.nowMs}::bigint from balance),
      copies as (
        insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
        select decode(s.h, 'hex'), s.r, s.o, c.hs, c.dc, c.rs, c.sn, c.f, c.dr, c.at
        from json_to_recordset(${copies}::json) as c(i bigint, hs text, dc int, rs int, sn real, f bigint, dr text, at bigint)
        join s on s.i = c.i where s.outcome = 'forwarded'),
      packets as (
        insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, join_eui, dev_eui, f_cnt, f_port, payload_bytes,
                                    copies_heard, copies_bought, dc, status, received_at_ms)
        select decode(h, 'hex'), r, o, k, da, je, de, fc, fp, pb, ch,
               case when outcome = 'forwarded' then cb else 0 end, case when outcome = 'forwarded' then dc else 0 end, outcome, at
        from s),
      stats as (
        insert into route_stats_daily (route_id, org_id, day, packets, copies, dc)
        select r, o, d, count(*), sum(cb), sum(dc) from s where outcome = 'forwarded' group by r, o, d
        on conflict (route_id, day) do update set packets = route_stats_daily.packets + excluded.packets,
          copies = route_stats_daily.copies + excluded.copies, dc = route_stats_daily.dc + excluded.dc),
      drops as (
        insert into route_drops_daily (route_id, org_id, day, reason, count)
        select route, org, day, reason, sum(n) from (
          select r, o, d, outcome, count(*) from s where outcome <> 'forwarded' group by 1, 2, 3, 4
          union all
          select r, o, d, 'copy_over_max', sum(ov) from s where outcome = 'forwarded' and ov > 0 group by 1, 2, 3
          union all
          select r, o, d, re, n from json_to_recordset(${drops}::json) as x(r uuid, o uuid, d date, re text, n bigint)
        ) as all_drops(route, org, day, reason, n)
        group by route, org, day, reason
        on conflict (route_id, day, reason) do update set count = route_drops_daily.count + excluded.count)
      select outcome from s order by i`;
    return rows.map((r) => r.outcome);
  }
}
