import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { rawHttpGet } from '@cov/shared/testing/raw-http-get';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';

const DAY = 86_400_000;
// Thursday 2026-11-19 .. Saturday 2026-11-21: epochs E0 (Thu), E1 (Fri), E2 (Sat) all in one ISO week.
const E0 = Math.floor(Date.UTC(2026, 10, 19) / DAY);
const NOW = Date.UTC(2026, 10, 22, 12);
const BIG = 9_000_000_000_000_000n; // beyond 2^53: must survive as text

describe.each(['postgres', 'embedded'] as const)('owner earnings (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(NOW);
  const owner = keypairFromLabel(`earn/${mode}/owner`);
  const [a, b, late] = [keypairFromLabel(`earn/${mode}/a`), keypairFromLabel(`earn/${mode}/b`), keypairFromLabel(`earn/${mode}/late`)];
  const get = async (path: string) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };
  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    const { sql } = node.ctx.database;
    await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000005', 'm', now())`;
    for (const [i, k] of [a, b].entries()) {
      await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, onboarded_at)
        values (${k.address}, ${Buffer.from(k.binaryKey)}, ${owner.address}, '00000000-0000-0000-0000-000000000005', 'full', ${`DD0000000000000${i}`}, '2026-11-01T00:00:00Z')`;
    }
    // Onboarded at noon on Friday 20th (during E1), paid in E2 only.
    await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, onboarded_at)
      values (${late.address}, ${Buffer.from(late.binaryKey)}, ${keypairFromLabel(`earn/${mode}/late-owner`).address}, '00000000-0000-0000-0000-000000000005', 'full', 'DD00000000000009', '2026-11-20T12:00:00Z')`;
    const [set] = await sql<{ id: number }[]>`insert into reward_parameter_sets (effective_from_epoch, params, params_hash, created_at_ms) values (0, '{}', 'h', 0) returning id`;
    for (let e = E0; e <= E0 + 2; e++) {
      await sql`insert into reward_epochs (epoch, start_ms, end_ms, parameter_set_id, manifest_hash, signature, oracle_public_key, merkle_root, file_name, emission, hotspots_rewarded,
        beacon_amount, witness_amount, data_amount, operations_amount, oracles_amount, unallocated_amount, dc_burned, dc_burned_usd, token_price_usd, emitted_usd, summary, document_gz, computed_at_ms)
        values (${e}, ${e * DAY}, ${(e + 1) * DAY}, ${set!.id}, 'h', 's', 'k', 'r', 'f', 1000, 2, 0, 0, 0, 0, 0, 0, 0, '0', '1', '0', '{}', ${Buffer.alloc(1)}, 0)`;
    }
    const rows: [string, number, bigint, bigint, bigint][] = [
      [a.address, E0, 100n, 300n, 7n],
      [a.address, E0 + 2, BIG, 1n, 0n],
      [b.address, E0 + 1, 5n, 5n, 5n],
      [late.address, E0 + 2, 40n, 60n, 0n],
    ];
    for (const [h, e, beacon, witness, data] of rows) {
      await sql`insert into hotspot_epoch_rewards (hotspot_address, epoch, beacon_amount, witness_amount, data_amount, beacon_shares_e8, witness_shares_e8, data_dc, lifetime_amount)
        values (${h}, ${e}, ${beacon.toString()}, ${witness.toString()}, ${data.toString()}, 0, 0, 0, 0)`;
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('splits rewards per epoch with zero epochs included, and per week', async () => {
    const byEpoch = await get(`/v1/hotspots/${a.address}/rewards?min_time=2026-11-19&max_time=2026-11-22`);
    expect(byEpoch.body.data.map((r: any) => [r.start.slice(0, 10), r.beacon, r.witness, r.data, r.total])).toEqual([
      ['2026-11-19', '100', '300', '7', '407'],
      ['2026-11-20', '0', '0', '0', '0'],
      ['2026-11-21', BIG.toString(), '1', '0', (BIG + 1n).toString()],
    ]);
    expect(byEpoch.body.totals.total).toBe((BIG + 408n).toString());
    expect(byEpoch.headers.get('cache-control')).toContain('immutable');
    const byWeek = await get(`/v1/hotspots/${a.address}/rewards?min_time=2026-11-19&max_time=2026-11-22&bucket=week`);
    expect(byWeek.body.data).toEqual([expect.objectContaining({ start: '2026-11-16T00:00:00.000Z', epochs: 3, total: (BIG + 408n).toString() })]);
  });

  it('keeps a final answer with its compressed forms: each coding decodes to the same bytes under the same ETag, and If-None-Match gets a 304', async () => {
    const path = `/v1/hotspots/${a.address}/rewards?min_time=2026-11-18&max_time=2026-11-22&bucket=day`;
    const raw = async (headers: Record<string, string>) => {
      const answer = await rawHttpGet(`${node.httpBaseUrl}${path}`, headers);
      return { ...answer, encoding: answer.headers['content-encoding'], etag: answer.headers.etag as string | undefined };
    };
    const first = await raw({});
    const plain = await raw({});
    const br = await raw({ 'accept-encoding': 'br' });
    const gzip = await raw({ 'accept-encoding': 'gzip' });
    expect([first.status, first.encoding, plain.encoding, br.encoding, gzip.encoding]).toEqual([200, undefined, undefined, 'br', 'gzip']);
    expect(plain.body.equals(first.body)).toBe(true);
    expect(brotliDecompressSync(br.body).equals(first.body)).toBe(true);
    expect(gunzipSync(gzip.body).equals(first.body)).toBe(true);
    expect(JSON.parse(first.body.toString()).totals.total).toBe((BIG + 408n).toString());
    expect(new Set([first.etag, plain.etag, br.etag, gzip.etag]).size).toBe(1);
    const revalidated = await raw({ 'accept-encoding': 'br', 'if-none-match': first.etag! });
    expect([revalidated.status, revalidated.body.length]).toEqual([304, 0]);
  });

  it('answers requests that arrive together for a final range not kept yet alike, each with its own coding, and an unknown hotspot with 404 each', async () => {
    const path = `/v1/hotspots/${b.address}/rewards?min_time=2026-11-19&max_time=2026-11-22&format=csv`;
    const codings: Record<string, string>[] = [{}, {}, { 'accept-encoding': 'gzip' }, {}];
    const answers = await Promise.all(codings.map((headers) => rawHttpGet(`${node.httpBaseUrl}${path}`, headers)));
    expect(answers.map((r) => [r.status, r.headers['content-encoding'], r.headers['cache-control']])).toEqual([
      [200, undefined, 'public, max-age=86400, immutable'],
      [200, undefined, 'public, max-age=86400, immutable'],
      [200, 'gzip', 'public, max-age=86400, immutable'],
      [200, undefined, 'public, max-age=86400, immutable'],
    ]);
    expect(answers[0]!.body.toString().trim().split('\r\n')).toEqual(['start,epochs,beacon,witness,data,total', '2026-11-19T00:00:00.000Z,1,0,0,0,0', '2026-11-20T00:00:00.000Z,1,5,5,5,15', '2026-11-21T00:00:00.000Z,1,0,0,0,0']);
    expect(answers.every((r) => r.headers.etag === answers[0]!.headers.etag)).toBe(true);
    expect(gunzipSync(answers[2]!.body).equals(answers[0]!.body)).toBe(true);
    const unknown = keypairFromLabel(`earn/${mode}/unknown`).address;
    const missing = await Promise.all([1, 2, 3].map(() => get(`/v1/hotspots/${unknown}/rewards?min_time=2026-11-19&max_time=2026-11-22`)));
    expect(missing.map((r) => [r.status, r.body.error.code])).toEqual([[404, 'hotspots.not_found'], [404, 'hotspots.not_found'], [404, 'hotspots.not_found']]);
    expect(new Set(missing.map((r) => r.body.requestId)).size).toBe(3);
  });

  it('answers a relative range for the time it is asked at, never from an answer cached at another time', async () => {
    // At NOW (Sun 22nd 12:00) "-3 day .. -2 day" holds the epoch of Fri 20th; a day and an hour
    // later, that of Sat 21st. Both epochs are paid, so both answers are final, but the URL is the same.
    const url = `/v1/hotspots/${a.address}/rewards?min_time=-3 day&max_time=-2 day`;
    try {
      const before = await get(url);
      expect(before.body.data.map((r: any) => [r.start.slice(0, 10), r.total])).toEqual([['2026-11-20', '0']]);
      expect(before.headers.get('cache-control')).not.toContain('immutable');
      clock.set(NOW + DAY + 3_600_000);
      const after = await get(url);
      expect(after.body.data.map((r: any) => [r.start.slice(0, 10), r.total])).toEqual([['2026-11-21', (BIG + 1n).toString()]]);
      const sum = await get(`/v1/hotspots/${a.address}/rewards/sum?min_time=-3 day&max_time=-2 day`);
      expect([sum.body.total, sum.headers.get('cache-control')]).toEqual([(BIG + 1n).toString(), 'public, max-age=60']);
      // The same epochs asked for by absolute times are final and cached as such.
      const fixed = await get(`/v1/hotspots/${a.address}/rewards?min_time=2026-11-21&max_time=2026-11-22`);
      expect([fixed.body.totals.total, fixed.headers.get('cache-control')]).toEqual([(BIG + 1n).toString(), 'public, max-age=86400, immutable']);
    } finally {
      clock.set(NOW);
    }
  });

  it('summarises with total, min, max, median, avg and stddev', async () => {
    const sum = await get(`/v1/hotspots/${a.address}/rewards/sum?min_time=2026-11-19&max_time=2026-11-22`);
    expect(sum.body).toMatchObject({ buckets: 3, total: (BIG + 408n).toString(), min: '0', max: (BIG + 1n).toString(), median: '407', split: { beacon: (BIG + 100n).toString() } });
  });

  it('counts no epoch that ended before the hotspot was onboarded, so a new hotspot\'s summary is not dragged to zero', async () => {
    const byEpoch = await get(`/v1/hotspots/${late.address}/rewards?min_time=2026-11-19&max_time=2026-11-22`);
    // E0 ended before it existed; E1 it was onboarded during and earned nothing in; E2 it earned 100.
    expect(byEpoch.body.data.map((r: any) => [r.start.slice(0, 10), r.total])).toEqual([
      ['2026-11-20', '0'],
      ['2026-11-21', '100'],
    ]);
    const sum = await get(`/v1/hotspots/${late.address}/rewards/sum?min_time=2026-11-19&max_time=2026-11-22`);
    expect(sum.body).toMatchObject({ buckets: 2, total: '100', min: '0', max: '100', median: '50' });
    const byWeek = await get(`/v1/hotspots/${late.address}/rewards?min_time=2026-11-19&max_time=2026-11-22&bucket=week`);
    expect(byWeek.body.data).toEqual([expect.objectContaining({ start: '2026-11-16T00:00:00.000Z', epochs: 2, total: '100' })]);
  });

  it("returns a fleet's rows in one call, and CSV columns sum to the JSON totals", async () => {
    const fleet = await get(`/v1/owners/${owner.address}/rewards?min_time=2026-11-19&max_time=2026-11-22`);
    expect(fleet.body.data).toHaveLength(2);
    expect(fleet.body.totals.total).toBe((BIG + 408n + 15n).toString());
    expect([fleet.body.hotspots, fleet.body.cursor]).toEqual([2, null]);
    // A page at a time: the same rows in the same order, fleet totals on every page.
    const first = await get(`/v1/owners/${owner.address}/rewards?min_time=2026-11-19&max_time=2026-11-22&limit=1`);
    expect([first.body.data, first.body.totals, first.body.hotspots]).toEqual([[fleet.body.data[0]], fleet.body.totals, 2]);
    const second = await get(`/v1/owners/${owner.address}/rewards?min_time=2026-11-19&max_time=2026-11-22&limit=1&cursor=${first.body.cursor}`);
    expect([second.body.data, second.body.totals, second.body.cursor]).toEqual([[fleet.body.data[1]], fleet.body.totals, null]);
    expect((await get(`/v1/owners/${owner.address}/rewards?limit=1&cursor=bogus`)).body.error.code).toBe('request.invalid');
    expect((await get(`/v1/owners/${owner.address}/rewards?limit=1001`)).body.error.code).toBe('request.invalid');
    const csv = await get(`/v1/owners/${owner.address}/rewards?min_time=2026-11-19&max_time=2026-11-22&format=csv`);
    const lines = csv.text.trim().split('\r\n').slice(1).map((l) => l.split(','));
    const csvTotal = lines.reduce((s, l) => s + BigInt(l[4]!), 0n);
    expect(csvTotal.toString()).toBe(fleet.body.totals.total);
    const hotspotCsv = await get(`/v1/hotspots/${a.address}/rewards?min_time=2026-11-19&max_time=2026-11-22&format=csv`);
    const hotspotTotal = hotspotCsv.text.trim().split('\r\n').slice(1).reduce((s, l) => s + BigInt(l.split(',')[5]!), 0n);
    expect(hotspotTotal).toBe(BIG + 408n);
  });

  it("gives a fleet's rewards over time: the sum of its hotspots' own series, with how many each bucket paid, as JSON or CSV", async () => {
    const range = 'min_time=2026-11-19&max_time=2026-11-22';
    const byEpoch = await get(`/v1/owners/${owner.address}/rewards/history?${range}`);
    expect(byEpoch.status).toBe(200);
    expect(byEpoch.headers.get('cache-control')).toBe('public, max-age=60');
    expect([byEpoch.body.bucket, byEpoch.body.hotspots]).toEqual(['epoch', 2]);
    expect(byEpoch.body.data.map((r: any) => [r.start.slice(0, 10), r.epochs, r.hotspotsPaid, r.beacon, r.witness, r.data, r.total])).toEqual([
      ['2026-11-19', 1, 1, '100', '300', '7', '407'],
      ['2026-11-20', 1, 1, '5', '5', '5', '15'],
      ['2026-11-21', 1, 1, BIG.toString(), '1', '0', (BIG + 1n).toString()],
    ]);
    // Each bucket is the sum of the fleet's hotspots' own series; the totals those of the fleet list.
    for (const bucket of ['epoch', 'day', 'week']) {
      const fleet = await get(`/v1/owners/${owner.address}/rewards/history?${range}&bucket=${bucket}`);
      const perHotspot = await Promise.all([a, b].map(async (h) => (await get(`/v1/hotspots/${h.address}/rewards?${range}&bucket=${bucket}`)).body.data as any[]));
      const summed = new Map<string, bigint>();
      for (const series of perHotspot) for (const r of series) summed.set(r.start, (summed.get(r.start) ?? 0n) + BigInt(r.total));
      expect(fleet.body.data.map((r: any) => [r.start, r.total])).toEqual([...summed].map(([start, total]) => [start, total.toString()]));
      expect(fleet.body.totals).toEqual((await get(`/v1/owners/${owner.address}/rewards?${range}`)).body.totals);
    }
    const byWeek = await get(`/v1/owners/${owner.address}/rewards/history?${range}&bucket=week`);
    expect(byWeek.body.data).toEqual([expect.objectContaining({ start: '2026-11-16T00:00:00.000Z', epochs: 3, hotspotsPaid: 2, total: (BIG + 423n).toString() })]);
    // A fleet's first epochs are those after its first hotspot was onboarded; a paid-nothing epoch is a zero row.
    const lateOwner = keypairFromLabel(`earn/${mode}/late-owner`).address;
    const late = await get(`/v1/owners/${lateOwner}/rewards/history?${range}`);
    expect(late.body.data.map((r: any) => [r.start.slice(0, 10), r.hotspotsPaid, r.total])).toEqual([
      ['2026-11-20', 0, '0'],
      ['2026-11-21', 1, '100'],
    ]);
    const csv = await get(`/v1/owners/${owner.address}/rewards/history?${range}&format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.trim().split('\r\n')).toEqual([
      'start,epochs,hotspots_paid,beacon,witness,data,total',
      '2026-11-19T00:00:00.000Z,1,1,100,300,7,407',
      '2026-11-20T00:00:00.000Z,1,1,5,5,5,15',
      `2026-11-21T00:00:00.000Z,1,1,${BIG},1,0,${BIG + 1n}`,
    ]);
    // An owner with no hotspots has no rows, not an error: it may simply have none yet.
    const none = await get(`/v1/owners/${keypairFromLabel(`earn/${mode}/nobody`).address}/rewards/history`);
    expect([none.status, none.body.hotspots, none.body.data, none.body.totals.total]).toEqual([200, 0, [], '0']);
  });

  it("gives what a country's hotspots earned over time, those located in it now", async () => {
    const { sql } = node.ctx.database;
    const range = 'min_time=2026-11-19&max_time=2026-11-22';
    await sql`update hotspots set country_code = 'DE' where address in (${a.address}, ${late.address})`;
    await sql`update hotspots set country_code = 'FR' where address = ${b.address}`;
    try {
      const de = await get(`/v1/countries/de/rewards/history?${range}`);
      expect([de.status, de.body.bucket, de.body.hotspots]).toEqual([200, 'epoch', 2]);
      expect(de.body.data.map((r: any) => [r.start.slice(0, 10), r.hotspotsPaid, r.total])).toEqual([
        ['2026-11-19', 1, '407'],
        ['2026-11-20', 0, '0'],
        ['2026-11-21', 2, (BIG + 101n).toString()],
      ]);
      const fr = await get(`/v1/countries/FR/rewards/history?${range}&bucket=week`);
      expect(fr.body.data).toEqual([expect.objectContaining({ start: '2026-11-16T00:00:00.000Z', epochs: 3, hotspotsPaid: 1, total: '15' })]);
      const csv = await get(`/v1/countries/FR/rewards/history?${range}&format=csv`);
      expect(csv.text.trim().split('\r\n')).toEqual([
        'start,epochs,hotspots_paid,beacon,witness,data,total',
        '2026-11-19T00:00:00.000Z,1,0,0,0,0,0',
        '2026-11-20T00:00:00.000Z,1,1,5,5,5,15',
        '2026-11-21T00:00:00.000Z,1,0,0,0,0,0',
      ]);
      const none = await get('/v1/countries/JP/rewards/history');
      expect([none.status, none.body.hotspots, none.body.data]).toEqual([200, 0, []]);
      expect((await get('/v1/countries/QQ/rewards/history')).body.error.code).toBe('countries.unknown_code');
      expect((await get('/v1/countries/D1/rewards/history')).body.error.code).toBe('request.invalid');
      expect((await get('/v1/countries/DE/rewards/history?bucket=month')).body.error.code).toBe('request.invalid');
    } finally {
      await sql`update hotspots set country_code = null where address in (${a.address}, ${b.address}, ${late.address})`;
    }
  });

  it('shows the device traffic a hotspot carried per hour, day or week, as JSON or CSV', async () => {
    const { sql } = node.ctx.database;
    const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour, 30);
    const copies: [string, number, number][] = [
      [a.address, at(20, 9), 2],
      [a.address, at(20, 9), 1],
      [a.address, at(20, 17), 0], // a join: carried, free
      [a.address, at(21, 3), 4],
      [b.address, at(20, 9), 9], // another hotspot
      [a.address, at(10, 9), 5], // before the range
    ];
    for (const [i, [h, t, dc]] of copies.entries()) {
      await sql`insert into packet_copies (packet_hash, route_id, org_id, hotspot_address, dc, rssi_dbm, snr_db, frequency_hz, data_rate, received_at_ms)
        values (${Buffer.alloc(32, i + 1)}, '00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000a1', ${h}, ${dc}, -80, 5, 904300000, 'SF9BW125', ${t})`;
    }
    const byDay = await get(`/v1/hotspots/${a.address}/data?min_time=2026-11-19&max_time=2026-11-22`);
    expect(byDay.status).toBe(200);
    expect(byDay.body).toEqual({
      bucket: 'day',
      data: [
        { start: '2026-11-20T00:00:00.000Z', packets: 3, dc: 3 },
        { start: '2026-11-21T00:00:00.000Z', packets: 1, dc: 4 },
      ],
      totals: { packets: 4, dc: 7 },
    });
    const byHour = await get(`/v1/hotspots/${a.address}/data?min_time=2026-11-20&max_time=2026-11-21&bucket=hour`);
    expect(byHour.body.data.map((r: any) => [r.start.slice(11, 13), r.packets, r.dc])).toEqual([
      ['09', 2, 3],
      ['17', 1, 0],
    ]);
    // The default range is the last 7 days before now (2026-11-22 12:00): the copy of the 10th is out.
    const byWeek = await get(`/v1/hotspots/${a.address}/data?bucket=week`);
    expect(byWeek.body.data).toEqual([{ start: '2026-11-16T00:00:00.000Z', packets: 4, dc: 7 }]);
    const csv = await get(`/v1/hotspots/${a.address}/data?min_time=2026-11-19&max_time=2026-11-22&format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.trim().split('\r\n')).toEqual(['start,packets,dc', '2026-11-20T00:00:00.000Z,3,3', '2026-11-21T00:00:00.000Z,1,4']);
    expect((await get(`/v1/hotspots/${owner.address}/data`)).status).toBe(404);
    expect((await get(`/v1/hotspots/${a.address}/data?min_time=-100 day`)).body.error.code).toBe('request.invalid');
    expect((await get(`/v1/hotspots/${a.address}/data?bucket=month`)).status).toBe(400);
  });

  it('answers bad input with stable codes', async () => {
    expect((await get(`/v1/hotspots/${a.address}/rewards?bucket=month`)).status).toBe(400);
    expect((await get(`/v1/hotspots/${a.address}/rewards?min_time=-5 week&max_time=-6 week`)).body.error.code).toBe('request.invalid');
    // Times past what a date can hold (a 500 from the database before) and days a month lacks.
    for (const path of ['rewards', 'rewards/sum', 'data']) {
      expect((await get(`/v1/hotspots/${a.address}/${path}?max_time=%2B999999999999 day`)).body.error).toMatchObject({ code: 'request.invalid', details: { field: 'max_time' } });
    }
    expect((await get(`/v1/owners/${owner.address}/rewards?max_time=%2B999999999999 day`)).body.error.code).toBe('request.invalid');
    expect((await get(`/v1/hotspots/${a.address}/rewards?min_time=2026-02-30&max_time=2026-03-05`)).body.error).toMatchObject({ code: 'request.invalid', details: { field: 'min_time' } });
    expect((await get(`/v1/hotspots/${keypairFromLabel('x').address}/rewards`)).body.error.code).toBe('hotspots.not_found');
    expect((await get('/v1/owners/zzz/rewards')).body.error.code).toBe('keys.invalid_address');
    expect((await get('/v1/owners/zzz/rewards/history')).body.error.code).toBe('keys.invalid_address');
    expect((await get(`/v1/owners/${owner.address}/rewards/history?bucket=month`)).body.error.code).toBe('request.invalid');
    expect((await get(`/v1/owners/${owner.address}/rewards/history?max_time=%2B999999999999 day`)).body.error).toMatchObject({ code: 'request.invalid', details: { field: 'max_time' } });
  });
});
