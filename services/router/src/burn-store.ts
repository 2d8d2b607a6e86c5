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

type Text = string | null;

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

export class PgBurnStore implements BurnStore {
  constructor(private readonly sql: Sql) {}

  async commit(batch: BurnBatch): Promise<RouteOutcome[]> {
    return this.sql.begin(async (tx) => {
      const payers = [...new Set(batch.decisions.filter((d) => !d.dropReason && decisionDc(d) > 0).map((d) => d.route.orgId))].sort();
      const before = new Map<string, number>();
      if (payers.length > 0) {
        const rows = await tx<{ id: string; dc_balance: bigint }[]>`
          select id, dc_balance from orgs where id = any(${payers}::uuid[]) order by id for update`;
        for (const r of rows) before.set(r.id, Number(r.dc_balance));
      }
      const after = new Map(before);
      const outcomes = settleBalances(batch, after);

      // Ledger: one burn row per org per batch.
      const burned = new Map<string, { dc: number; copies: number }>();
      batch.decisions.forEach((d, i) => {
        if (outcomes[i] !== 'forwarded') return;
        const dc = decisionDc(d);
        if (dc === 0) return;
        const b = burned.get(d.route.orgId) ?? { dc: 0, copies: 0 };
        b.dc += dc;
        b.copies += d.bought.length;
        burned.set(d.route.orgId, b);
      });
      if (burned.size > 0) {
        const ids = [...burned.keys()];
        const balancesAfter = ids.map((id) => String(after.get(id)));
        await tx`
          update orgs set dc_balance = v.bal::bigint
          from unnest(${ids}::uuid[], ${balancesAfter}::text[]) as v(id, bal)
          where orgs.id = v.id`;
        await tx`
          insert into dc_ledger (org_id, kind, amount_dc, balance_after_dc, copies, memo, created_at_ms)
          select v.id, 'burn', -(v.dc::bigint), v.bal::bigint, v.copies::int, 'router burn', ${batch.nowMs}::bigint
          from unnest(${ids}::uuid[], ${ids.map((id) => String(burned.get(id)!.dc))}::text[], ${balancesAfter}::text[],
                      ${ids.map((id) => String(burned.get(id)!.copies))}::text[]) as v(id, dc, bal, copies)`;
      }

      // Bought copies (data-transfer rewards).
      const copies = { hash: [] as string[], route: [] as string[], org: [] as string[], hotspot: [] as string[], dc: [] as string[], rssi: [] as string[], snr: [] as string[], freq: [] as string[], datr: [] as string[], at: [] as string[] };
      batch.decisions.forEach((d, i) => {
        if (outcomes[i] !== 'forwarded') return;
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
      });
      if (copies.hash.length > 0) {
        await tx`
          insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
          select decode(v.h, 'hex'), v.r::uuid, v.o::uuid, v.hs, v.dc::int, v.rssi::int, v.snr::real, v.f::bigint, v.dr, v.at::bigint
          from unnest(${copies.hash}::text[], ${copies.route}::text[], ${copies.org}::text[], ${copies.hotspot}::text[], ${copies.dc}::text[],
                      ${copies.rssi}::text[], ${copies.snr}::text[], ${copies.freq}::text[], ${copies.datr}::text[], ${copies.at}::text[])
               as v(h, r, o, hs, dc, rssi, snr, f, dr, at)`;
      }

      // Packet log: one row per decision, whatever its outcome.
      if (batch.decisions.length > 0) {
        const col = <T>(f: (d: (typeof batch.decisions)[number], i: number) => T) => batch.decisions.map(f);
        const str = (v: number | null): Text => (v === null ? null : String(v));
        await tx`
          insert into routed_packets (packet_hash, route_id, org_id, kind, dev_addr, join_eui, dev_eui, f_cnt, f_port, payload_bytes,
                                      copies_heard, copies_bought, dc, status, received_at_ms)
          select decode(v.h, 'hex'), v.r::uuid, v.o::uuid, v.k, v.da, v.je, v.de, v.fc::int, v.fp::int, v.pb::int,
                 v.ch::int, v.cb::int, v.dc::int, v.st, v.at::bigint
          from unnest(${col((d) => d.packetId)}::text[], ${col((d) => d.route.id)}::text[], ${col((d) => d.route.orgId)}::text[],
                      ${col((d) => d.kind)}::text[], ${col((d) => d.devAddr)}::text[], ${col((d) => d.joinEui)}::text[],
                      ${col((d) => d.devEui)}::text[], ${col((d) => str(d.fCnt))}::text[], ${col((d) => str(d.fPort))}::text[],
                      ${col((d) => String(d.payloadBytes))}::text[], ${col((d) => String(d.copiesHeard))}::text[],
                      ${col((d, i) => String(outcomes[i] === 'forwarded' ? d.bought.length : 0))}::text[],
                      ${col((d, i) => String(outcomes[i] === 'forwarded' ? decisionDc(d) : 0))}::text[],
                      ${col((_d, i) => outcomes[i]!)}::text[], ${col((d) => String(d.receivedAtMs))}::text[])
               as v(h, r, o, k, da, je, de, fc, fp, pb, ch, cb, dc, st, at)`;
      }

      // Daily stats and drops per route.
      const stats = new Map<string, { route: string; org: string; day: string; packets: number; copies: number; dc: number }>();
      const drops = new Map<string, { route: string; org: string; day: string; reason: string; count: number }>();
      const addDrop = (route: string, org: string, day: string, reason: string, count: number) => {
        if (count <= 0) return;
        const key = `${route}|${day}|${reason}`;
        const e = drops.get(key) ?? { route, org, day, reason, count: 0 };
        e.count += count;
        drops.set(key, e);
      };
      batch.decisions.forEach((d, i) => {
        const day = utcDay(d.receivedAtMs);
        const outcome = outcomes[i]!;
        if (outcome === 'forwarded') {
          const key = `${d.route.id}|${day}`;
          const s = stats.get(key) ?? { route: d.route.id, org: d.route.orgId, day, packets: 0, copies: 0, dc: 0 };
          s.packets += 1;
          s.copies += d.bought.length;
          s.dc += decisionDc(d);
          stats.set(key, s);
          addDrop(d.route.id, d.route.orgId, day, 'copy_over_max', d.overMax);
        } else {
          addDrop(d.route.id, d.route.orgId, day, outcome, 1);
        }
      });
      for (const x of batch.drops) addDrop(x.routeId, x.orgId, x.day, x.reason, x.count);
      if (stats.size > 0) {
        const s = [...stats.values()];
        await tx`
          insert into route_stats_daily (route_id, org_id, day, packets, copies, dc)
          select v.r::uuid, v.o::uuid, v.d::date, v.p::bigint, v.c::bigint, v.dc::bigint
          from unnest(${s.map((x) => x.route)}::text[], ${s.map((x) => x.org)}::text[], ${s.map((x) => x.day)}::text[],
                      ${s.map((x) => String(x.packets))}::text[], ${s.map((x) => String(x.copies))}::text[], ${s.map((x) => String(x.dc))}::text[])
               as v(r, o, d, p, c, dc)
          on conflict (route_id, day) do update set packets = route_stats_daily.packets + excluded.packets,
            copies = route_stats_daily.copies + excluded.copies, dc = route_stats_daily.dc + excluded.dc`;
      }
      if (drops.size > 0) {
        const x = [...drops.values()];
        await tx`
          insert into route_drops_daily (route_id, org_id, day, reason, count)
          select v.r::uuid, v.o::uuid, v.d::date, v.re, v.c::bigint
          from unnest(${x.map((e) => e.route)}::text[], ${x.map((e) => e.org)}::text[], ${x.map((e) => e.day)}::text[],
                      ${x.map((e) => e.reason)}::text[], ${x.map((e) => String(e.count))}::text[]) as v(r, o, d, re, c)
          on conflict (route_id, day, reason) do update set count = route_drops_daily.count + excluded.count`;
      }
      return outcomes;
    }) as Promise<RouteOutcome[]>;
  }
}
