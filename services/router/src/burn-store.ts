/**
 * The burn batch on PostgreSQL, in two steps.
 *
 * commit (the critical path: the router forwards a batch's copies only after it returns) is ONE
 * statement, so one round trip and one implicit transaction whatever the batch size, and a small
 * one: the payers' balances are read `for update`, decisions are settled in arrival order per org
 * (a decision is paid while the running total of its org's costs in this batch stays within the
 * balance; from the first one that does not fit, the rest of that org's batch is
 * insufficient_dc), the balances are debited, one ledger row per paying org is written, and the
 * whole batch (decisions with their outcomes, bought copies, counted drops, copies heard after a
 * purchase) is appended to `burn_journal` as one row. Balances and the ledger are therefore exact at once, and every
 * bought copy is durable before it is forwarded.
 *
 * settle (background, off the critical path) expands journal rows into `packet_copies`, the
 * packet log and the daily stats and deletes them, in one statement: a row is expanded exactly
 * once even if the router crashes (the expansion and the delete commit together) or several
 * routers and the rewarder settle (they take turns on an advisory lock, so each sees what the one
 * before recorded). Expanding many batches per statement is also
 * cheaper per packet than expanding each on the critical path was.
 */
import { oldestUnsettledBurn, settleBurnJournal, type SettleResult } from '@cov/shared/routing/burn-journal';
import type { Sql } from '@cov/shared/db/client';
import type { BurnBatch, BurnStore } from './burn-batcher';
import { decisionDc, utcDay, type RouteOutcome } from './route-decision';

/**
 * The batch as JSON (PostgreSQL parses JSON faster than many text arrays): decisions numbered from
 * 1, each with its bought copies nested (so expanding them needs no join), and the extra drops.
 */
export function batchJson(batch: BurnBatch): { decisions: string; drops: string; lateCopies: string } {
  const decisions = batch.decisions.map((dec, i) => ({
    i: i + 1,
    h: dec.packetId,
    t: dec.purchaseIndex,
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
    ce: dec.countedElsewhere,
    dc: dec.dropReason ? 0 : decisionDc(dec),
    pc: dec.dcPerCopy,
    at: dec.receivedAtMs,
    d: utcDay(dec.receivedAtMs),
    c: dec.dropReason ? null : dec.bought.map((c) => ({ hs: c.hotspotAddress, rs: c.rssiDbm, sn: c.snrDb, f: c.frequencyHz, dr: c.dataRate, at: c.receivedAtMs })),
  }));
  const drops = batch.drops.map((x) => ({ r: x.routeId, o: x.orgId, d: x.day, re: x.reason, n: x.count }));
  const lateCopies = batch.lateCopies.map((x) => ({
    h: x.packetId,
    r: x.routeId,
    o: x.orgId,
    at: x.receivedAtMs,
    d: utcDay(x.receivedAtMs),
    n: x.count,
    f: x.forwarded,
    ...(x.endpointError ? { e: true } : {}),
  }));
  return { decisions: JSON.stringify(decisions), drops: JSON.stringify(drops), lateCopies: JSON.stringify(lateCopies) };
}

/** What the payment step needs of each decision, as one PostgreSQL array literal per column (cheap to parse). */
export function paymentArrays(batch: BurnBatch): { orgs: string; routes: string; dc: string; copies: string; drops: string } {
  const orgs: string[] = [];
  const routes: string[] = [];
  const dc: number[] = [];
  const copies: number[] = [];
  const drops: string[] = [];
  for (const dec of batch.decisions) {
    orgs.push(dec.route.orgId);
    routes.push(dec.route.id);
    dc.push(dec.dropReason ? 0 : decisionDc(dec));
    copies.push(dec.bought.length);
    drops.push(dec.dropReason ?? 'NULL');
  }
  // Ids are UUIDs (validated as such by the ::uuid[] casts) and drop reasons are fixed words: no quoting needed.
  return { orgs: `{${orgs.join(',')}}`, routes: `{${routes.join(',')}}`, dc: `{${dc.join(',')}}`, copies: `{${copies.join(',')}}`, drops: `{${drops.join(',')}}` };
}

export type { SettleResult };

export class PgBurnStore implements BurnStore {
  constructor(private readonly sql: Sql) {}

  async commit(batch: BurnBatch): Promise<RouteOutcome[]> {
    const pay = paymentArrays(batch);
    const { decisions, drops, lateCopies } = batchJson(batch);
    const [row] = await this.sql<{ outcomes: RouteOutcome[] | null }[]>`
      with
      d as (
        -- Route ids are only cast here, so that a malformed one fails the batch rather than its settlement.
        select * from unnest(${pay.orgs}::uuid[], ${pay.routes}::uuid[], ${pay.dc}::bigint[], ${pay.copies}::int[], ${pay.drops}::text[])
          with ordinality as d(o, r, dc, cb, dr, i)),
      payer as (
        select g.id, g.dc_balance from orgs g
        where g.id in (select d.o from d where d.dr is null and d.dc > 0) order by g.id for update),
      s as (
        select d.i, d.o, d.dc, d.cb, case
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
      journal as (
        insert into burn_journal (decisions, drops, late_copies, outcomes, created_at_ms)
        select ${decisions}, ${drops}, ${lateCopies}, coalesce(array_agg(outcome order by i), '{}'), ${batch.nowMs}::bigint from s)
      select array_agg(outcome order by i) as outcomes from s`;
    // One array rather than a row per decision: fewer objects for the client to build on the critical path.
    return row?.outcomes ?? [];
  }

  /** Expands up to `maxRows` journal rows (oldest first, none of `skipIds`) and deletes them, in one transaction. */
  settle(maxRows: number, skipIds: readonly number[] = []): Promise<SettleResult> {
    return settleBurnJournal(this.sql, maxRows, skipIds);
  }

  /** The oldest journal row not in `skipIds` (to set aside a row that cannot be settled). */
  oldestUnsettled(skipIds: readonly number[]): Promise<number | null> {
    return oldestUnsettledBurn(this.sql, skipIds);
  }

  /** Journal rows not settled yet (monitoring, tests). */
  async unsettledRows(): Promise<number> {
    const [row] = await this.sql<{ n: number }[]>`select count(*)::int as n from burn_journal`;
    return row?.n ?? 0;
  }
}
