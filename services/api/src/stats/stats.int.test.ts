import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const EPOCH = Math.floor(NOW / DAY);

describe.each(['postgres', 'embedded'] as const)('network stats (%s)', (mode) => {
  let node: TestNode;
  const get = async (path: string) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`);
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock: new ManualClock(NOW) });
    const { sql } = node.ctx.database;
    await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000006', 'm', now())`;
    const [a, b] = [keypairFromLabel('stats/a'), keypairFromLabel('stats/b')];
    for (const [i, k] of [a, b].entries()) {
      await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, onboarded_at)
        values (${k.address}, ${Buffer.from(k.binaryKey)}, ${k.address}, '00000000-0000-0000-0000-000000000006', ${i === 0 ? 'full' : 'data_only'}, ${`CC0000000000000${i}`}, now())`;
    }
    // Yesterday: one valid beacon with a valid and an invalid witness; today: one invalid beacon.
    const rows: [string, number, number, boolean, string | null][] = [
      ['y1', NOW - DAY - 3_600_000, EPOCH - 1, true, null],
      ['t1', NOW - 3_600_000, EPOCH, false, 'irregular_interval'],
    ];
    for (const [id, t, epoch, valid, reason] of rows) {
      await sql`insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell, witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms)
        values (${id}, ${a.address}, ${t}, ${epoch}, ${valid}, ${reason}, '{}', null, 2, 1, 1, 0, ${t})`;
    }
    await sql`insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details, selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell) values
      ('y1', 'w1', ${b.address}, ${a.address}, ${NOW - DAY - 3_600_000}, ${EPOCH - 1}, true, null, '{}', true, -1000, 50, 1000, null),
      ('y1', 'w2', ${b.address}, ${a.address}, ${NOW - DAY - 3_600_000}, ${EPOCH - 1}, false, 'too_late', '{}', false, -1000, 50, 1000, null),
      ('t1', 'w3', ${b.address}, ${a.address}, ${NOW - 3_600_000}, ${EPOCH}, false, 'below_min_distance', '{}', false, -800, 50, 100, null)`;
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('summarises the network now', async () => {
    const { body } = await get('/v1/stats');
    if (!body.hotspots) console.log(JSON.stringify(body));
    expect(body.hotspots).toEqual({ total: 2, full: 1, dataOnly: 1, asserted: 0, interactive: 0 });
    expect(body.last24h).toMatchObject({ beacons: 1, validBeacons: 0, witnesses: 1, validWitnesses: 0, invalidReasons: { beacon: { irregular_interval: 1 }, witness: { below_min_distance: 1 } } });
    expect(body.latestRewardEpoch).toBeNull();
  });

  it('gives one row per epoch', async () => {
    const all = await get('/v1/stats/history?min_time=-3 day');
    expect(all.body.data.map((r: any) => [r.epoch, r.beacons, r.validBeacons, r.witnesses, r.validWitnesses])).toEqual([
      [EPOCH - 1, 1, 1, 2, 1],
      [EPOCH, 1, 0, 1, 0],
    ]);
    expect((await get('/v1/stats/history?min_time=-2000 day')).body.error.code).toBe('request.invalid');
    // As CSV: the same rows, reward columns empty while an epoch is not paid.
    const csv = await fetch(`${node.httpBaseUrl}/v1/stats/history?min_time=-3%20day&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 8)).toEqual(['epoch', 'start', 'beacons', 'valid_beacons', 'witnesses', 'valid_witnesses', 'selected_witnesses', 'hotspots_rewarded']);
    expect(lines.slice(1).map((l) => l.split(','))).toEqual(
      all.body.data.map((r: any) => [String(r.epoch), r.start, String(r.beacons), String(r.validBeacons), String(r.witnesses), String(r.validWitnesses), String(r.selectedWitnesses), ...Array(9).fill('')]),
    );
  });

  it('counts the epochs that start in the range, as the earnings views do', async () => {
    // From the middle of yesterday's epoch: yesterday started before the range, so only today counts.
    const fromNoonYesterday = await get(`/v1/stats/history?min_time=${new Date(NOW - DAY).toISOString()}&max_time=${new Date(NOW).toISOString()}`);
    expect(fromNoonYesterday.body.data.map((r: any) => r.epoch)).toEqual([EPOCH]);
  });

  it('caches a past range as final only once its epochs are paid and only when it is named by instants', async () => {
    const yesterday = new Date((EPOCH - 1) * DAY).toISOString();
    const today = new Date(EPOCH * DAY).toISOString();
    // Yesterday has ended but is not paid yet: its PoC counts may still grow and its rewards are null.
    const unpaid = await get(`/v1/stats/history?min_time=${yesterday}&max_time=${today}`);
    expect(unpaid.body.data.map((r: any) => [r.epoch, r.rewards])).toEqual([[EPOCH - 1, null]]);
    expect(unpaid.headers.get('cache-control')).not.toContain('immutable');
    const { sql } = node.ctx.database;
    const [set] = await sql<{ id: number }[]>`insert into reward_parameter_sets (effective_from_epoch, params, params_hash, created_at_ms) values (0, '{}', 'h', 0) returning id`;
    await sql`insert into reward_epochs (epoch, start_ms, end_ms, parameter_set_id, manifest_hash, signature, oracle_public_key, merkle_root, file_name, emission, hotspots_rewarded,
        beacon_amount, witness_amount, data_amount, operations_amount, oracles_amount, unallocated_amount, dc_burned, dc_burned_usd, token_price_usd, emitted_usd, summary, document_gz, computed_at_ms)
      values (${EPOCH - 1}, ${(EPOCH - 1) * DAY}, ${EPOCH * DAY}, ${set!.id}, 'h', 's', 'k', 'r', 'f', 1000, 1, 0, 0, 0, 0, 0, 0, 0, '0', '1', '0', '{}', ${Buffer.alloc(1)}, 0)`;
    const paid = await get(`/v1/stats/history?min_time=${yesterday}&max_time=${today}`);
    // Its bounds as every other view gives an epoch's, ISO 8601 (ms kept for existing clients).
    expect(paid.body.data[0].rewards).toMatchObject({ epoch: EPOCH - 1, start: yesterday, end: today, startMs: (EPOCH - 1) * DAY });
    expect((await get('/v1/stats')).body.latestRewardEpoch).toMatchObject({ epoch: EPOCH - 1, start: yesterday, end: today });
    expect(paid.headers.get('cache-control')).toContain('immutable');
    // The same epochs named relative to now are another range tomorrow.
    const relative = await get('/v1/stats/history?min_time=-36 hour&max_time=-12 hour');
    expect(relative.body.data.map((r: any) => r.epoch)).toEqual([EPOCH - 1]);
    expect(relative.headers.get('cache-control')).not.toContain('immutable');
  });
});
