import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import type { CliIo } from '../command';
import { command } from './owner-request';

describe('owner-request --send against a running API (postgres)', () => {
  let node: TestNode;
  const clock = new ManualClock(Date.UTC(2026, 10, 1, 12));
  const owner = keypairFromLabel('cli-send/owner');
  const buyer = keypairFromLabel('cli-send/buyer');
  const hotspot = keypairFromLabel('cli-send/hotspot').address;
  const keyFile = join(mkdtempSync(join(tmpdir(), 'owner-send-')), 'owner.key');
  writeFileSync(keyFile, `${Buffer.from(owner.secretKey).toString('hex')}\n`);

  const send = async (args: string[]) => {
    let stdout = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: () => undefined };
    const code = await command.run([...args, '--key', keyFile, '--timestamp-ms', String(clock.nowMs()), '--send', node.httpBaseUrl], io);
    return { code, answer: JSON.parse(stdout) as { status: number; body: any } };
  };

  beforeAll(async () => {
    node = await startTestNode('postgres', { services: ['api'], clock });
    const maker = await node.call('POST', '/v1/admin/makers', { name: 'CLI makers' }, node.adminKey);
    expect((await node.call('POST', '/v1/hotspots', { address: hotspot, ownerAddress: owner.address }, maker.body.apiKey)).status).toBe(201);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('asserts a location and hands the hotspot over, and reports a refusal with exit 1', async () => {
    const asserted = await send(['assert-location', '--hotspot', hotspot, '--lat', '48.8566', '--lng', '2.3522', '--gain-dbi-x10', '30', '--elevation-m', '12']);
    expect(asserted).toMatchObject({ code: 0, answer: { status: 200, body: { location: { region: 'EU868' } } } });
    const moved = await send(['transfer', '--hotspot', hotspot, '--new-owner', buyer.address]);
    expect(moved).toMatchObject({ code: 0, answer: { status: 200, body: { ownerAddress: buyer.address } } });
    // The key no longer owns it.
    const again = await send(['transfer', '--hotspot', hotspot, '--new-owner', buyer.address, '--nonce', String(clock.nowMs() + 1)]);
    expect(again).toMatchObject({ code: 1, answer: { status: 403, body: { error: { code: 'hotspots.not_owner' } } } });
  });
});
