/**
 * The burn journal's second half (the router's burn-store.ts writes the first): expanding journal
 * rows into bought-copy records (`packet_copies`, what data-transfer rewards are paid from), the
 * per-route packet log and the daily route stats, deleting each row in the same statement. Rows
 * are taken `for update skip locked`, so any number of routers and the rewarder may settle at once
 * and each row is expanded exactly once. The rewarder settles before it pays an epoch, so a burn a
 * crashed router journaled is paid for even if no router runs.
 */
import type postgres from 'postgres';

/** The pool or a transaction. */
type Queryable = postgres.ISql;

export interface SettleResult {
  /** Journal rows expanded (and deleted). */
  rows: number;
  decisions: number;
}

/** Expands up to `maxRows` journal rows (oldest first, none of `skipIds`) and deletes them, in one transaction. */
export async function settleBurnJournal(sql: Queryable, maxRows: number, skipIds: readonly number[] = []): Promise<SettleResult> {
  const [row] = await sql<{ rows: number; decisions: number }[]>`
    with
    j as (
      delete from burn_journal where id in (
        select id from burn_journal where id <> all(${`{${skipIds.join(',')}}`}::bigint[]) order by id limit ${maxRows} for update skip locked)
      returning id, decisions, drops, late_copies, outcomes),
    s as (
      select j.id as jid, v.*, j.outcomes[v.i] as outcome
      from j cross join lateral json_to_recordset(j.decisions::json) as v(i int, h text, r uuid, o uuid, k text, da text, je text, de text,
                                                                        fc int, fp int, pb int, ch int, cb int, ov int, dc bigint, pc int, at bigint, d date, c json)),
    -- Copies heard after a packet's purchase, per packet and route; its decision is in this run or an earlier one.
    late as (
      select l.h, l.r, l.o, l.at, l.d, l.f, sum(l.n)::int as n
      from j cross join lateral json_to_recordset(j.late_copies::json) as l(h text, r uuid, o uuid, at bigint, d date, n int, f boolean)
      group by 1, 2, 3, 4, 5, 6),
    copies as (
      insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
      select decode(s.h, 'hex'), s.r, s.o, c.hs, s.pc, c.rs, c.sn, c.f, c.dr, c.at
      from s cross join lateral json_to_recordset(s.c) as c(hs text, rs int, sn real, f bigint, dr text, at bigint)
      where s.outcome = 'forwarded'),
    packets as (
      insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, join_eui, dev_eui, f_cnt, f_port, payload_bytes,
                                  copies_heard, copies_bought, dc, status, received_at_ms)
      select decode(s.h, 'hex'), s.r, s.o, s.k, s.da, s.je, s.de, s.fc, s.fp, s.pb, s.ch + coalesce(l.n, 0),
             case when s.outcome = 'forwarded' then s.cb else 0 end, case when s.outcome = 'forwarded' then s.dc else 0 end, s.outcome, s.at
      from s left join late l on l.h = s.h and l.r = s.r order by s.jid, s.i),
    -- Packets settled in an earlier run: their log row is there to update (found by its route and time index).
    -- Should another settler hold the decision's row at this moment (or have set it aside), no row is
    -- found and the log keeps the copies heard at the purchase; the copy_over_max drops below count anyway.
    late_logged as (
      update routed_packets p set copies_heard = p.copies_heard + l.n
      from late l
      where p.route_id = l.r and p.received_at_ms = l.at and p.packet_hash = decode(l.h, 'hex')
        and not exists (select 1 from s where s.h = l.h and s.r = l.r)),
    stats as (
      insert into route_stats_daily (route_id, org_id, day, packets, copies, dc)
      select r, o, d, count(*), sum(cb), sum(dc) from s where outcome = 'forwarded' group by r, o, d order by r, d
      on conflict (route_id, day) do update set packets = route_stats_daily.packets + excluded.packets,
        copies = route_stats_daily.copies + excluded.copies, dc = route_stats_daily.dc + excluded.dc),
    drops as (
      insert into route_drops_daily (route_id, org_id, day, reason, count)
      select route, org, day, reason, sum(n) from (
        select r, o, d, outcome, count(*) from s where outcome <> 'forwarded' group by 1, 2, 3, 4
        union all
        select r, o, d, 'copy_over_max', sum(ov) from s where outcome = 'forwarded' and ov > 0 group by 1, 2, 3
        union all
        select r, o, d, 'copy_over_max', sum(n) from late where f group by 1, 2, 3
        union all
        select x.r, x.o, x.d, x.re, x.n from j cross join lateral json_to_recordset(j.drops::json) as x(r uuid, o uuid, d date, re text, n bigint)
      ) as all_drops(route, org, day, reason, n)
      group by route, org, day, reason order by route, day, reason
      on conflict (route_id, day, reason) do update set count = route_drops_daily.count + excluded.count)
    select (select count(*) from j)::int as rows, (select count(*) from s)::int as decisions`;
  return { rows: row?.rows ?? 0, decisions: row?.decisions ?? 0 };
}

/** Journal rows still holding a decision received before `endMs` (copies a reward epoch must not miss). */
export async function unsettledBurnsBefore(sql: Queryable, endMs: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from burn_journal j
    where exists (select 1 from json_to_recordset(j.decisions::json) as v(at bigint) where v.at < ${endMs}::bigint)`;
  return row?.n ?? 0;
}

/** The oldest journal row not in `skipIds` (to set aside a row that cannot be settled). */
export async function oldestUnsettledBurn(sql: Queryable, skipIds: readonly number[]): Promise<number | null> {
  const [row] = await sql<{ id: number }[]>`
    select id::float8 as id from burn_journal where id <> all(${`{${skipIds.join(',')}}`}::bigint[]) order by id limit 1`;
  return row?.id ?? null;
}

/** The settle steps on one pool or transaction, as the settler drives them. */
export function burnJournalStore(sql: Queryable) {
  return {
    settle: (maxRows: number, skipIds: readonly number[]) => settleBurnJournal(sql, maxRows, skipIds),
    oldestUnsettled: (skipIds: readonly number[]) => oldestUnsettledBurn(sql, skipIds),
  };
}
