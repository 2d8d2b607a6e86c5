/**
 * The burn journal's second half (the router's burn-store.ts writes the first): expanding journal
 * rows into bought-copy records (`packet_copies`, what data-transfer rewards are paid from), the
 * per-route packet log, the daily route stats and the org's per-hotspot daily totals, deleting each row in the same statement, so each
 * row is expanded exactly once. Any number of routers and the rewarder may settle; they take turns
 * (see `settleBurnJournal`). The rewarder settles before it pays an epoch, so a burn a crashed
 * router journaled is paid for even if no router runs.
 *
 * A packet may be bought on a route in several purchases. The router buys what its dedup window
 * holds shortly before the window closes, so that the burn is committed by the close and the
 * packet forwarded at once instead of waiting there for a database round trip; copies heard after
 * that, while the route still has room (max_copies), are bought in later purchases, each journaled
 * only once the one before it was paid. A decision's `t` numbers its purchase: t = 0 is the first
 * (journal rows written before purchases were numbered have none: 0), and it alone makes the
 * packet's log row (its status is the packet's) and counts a packet in the stats. A later one adds
 * its copies and DC to that row (when paid) and to the stats, and raises the row's copies heard to
 * its own. Copies heard after the route's last purchase ("late copies", in a later journal row
 * still) are added to the row's copies heard. A paid packet its endpoint did not take comes the
 * same way (a late entry `e` with no copies) and turns the row's status from forwarded to
 * endpoint_error. All go into the row as it is inserted when the first purchase settles in the
 * same run, and update it in place when that settled earlier.
 */
import type postgres from 'postgres';
import type { Sql } from '../db/client';

/** The pool or a transaction. */
type Queryable = postgres.ISql;

// Serialises settlers between processes (pg advisory lock key, "burn-stl").
const SETTLE_LOCK = '7094702605526594668';

export interface SettleResult {
  /** Journal rows expanded (and deleted). */
  rows: number;
  /** Decisions (purchases, of any index) in those rows. */
  decisions: number;
}

/**
 * Expands up to `maxRows` journal rows (oldest first, none of `skipIds`) and deletes them, in one
 * transaction.
 *
 * Settlers take turns, on an advisory lock, and only then start the statement. A statement that
 * started while another settler's was still running would read the packet log as it was before
 * that one committed: a later purchase or late copies of a packet whose first purchase the other
 * settler was recording would find no log row to add to. Under READ COMMITTED the statement that
 * follows the lock sees everything settled before it. Rows are also taken in order (`for update`,
 * not `skip locked`), so a row is never settled before an older one someone else holds.
 */
