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
    await new Promise((r) => setTimeout(r, 1200)); // the feed starts from "now"
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
    await insertBeacon(c.address, `${mode}-c1`);
    await insertBeacon(a.address, `${mode}-a1`);
    await expect.poll(() => messages.length, { timeout: 10_000 }).toBe(2);
    expect(messages[1]).toMatchObject({ type: 'poc', beacon: { beaconId: `${mode}-a1`, hotspot: a.address, reason: 'not_asserted' } });
    ws.close();
  });

  it('refuses a bad filter before upgrading', async () => {
    const ws = new WebSocket(`${node.httpBaseUrl.replace('http', 'ws')}/v1/stream?hex=nope`);
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(400);
  });
});
