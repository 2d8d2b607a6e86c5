import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';

describe.each(['postgres', 'embedded'] as const)('live feed (%s)', (mode) => {
  let node: TestNode;
  const [a, c] = [keypairFromLabel(`stream/${mode}/a`), keypairFromLabel(`stream/${mode}/c`)];
  let seq = 0;
  const insertBeacon = async (hotspot: string, id: string) => {
    const t = Date.now() + seq++;
    await node.ctx.database.sql`insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell, witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms)
      values (${id}, ${hotspot}, ${t}, 1, false, 'not_asserted', '{}', null, 0, 0, 0, 0, ${t})`;
  };
  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'] });
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('streams PoC verdicts for the filtered hotspot only', async () => {
    const ws = new WebSocket(`${node.httpBaseUrl.replace('http', 'ws')}/v1/stream?hotspot=${a.address}&types=poc`);
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    await expect.poll(() => messages.length).toBe(1);
    expect(messages[0]).toMatchObject({ type: 'hello', filter: { hotspot: [a.address], types: ['poc'] } });
    // The feed starts from what its first poll sees, so verdicts written before that are history,
    // not news: wait until one gets through (rather than sleeping and hoping the poll ran).
    let warmups = 0;
    await expect.poll(async () => (await insertBeacon(a.address, `${mode}-warmup-${warmups++}`), messages.some((m) => m.type === 'poc')), { interval: 300, timeout: 15_000 }).toBe(true);
    await insertBeacon(c.address, `${mode}-c1`);
    await insertBeacon(a.address, `${mode}-a1`);
    const a1 = () => messages.find((m) => m.beacon?.beaconId === `${mode}-a1`);
    await expect.poll(a1, { timeout: 10_000 }).toBeDefined();
    expect(a1()).toMatchObject({ type: 'poc', beacon: { beaconId: `${mode}-a1`, hotspot: a.address, reason: 'not_asserted' } });
    // c1 was verified before a1, so it would have come by now: the filter kept it out.
    expect(messages.slice(1).filter((m) => m.beacon.hotspot !== a.address)).toEqual([]);
    ws.close();
  });

  it('tells an owner when an epoch is paid, with the epoch\'s bounds', async () => {
    const ws = new WebSocket(`${node.httpBaseUrl.replace('http', 'ws')}/v1/stream?owner=${a.address}&types=epoch`);
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    const { sql } = node.ctx.database;
    const [set] = await sql<{ id: number }[]>`insert into reward_parameter_sets (effective_from_epoch, params, params_hash, created_at_ms) values (0, '{}', 'h', 0) returning id`;
    const DAY = 86_400_000;
    // As for verdicts, epochs paid before the feed's first poll are history: pay epochs until one comes through.
    let epoch = 20_000;
    await expect
      .poll(
        async () => {
          const e = epoch++;
          await sql`insert into reward_epochs (epoch, start_ms, end_ms, parameter_set_id, manifest_hash, signature, oracle_public_key, merkle_root, file_name, emission, hotspots_rewarded,
              beacon_amount, witness_amount, data_amount, operations_amount, oracles_amount, unallocated_amount, dc_burned, dc_burned_usd, token_price_usd, emitted_usd, summary, document_gz, computed_at_ms)
            values (${e}, ${e * DAY}, ${(e + 1) * DAY}, ${set!.id}, 'h', 's', 'k', 'r', 'f', 1000, 1, 0, 0, 0, 0, 0, 0, 0, '0', '1', '0', '{}', ${Buffer.alloc(1)}, 0)`;
          return messages.some((m) => m.type === 'epoch');
        },
        { interval: 300, timeout: 15_000 },
      )
      .toBe(true);
    const event = messages.find((m) => m.type === 'epoch');
    expect(event).toMatchObject({ start: new Date(event.epoch * DAY).toISOString(), end: new Date((event.epoch + 1) * DAY).toISOString(), hotspotsRewarded: 1 });
    ws.close();
  });

  it('refuses a bad filter before upgrading, with its code', async () => {
    const refusal = (query: string) =>
      new Promise<[number, string]>((resolve) => {
        const ws = new WebSocket(`${node.httpBaseUrl.replace('http', 'ws')}/v1/stream?${query}`);
        ws.on('error', () => {});
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve([res.statusCode ?? 0, (JSON.parse(body) as { error: { code: string } }).error.code]));
        });
      });
    expect(await refusal('hex=nope')).toEqual([400, 'geo.invalid_h3']);
    // A repeated parameter reached the filter parser as an array: a 500.
    expect(await refusal('types=poc&types=epoch')).toEqual([400, 'request.invalid']);
    expect(await refusal('hotspot=%00')).toEqual([400, 'request.invalid']);
  });

  it('answers a plain GET (no upgrade) with a coded 400, as its document says, not an empty 404', async () => {
    const res = await node.call('GET', '/v1/stream?types=poc');
    expect([res.status, res.body?.error?.code, res.body?.error?.details]).toEqual([400, 'request.invalid', { field: 'headers/upgrade' }]);
    const doc = (await node.call('GET', '/docs/json')).body;
    expect(Object.keys(doc.paths['/v1/stream'].get.responses)).toContain('400');
  });
});