export async function settleBurnJournal(sql: Sql, maxRows: number, skipIds: readonly number[] = []): Promise<SettleResult> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${SETTLE_LOCK}::int8)`;
    return settleStatement(tx, maxRows, skipIds);
  });
}

async function settleStatement(sql: Queryable, maxRows: number, skipIds: readonly number[]): Promise<SettleResult> {
  const [row] = await sql<{ rows: number; decisions: number }[]>`
    with
    j as (
      delete from burn_journal where id in (
        select id from burn_journal where id <> all(${`{${skipIds.join(',')}}`}::bigint[]) order by id limit ${maxRows} for update)
      returning id, decisions, drops, late_copies, outcomes),
    -- first: true for a packet's first purchase on its route, null (not false) for a later one. Without
    -- statistics on these rows the planner takes "is not null" to hold for nearly all of them and "is
    -- null" for nearly none, which is the common case: so the packet log below hashes the few later
    -- purchases and late copies and reads the decisions in order, as it would with no later purchases.
    s as (
      select j.id as jid, v.i, v.h, case when coalesce(v.t, 0) = 0 then true end as first, v.r, v.o, v.k, v.da, v.je, v.de, v.fc, v.fp, v.pb,
             v.ch, v.cb, v.ov, v.dc, v.pc, v.at, v.d, v.c, v.ce, j.outcomes[v.i] as outcome
      from j cross join lateral json_to_recordset(j.decisions::json) as v(i int, h text, t int, r uuid, o uuid, k text, da text, je text, de text,
                                                                        fc int, fp int, pb int, ch int, cb int, ov int, dc bigint, pc int, at bigint, d date, c json, ce boolean)),
    -- Copies heard after a packet's last purchase on a route, and (e) paid packets the route's endpoint
    -- did not take; its purchases are in this run or an earlier one.
    late as (
      select l.h, l.r, l.o, l.at, l.d, l.f, sum(l.n)::int as n, bool_or(coalesce(l.e, false)) as e
      from j cross join lateral json_to_recordset(j.late_copies::json) as l(h text, r uuid, o uuid, at bigint, d date, n int, f boolean, e boolean)
      group by 1, 2, 3, 4, 5, 6),
    -- What later purchases and late copies add to a packet's log row, one row per log row (packet,
    -- route and first copy's time): the most copies heard at a later purchase, the copies and DC of
    -- the paid ones, the late copies, whether a delivery failed. Empty in the common case (one
    -- purchase, no late copies, the endpoint took it).
    more as (
      select h, r, at, max(ch) as ch, sum(cb)::int as cb, sum(dc)::int as dc, sum(n)::int as n, bool_or(e) as e from (
        select h, r, at, ch, case when outcome = 'forwarded' then cb else 0 end, case when outcome = 'forwarded' then dc else 0 end, 0, false
        from s where first is null
        union all
        select h, r, at, null, 0, 0, n, e from late
      ) as x(h, r, at, ch, cb, dc, n, e)
      group by h, r, at),
    -- Every paid copy, expanded once for its record and for the org's per-hotspot daily totals.
    bought as (
      select s.h, s.r, s.o, s.pc, s.d, c.hs, c.rs, c.sn, c.f, c.dr, c.at
      from s cross join lateral json_to_recordset(s.c) as c(hs text, rs int, sn real, f bigint, dr text, at bigint)
      where s.outcome = 'forwarded'),
    copies as (
      insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
      select decode(h, 'hex'), r, o, hs, pc, rs, sn, f, dr, at from bought),
    -- Which hotspots carry the org's traffic: one row per (org, day, hotspot, route) and statement.
    carried as (
      insert into org_hotspots_daily (org_id, day, hotspot_address, route_id, copies, dc, last_at_ms)
      select o, d, hs, r, count(*), sum(pc), max(at) from bought group by o, d, hs, r order by o, d, hs, r
      on conflict (org_id, day, hotspot_address, route_id) do update set copies = org_hotspots_daily.copies + excluded.copies,
        dc = org_hotspots_daily.dc + excluded.dc, last_at_ms = greatest(org_hotspots_daily.last_at_ms, excluded.last_at_ms)),
    -- The log row, made by the first purchase with what its later purchases and late copies add in this
    -- run. The first copy's time is matched by "is not distinct from" (never null) rather than "=", so that
    -- it is checked on the few rows the hash finds rather than made a third hash key, which the planner,
    -- without statistics, would cost high enough to sort every decision instead.
    packets as (
      insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, join_eui, dev_eui, f_cnt, f_port, payload_bytes,
                                  copies_heard, copies_bought, dc, status, received_at_ms)
      select decode(s.h, 'hex'), s.r, s.o, s.k, s.da, s.je, s.de, s.fc, s.fp, s.pb, greatest(s.ch, m.ch) + coalesce(m.n, 0),
             case when s.outcome = 'forwarded' then s.cb else 0 end + coalesce(m.cb, 0),
             case when s.outcome = 'forwarded' then s.dc else 0 end + coalesce(m.dc, 0),
             case when m.e and s.outcome = 'forwarded' then 'endpoint_error' else s.outcome end, s.at
      from s left join more m on m.h = s.h and m.r = s.r and m.at is not distinct from s.at
      where s.first is not null order by s.jid, s.i),
    -- Packets whose first purchase settled in an earlier run: their log row is there to update (found
    -- by its route and time index), once with all that this run adds to it (PostgreSQL applies one
    -- modification per row and statement, so later purchases and late copies must not update it apart).
    -- Should the first purchase's row have been set aside (a row the database refused), no log row is
    -- found and the log keeps what the others recorded; the stats and drops below count anyway.
    logged as (
      update routed_packets p set copies_heard = greatest(p.copies_heard, m.ch) + m.n, copies_bought = p.copies_bought + m.cb, dc = p.dc + m.dc,
        status = case when m.e and p.status = 'forwarded' then 'endpoint_error' else p.status end
      from more m
      where p.route_id = m.r and p.received_at_ms = m.at and p.packet_hash = decode(m.h, 'hex')
        and not exists (select 1 from s where s.h = m.h and s.r = m.r and s.at = m.at and s.first)),
    -- A packet is counted by its first purchase (with several routers, by the first router's: ce marks
    -- the others'); copies and DC by every paid purchase.
    stats as (
      insert into route_stats_daily (route_id, org_id, day, packets, copies, dc)
      select r, o, d, count(first) filter (where ce is not true), sum(cb), sum(dc) from s where outcome = 'forwarded' group by r, o, d order by r, d
      on conflict (route_id, day) do update set packets = route_stats_daily.packets + excluded.packets,
        copies = route_stats_daily.copies + excluded.copies, dc = route_stats_daily.dc + excluded.dc),
    -- A purchase not paid is one drop of its reason, whichever purchase it was (a later one leaves the packet forwarded).
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

/** The settle steps on one pool, as the settler drives them (each settle is its own transaction). */
export function burnJournalStore(sql: Sql) {
  return {
    settle: (maxRows: number, skipIds: readonly number[]) => settleBurnJournal(sql, maxRows, skipIds),
    oldestUnsettled: (skipIds: readonly number[]) => oldestUnsettledBurn(sql, skipIds),
  };
}
