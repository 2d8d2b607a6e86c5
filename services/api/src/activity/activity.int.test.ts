import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToLatLng, cellToParent, latLngToCell } from 'h3-js';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { allPages } from '@cov/app/testing/keyset-pages';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { ACTIVITY_TYPES, sourceAfter, TYPE_RANK, type ActivityType } from './activity-page';
import { activitySql } from './activity-repository';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The crowded millisecond: a location assertion, three beacons and two witnesses at once. */
const CROWDED = NOW - DAY;
const iso = (ms: number) => new Date(ms).toISOString();

/** What the feed says an item is, in one short string, to compare whole feeds. */
function label(item: Record<string, unknown>): string {
  const id = item.beaconId ?? item.nonce ?? item.epoch ?? '';
  const more = item.type === 'witness' || item.type === 'witness_stale' ? `/${String(item.witnessId)}` : item.type === 'flagged' ? `/${String(item.kind)}` : '';
  return `${String(item.time)} ${String(item.type)} ${String(id)}${more}`;
}

describe.each(['postgres', 'embedded'] as const)("a hotspot's activity (%s)", (mode) => {
  let node: TestNode;
  let epochLengthMs: number;
  const clock = new ManualClock(NOW);
  const [a, b] = [0, 1].map((i) => keypairFromLabel(`activity/${mode}/${i}`)) as [ReturnType<typeof keypairFromLabel>, ReturnType<typeof keypairFromLabel>];
  const [firstOwner, secondOwner] = [keypairFromLabel(`activity/${mode}/owner-1`).address, keypairFromLabel(`activity/${mode}/owner-2`).address];
  const cells = [latLngToCell(39.74, -104.99, 12), latLngToCell(39.75, -104.98, 12)] as const;
  let paidEpoch: number;
  const get = async (path: string) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };
  const feedOf = (address: string, query = '') => `/v1/hotspots/${address}/activity?${query}`;
  const everyPage = (address: string, query: string) => allPages<Record<string, unknown>>(async (cursor) => get(`${feedOf(address, query)}${cursor ? `&cursor=${cursor}` : ''}`));

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    epochLengthMs = node.config.EPOCH_LENGTH_MS;
    const { sql } = node.ctx.database;
    await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-00000000000a', 'm', now())`;
    // A was onboarded with microseconds in its time: the feed shows the millisecond it falls in.
    await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, onboarded_at)
      values (${a.address}, ${Buffer.from(a.binaryKey)}, ${secondOwner}, '00000000-0000-0000-0000-00000000000a', 'full', 'AC00000000000001', ${iso(NOW - 5 * DAY).replace('Z', '123Z')})`;
    await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, onboarded_at)
      values (${b.address}, ${Buffer.from(b.binaryKey)}, ${firstOwner}, '00000000-0000-0000-0000-00000000000a', 'data_only', 'AC00000000000002', ${iso(NOW - 6 * DAY)})`;
    const assertion = (nonce: number, cell: string, at: string) =>
      sql`insert into location_assertions (hotspot_address, nonce, owner_address, location_cell, gain_dbi_x10, elevation_m, region, signature, asserted_at)
        values (${a.address}, ${nonce}, ${firstOwner}, ${cell}, ${nonce === 1 ? 12 : 35}, ${nonce * 10}, 'US915', ${Buffer.alloc(64)}, ${at})`;
    await assertion(1, cells[0], iso(NOW - 4 * DAY).replace('Z', '400Z'));
    await assertion(2, cells[1], iso(CROWDED));
    await sql`insert into hotspot_transfers (hotspot_address, nonce, from_owner, to_owner, signature, transferred_at)
      values (${a.address}, 1, ${firstOwner}, ${secondOwner}, ${Buffer.alloc(64)}, ${iso(NOW - 3 * DAY)})`;
    const beacon = (beaconId: string, hotspot: string, at: number, valid = true) =>
      sql`insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell, witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms)
        values (${beaconId}, ${hotspot}, ${at}, ${Math.floor(at / epochLengthMs)}, ${valid}, ${valid ? null : 'gateway_no_valid_witnesses'}, '{}'::jsonb, null, 2, ${valid ? 1 : 0}, ${valid ? 1 : 0}, 0, ${at + 60_000})`;
    for (const id of ['b-1', 'b-3', 'b-2']) await beacon(id, a.address, CROWDED, id !== 'b-2');
    await beacon('b-0', a.address, NOW - 6 * HOUR);
    // At the edges of the default range: eight days ago (before it) and now (its exclusive end).
    await beacon('b-old', a.address, NOW - 8 * DAY);
    await beacon('b-now', a.address, NOW);
    await beacon('b-of-b', b.address, CROWDED);
    for (const [witnessId, valid] of [['w-1', true], ['w-2', false]] as const) {
      await sql`insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details, selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell)
        values ('b-of-b', ${witnessId}, ${a.address}, ${b.address}, ${CROWDED}, ${Math.floor(CROWDED / epochLengthMs)}, ${valid}, ${valid ? null : 'too_close'}, '{}'::jsonb, ${valid}, ${valid ? -1055 : -400}, ${valid ? 75 : 120}, ${valid ? 2400 : null}, null)`;
    }
    // A witness report no beacon claimed, aged out half an hour later.
    await sql`insert into stale_witnesses (witness_id, hotspot_address, received_at_ms, epoch, reason, details, aged_out_at_ms)
      values ('sw-1', ${a.address}, ${NOW - 2 * HOUR}, ${Math.floor((NOW - 2 * HOUR) / epochLengthMs)}, 'stale', '{"cause":"no_beacon","beaconId":null}'::jsonb, ${NOW - 90 * 60_000})`;
    // The epoch that ended at midnight before NOW is paid under a downgrade policy and A was flagged in it;
    // A was also flagged in the epoch before, which is not paid.
    paidEpoch = Math.floor(NOW / epochLengthMs) - 1;
    const [set] = await sql<{ id: number }[]>`insert into reward_parameter_sets (effective_from_epoch, params, params_hash, created_at_ms) values (0, '{"fraudPolicy":"downgrade"}', 'h', 0) returning id`;
    await sql`insert into reward_epochs (epoch, start_ms, end_ms, parameter_set_id, manifest_hash, signature, oracle_public_key, merkle_root, file_name, emission, hotspots_rewarded,
        beacon_amount, witness_amount, data_amount, operations_amount, oracles_amount, unallocated_amount, dc_burned, dc_burned_usd, token_price_usd, emitted_usd, summary, document_gz, computed_at_ms)
      values (${paidEpoch}, ${paidEpoch * epochLengthMs}, ${(paidEpoch + 1) * epochLengthMs}, ${set!.id}, 'h', 's', 'k', 'r', 'f', 1000, 1, 0, 0, 0, 0, 0, 0, 0, '0', '1', '0', '{}', ${Buffer.alloc(1)}, ${NOW - HOUR})`;
    await sql`insert into hotspot_epoch_rewards (hotspot_address, epoch, beacon_amount, witness_amount, data_amount, beacon_shares_e8, witness_shares_e8, data_dc, lifetime_amount)
      values (${a.address}, ${paidEpoch}, '9007199254740993', 20, 3, 0, 0, 0, 0)`;
    await sql`insert into fraud_flags (epoch, hotspot_address, kind, score, evidence) values (${paidEpoch}, ${a.address}, 'gaming_ring', 0.5, '{}'::jsonb), (${paidEpoch - 1}, ${a.address}, 'replayer', 0.9, '{}'::jsonb)`;
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('lists everything that happened to the hotspot in the range, newest first, in one list', async () => {
    const res = await get(feedOf(a.address));
    expect(res.status).toBe(200);
    const paidEnd = (paidEpoch + 1) * epochLengthMs;
    expect(res.body.data.map(label)).toEqual([
      `${iso(NOW - 2 * HOUR)} witness_stale /sw-1`,
      `${iso(NOW - 6 * HOUR)} beacon b-0`,
      `${iso(paidEnd)} rewarded ${paidEpoch}`,
      `${iso(paidEnd)} flagged ${paidEpoch}/gaming_ring`,
      `${iso(CROWDED)} witness b-of-b/w-2`,
      `${iso(CROWDED)} witness b-of-b/w-1`,
      `${iso(CROWDED)} beacon b-3`,
      `${iso(CROWDED)} beacon b-2`,
      `${iso(CROWDED)} beacon b-1`,
      `${iso(CROWDED)} location_asserted 2`,
      `${iso(paidEnd - epochLengthMs)} flagged ${paidEpoch - 1}/replayer`,
      `${iso(NOW - 3 * DAY)} transferred 1`,
      `${iso(NOW - 4 * DAY)} location_asserted 1`,
      `${iso(NOW - 5 * DAY)} onboarded `,
    ]);
    expect(res.body.cursor).toBeNull();
    const byType = (type: string) => res.body.data.filter((i: { type: string }) => i.type === type);
    const [lat, lng] = cellToLatLng(cells[1]);
    expect(byType('location_asserted')[0]).toEqual({ type: 'location_asserted', time: iso(CROWDED), nonce: '2', cell: cells[1], cellRes8: cellToParent(cells[1], 8), lat, lng, gainDbi: 3.5, elevationM: 20, region: 'US915' });
    expect(byType('transferred')).toEqual([{ type: 'transferred', time: iso(NOW - 3 * DAY), nonce: '1', fromOwner: firstOwner, toOwner: secondOwner }]);
    expect(byType('onboarded')).toEqual([{ type: 'onboarded', time: iso(NOW - 5 * DAY), makerId: '00000000-0000-0000-0000-00000000000a', capability: 'full' }]);
    expect(byType('beacon')[2]).toEqual({ type: 'beacon', time: iso(CROWDED), beaconId: 'b-2', valid: false, reason: 'gateway_no_valid_witnesses', witnessCount: 2, validWitnessCount: 0 });
    expect(byType('witness')).toEqual([
      { type: 'witness', time: iso(CROWDED), witnessId: 'w-2', beaconId: 'b-of-b', beaconer: b.address, valid: false, reason: 'too_close', selected: false, rssiDbm: -40, snrDb: 12, distanceM: null },
      { type: 'witness', time: iso(CROWDED), witnessId: 'w-1', beaconId: 'b-of-b', beaconer: b.address, valid: true, reason: null, selected: true, rssiDbm: -105.5, snrDb: 7.5, distanceM: 2400 },
    ]);
    expect(byType('witness_stale')).toEqual([
      { type: 'witness_stale', time: iso(NOW - 2 * HOUR), witnessId: 'sw-1', reason: 'stale', cause: 'no_beacon', beaconId: null, agedOutAt: iso(NOW - 90 * 60_000) },
    ]);
    expect(byType('rewarded')).toEqual([
      { type: 'rewarded', time: iso(paidEnd), epoch: paidEpoch, beaconAmount: '9007199254740993', witnessAmount: '20', dataAmount: '3', totalAmount: '9007199254741016' },
    ]);
    expect(byType('flagged').map((f: { kind: string; action: string | null; score: number }) => [f.kind, f.action, f.score])).toEqual([
      ['gaming_ring', 'downgrade', 0.5],
      ['replayer', null, expect.closeTo(0.9, 5)],
    ]);
  });

  it('walks pages that neither skip nor repeat an event, also inside a crowded millisecond', async () => {
    const whole = (await get(feedOf(a.address, 'limit=500'))).body.data.map(label);
    expect(whole.length).toBeGreaterThan(10);
    for (const limit of [1, 2, 3, 4, 5, 7]) expect((await everyPage(a.address, `limit=${limit}`)).map(label)).toEqual(whole);
    const proofs = whole.filter((l: string) => / (beacon|witness) /.test(l));
    for (const limit of [1, 2, 4]) expect((await everyPage(a.address, `types=witness,beacon&limit=${limit}`)).map(label)).toEqual(proofs);
  });

  it('lists only the types asked for, and refuses an unknown one naming the field', async () => {
    const proofs = await get(feedOf(a.address, 'types=witness,beacon'));
    expect(new Set(proofs.body.data.map((i: { type: string }) => i.type))).toEqual(new Set(['beacon', 'witness']));
    expect(proofs.body.data).toHaveLength(6);
    expect((await get(feedOf(a.address, 'types=transferred'))).body.data.map(label)).toEqual([`${iso(NOW - 3 * DAY)} transferred 1`]);
    const bad = await get(feedOf(a.address, 'types=beacon,payment'));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'request.invalid', details: { field: 'types', unknown: ['payment'] } });
  });

  it('counts per type exactly the events all the pages list, over the same range', async () => {
    for (const query of ['', `min_time=${iso(CROWDED)}&max_time=${iso(CROWDED + 1)}`, 'min_time=-9 day&max_time=-2 hour']) {
      const items = await everyPage(a.address, `limit=3&${query}`);
      const count = await get(`/v1/hotspots/${a.address}/activity/count?${query}`);
      expect(count.status).toBe(200);
      const expected = Object.fromEntries(ACTIVITY_TYPES.map((t) => [t, items.filter((i) => i.type === t).length]));
      expect(count.body.counts).toEqual(expected);
      expect(count.body.total).toBe(items.length);
    }
    const week = await get(`/v1/hotspots/${a.address}/activity/count`);
    expect(week.body).toMatchObject({ minTime: iso(NOW - 7 * DAY), maxTime: iso(NOW), total: 14 });
  });

  it('keeps to min_time (inclusive) and max_time (exclusive), at most 90 days apart', async () => {
    const crowded = await get(feedOf(a.address, `min_time=${iso(CROWDED)}&max_time=${iso(CROWDED + 1)}`));
    expect(crowded.body.data.map((i: { time: string }) => i.time)).toEqual(Array(6).fill(iso(CROWDED)));
    expect(crowded.body.data.map((i: { type: string }) => i.type)).toEqual(['witness', 'witness', 'beacon', 'beacon', 'beacon', 'location_asserted']);
    expect((await get(feedOf(a.address, `min_time=${iso(CROWDED + 1)}&max_time=${iso(NOW - 6 * HOUR)}`))).body.data.map(label)).toEqual([
      `${iso((paidEpoch + 1) * epochLengthMs)} rewarded ${paidEpoch}`,
      `${iso((paidEpoch + 1) * epochLengthMs)} flagged ${paidEpoch}/gaming_ring`,
    ]);
    const edges = await get(feedOf(a.address, `types=beacon&min_time=-8 day&max_time=${iso(NOW + 1)}`));
    expect(edges.body.data.map((i: { beaconId: string }) => i.beaconId)).toEqual(['b-now', 'b-0', 'b-3', 'b-2', 'b-1', 'b-old']);
    // The onboarding falls in the millisecond its microseconds are in.
    expect((await get(feedOf(a.address, `min_time=${iso(NOW - 5 * DAY)}&max_time=${iso(NOW - 5 * DAY + 1)}`))).body.data.map((i: { type: string }) => i.type)).toEqual(['onboarded']);
    for (const path of [feedOf(a.address, 'min_time=-91 day'), `/v1/hotspots/${a.address}/activity/count?min_time=-91 day`]) {
      expect((await get(path)).body.error).toMatchObject({ code: 'request.invalid', details: { field: 'min_time' } });
    }
    expect((await get(feedOf(a.address, 'min_time=-90 day'))).status).toBe(200);
  });

  it('exports CSV, one row per event with a fixed header, paged with x-next-cursor', async () => {
    const json = await get(feedOf(a.address, 'limit=4'));
    const csv = await get(feedOf(a.address, 'limit=4&format=csv'));
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('x-next-cursor')).toBe(json.body.cursor);
    const lines = csv.text.trim().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 2)).toEqual(['type', 'time']);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(' '))).toEqual(json.body.data.map((i: { type: string; time: string }) => `${i.type} ${i.time}`));
    const rewarded = lines.slice(1).map((l) => l.split(',')).find((cells) => cells[0] === 'rewarded')!;
    expect(rewarded[header.indexOf('total_amount')]).toBe('9007199254741016');
    expect(rewarded[header.indexOf('beacon_id')]).toBe('');
    const rows: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(feedOf(a.address, `limit=4&format=csv${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.text.trim().split('\r\n')[0]).toBe(lines[0]);
      rows.push(...page.text.trim().split('\r\n').slice(1));
      cursor = page.headers.get('x-next-cursor');
    } while (cursor);
    expect(rows).toHaveLength((await get(feedOf(a.address))).body.data.length);
    expect(rows.filter((r) => r.startsWith('location_asserted,'))[1]!.split(',')[header.indexOf('cell')]).toBe(cells[0]);
  });

  it('answers bad input with the codes the PoC routes use', async () => {
    for (const path of ['/v1/hotspots/nope/activity', '/v1/hotspots/nope/activity/count']) {
      expect(await get(path).then((r) => [r.status, r.body.error.code])).toEqual([400, 'keys.invalid_address']);
    }
    const ghost = keypairFromLabel('activity/ghost').address;
    for (const path of [`/v1/hotspots/${ghost}/activity`, `/v1/hotspots/${ghost}/activity/count`]) {
      expect(await get(path).then((r) => [r.status, r.body.error.code])).toEqual([404, 'hotspots.not_found']);
    }
    // Times PostgreSQL's timestamps and 32-bit epochs do not reach are a range with no events, not a 500.
    for (const query of ['min_time=-99999999 day&max_time=-99999998 day', 'min_time=+90000000 day&max_time=+90000001 day']) {
      expect([query, (await get(feedOf(a.address, query))).body]).toEqual([query, { data: [], cursor: null }]);
      expect([query, (await get(`/v1/hotspots/${a.address}/activity/count?${query}`)).body.total]).toEqual([query, 0]);
    }
    for (const query of ['cursor=xyz', `cursor=${Buffer.from(JSON.stringify({ t: NOW, r: 99, i: '' })).toString('base64url')}`, 'limit=0', 'limit=501', 'min_time=banana', 'format=xml', 'filter_types=beacon']) {
      const res = await get(feedOf(a.address, query));
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'request.invalid']);
    }
  });

  it('documents each type as its own schema, told apart by `type` in the OpenAPI document', async () => {
    const doc = (await get('/docs/json')).body;
    const item = doc.components.schemas.ActivityItem;
    expect(Object.keys(item.discriminator.mapping).sort()).toEqual([...ACTIVITY_TYPES].sort());
    for (const [type, ref] of Object.entries(item.discriminator.mapping as Record<string, string>)) {
      const variant = doc.components.schemas[ref.replace('#/components/schemas/', '')];
      expect([type, variant.properties.type.const ?? variant.properties.type.enum?.[0], variant.required]).toEqual([type, type, expect.arrayContaining(['type', 'time'])]);
    }
    expect(item.oneOf).toHaveLength(ACTIVITY_TYPES.length);
    const feed = doc.paths['/v1/hotspots/{address}/activity'].get;
    expect(feed.parameters.find((p: { name: string }) => p.name === 'types').description).toContain(ACTIVITY_TYPES.join(', '));
    expect(Object.keys(doc.paths['/v1/hotspots/{address}/activity/count'].get.responses['200'].content['application/json'].schema.properties.counts.properties).sort()).toEqual([...ACTIVITY_TYPES].sort());
  });

  it.runIf(mode === 'postgres')('reads each source by walking its index on (hotspot, time), not the table', async () => {
    const expected: Record<ActivityType, [table: string, index: string]> = {
      onboarded: ['hotspots', 'hotspots_pkey'],
      location_asserted: ['location_assertions', 'location_assertions_time_idx'],
      transferred: ['hotspot_transfers', 'hotspot_transfers_time_idx'],
      beacon: ['beacon_verdicts', 'beacon_verdicts_hotspot_idx'],
      witness: ['witness_verdicts', 'witness_verdicts_hotspot_idx'],
      flagged: ['fraud_flags', 'fraud_flags_hotspot_idx'],
      rewarded: ['hotspot_epoch_rewards', 'hotspot_epoch_rewards_pk'],
      witness_stale: ['stale_witnesses', 'stale_witnesses_hotspot_idx'],
    };
    const { db, sql } = node.ctx.database;
    const cursor = { timeMs: CROWDED, rank: TYPE_RANK.beacon, id: 'b-2' };
    for (const type of ACTIVITY_TYPES) {
      for (const after of [undefined, sourceAfter(cursor, TYPE_RANK[type])]) {
        const query = activitySql(db, type, { hotspot: a.address, range: { minMs: NOW - 90 * DAY, maxMs: NOW }, after, limit: 101 }, epochLengthMs);
        // The seeded tables are tiny, so a sequential scan would be cheapest; with it priced out the
        // plan shows whether the conditions can be served by the index at all.
        const plan = await sql.begin(async (tx) => {
          await tx`set local enable_seqscan = off`;
          const [row] = await tx.unsafe(`explain (format json) ${query.sql}`, query.params as never[]);
          return JSON.stringify(row);
        });
        const [table, index] = expected[type];
        expect([type, after?.op, plan.includes(`"Index Name":"${index}"`)]).toEqual([type, after?.op, true]);
        expect([type, plan.match(new RegExp(`"Node Type":"Seq Scan"[^}]*"Relation Name":"${table}"`))]).toEqual([type, null]);
      }
    }
  });

  it.runIf(mode === 'postgres')("reads no more of a busy hotspot's verdicts than a page needs", async () => {
    // 50,000 beacons and as many witnesses in the range, 300 at each millisecond that has any.
    const busy = keypairFromLabel('activity/busy').address;
    const { db, sql } = node.ctx.database;
    await sql`insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell, witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms)
      select 'busy-' || g, ${busy}, ${NOW}::bigint - (g / 300) * 60000, 0, true, null, '{}'::jsonb, null, 0, 0, 0, 0, 0 from generate_series(1, 50000) g`;
    await sql`insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details, selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell)
      select 'busy-b', 'busy-' || g, ${busy}, ${b.address}, ${NOW}::bigint - (g / 300) * 60000, 0, true, null, '{}'::jsonb, true, -1000, 50, null, null from generate_series(1, 50000) g`;
    await sql`analyze beacon_verdicts`;
    await sql`analyze witness_verdicts`;
    const limit = 101;
    for (const type of ['beacon', 'witness'] as const) {
      for (const after of [undefined, sourceAfter({ timeMs: NOW - 60 * 60_000, rank: TYPE_RANK.beacon, id: 'busy-20000' }, TYPE_RANK[type])]) {
        const query = activitySql(db, type, { hotspot: busy, range: { minMs: NOW - 90 * DAY, maxMs: NOW + 1 }, after, limit }, epochLengthMs);
        const [row] = await sql.unsafe(`explain (analyze, format json) ${query.sql}`, query.params as never[]);
        const plan = JSON.stringify(row);
        const scanned = [...plan.matchAll(/"Index Name":"[a-z_]+_hotspot_idx"[^}]*?"Actual Rows":(\d+)/g)].map((m) => Number(m[1]));
        // The page and what shares its last millisecond, not the 50,000 rows of the range.
        expect([type, after?.op, scanned.length, scanned[0]! <= limit + 300]).toEqual([type, after?.op, 1, true]);
      }
    }
  });
});
