/**
 * Owners who opt into epoch rewards are posted, once per paid epoch after they opted in, what it
 * paid each of their hotspots: by a real node's API on its own schedule, to a small HTTP server in
 * the test, with a failed post retried until taken and no epoch told twice. On PostgreSQL and embedded.
 */
import http from 'node:http';
import { Value } from 'typebox/value';
import { EpochRewardsNoticeSchema } from '@cov/shared/alerts/notice-schemas';
import { verifyWebhookSignature } from '@cov/shared/routing/webhook-signature';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel, sign } from '@cov/shared/helium/keys';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { ownerAlertsSetBytes } from '@cov/shared/registry/owner-alert-request';
import { rewardStanding, type RewardDistribution } from '@cov/shared/rewards/reward-distribution';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';
import { waitFor } from '@cov/router/testing/test-gateway';
import { twoMoreAlertChecks } from '../testing/alert-checks';
import type { EpochRewardsNotice } from './epoch-rewards-notice';

const DAY_MS = 86_400_000;
const E0 = 20_400;
const T0 = (E0 + 1) * DAY_MS + 3_600_000;
const SPREAD: RewardDistribution = { hotspots: 10, mean: '120', p10: '5', p25: '20', median: '60', p75: '200', p90: '400', max: '900' };

describe.each(['postgres+redis', 'embedded'] as TestMode[])('epoch rewards notices (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  const owner = keypairFromLabel(`epoch-notices/${mode}/owner`);
  const hotspots = [0, 1, 2].map((i) => keypairFromLabel(`epoch-notices/${mode}/hotspot/${i}`).address);
  const [a, b, c] = hotspots as [string, string, string];
  const posted: { authorization: string | undefined; signature: string | undefined; raw: Buffer; body: { type: string } }[] = [];
  let secret = '';
  let status = 200;
  let nonce = 0;
  let parameterSetId = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['x-cov-signature'];
      posted.push({ authorization: req.headers.authorization, signature: typeof signature === 'string' ? signature : undefined, raw, body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(status).end();
    });
  });
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const rewardNotices = () => posted.filter((p) => p.body.type === 'epoch_rewards').map((p) => p.body as EpochRewardsNotice);
  const alerts = async () => (await node.call('GET', `/v1/owners/${owner.address}/alerts`)).body;
  const subscribe = async (fields: { url: string; authHeader?: string; epochRewards?: boolean }) => {
    const f = { owner: owner.address, url: fields.url, authHeader: fields.authHeader ?? null, epochRewards: fields.epochRewards, nonce: ++nonce, timestampMs: clock.nowMs() };
    const signature = Buffer.from(sign(ownerAlertsSetBytes(f), owner.secretKey)).toString('base64');
    const { owner: _o, authHeader, ...rest } = f;
    const r = await node.call('PUT', `/v1/owners/${owner.address}/alerts`, { ...rest, ...(authHeader ? { authHeader } : {}), signature });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  /** An epoch paid as the rewarder records it: its row (with the spread, or none) and each paid hotspot's amounts. */
  const pay = async (epoch: number, amounts: [string, bigint, bigint, bigint][], spread: RewardDistribution | null = SPREAD) => {
    const { sql } = node.ctx.database;
    await sql`insert into reward_epochs (epoch, start_ms, end_ms, parameter_set_id, manifest_hash, signature, oracle_public_key, merkle_root, file_name, emission, hotspots_rewarded,
      beacon_amount, witness_amount, data_amount, operations_amount, oracles_amount, unallocated_amount, dc_burned, dc_burned_usd, token_price_usd, emitted_usd, summary, document_gz, computed_at_ms)
      values (${epoch}, ${epoch * DAY_MS}, ${(epoch + 1) * DAY_MS}, ${parameterSetId}, 'h', 's', 'k', 'r', 'f', 1000, ${amounts.length}, 0, 0, 0, 0, 0, 0, 0, '0', '1', '0',
        ${JSON.stringify(spread ? { perHotspot: spread } : {})}::jsonb, ${Buffer.alloc(1)}, 0)`;
    for (const [h, beacon, witness, data] of amounts) {
      await sql`insert into hotspot_epoch_rewards (hotspot_address, epoch, beacon_amount, witness_amount, data_amount, beacon_shares_e8, witness_shares_e8, data_dc, lifetime_amount)
        values (${h}, ${epoch}, ${beacon.toString()}, ${witness.toString()}, ${data.toString()}, 0, 0, 0, 0)`;
    }
  };
  const checks = () => twoMoreAlertChecks(node.httpBaseUrl, 'hotspot_status');

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    node = await startTestNode(mode, { services: ['api'], clock, overrides: { OWNER_ALERT_CHECK_INTERVAL_MS: '50', ALERT_POST_TIMEOUT_MS: '1000', ALERT_PRIVATE_ADDRESSES: 'allow' } });
    const maker = await node.call('POST', '/v1/admin/makers', { name: 'Epoch Notice Gateways' }, node.adminKey);
    for (const [i, address] of hotspots.entries()) {
      const added = await node.call('POST', '/v1/hotspots', { address, ownerAddress: owner.address, gatewayEui: `AA555A00000004${i.toString(16).padStart(2, '0')}` }, maker.body.apiKey);
      expect(added.status).toBe(201);
    }
    const [set] = await node.ctx.database.sql<{ id: number }[]>`insert into reward_parameter_sets (effective_from_epoch, params, params_hash, created_at_ms) values (0, '{}', 'h', 0) returning id`;
    parameterSetId = set!.id;
    // Paid before the owner opts in: never told.
    await pay(E0, [[a, 1n, 1n, 1n]]);
  });
  afterAll(async () => {
    await node?.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('starts after the epochs already paid, then tells each new one once, every hotspot with its amounts and standing', async () => {
    const view = await subscribe({ url: url('/rewards'), authHeader: 'Bearer owner-secret', epochRewards: true });
    expect(view).toMatchObject({ epochRewards: true, rewardsEpochTold: E0, signed: true });
    secret = view.signingSecret;
    await checks();
    expect(rewardNotices()).toEqual([]);

    await pay(E0 + 1, [
      [b, 10n, 20n, 0n],
      [a, 100n, 300n, 7n],
    ]);
    await waitFor(() => rewardNotices().length === 1, 'the epoch rewards notice');
    const first = posted.find((p) => p.body.type === 'epoch_rewards')!;
    expect(first.authorization).toBe('Bearer owner-secret');
    // Signed with the secret the subscribing answer showed.
    expect(verifyWebhookSignature(first.signature, first.raw, secret, clock.nowMs())).toBe(true);
    const amounts = (h: string, beacon: bigint, witness: bigint, data: bigint) => ({
      hotspot: h,
      name: hotspotName(h),
      beaconAmount: String(beacon),
      witnessAmount: String(witness),
      dataAmount: String(data),
      totalAmount: String(beacon + witness + data),
      standing: beacon + witness + data > 0n ? rewardStanding(beacon + witness + data, SPREAD) : null,
    });
    expect(rewardNotices()[0]).toEqual({
      type: 'epoch_rewards',
      owner: owner.address,
      epoch: E0 + 1,
      start: new Date((E0 + 1) * DAY_MS).toISOString(),
      end: new Date((E0 + 2) * DAY_MS).toISOString(),
      totalAmount: '437',
      paidHotspots: 2,
      // The best paid first; the one paid nothing last, with zeros.
      hotspots: [amounts(a, 100n, 300n, 7n), amounts(b, 10n, 20n, 0n), amounts(c, 0n, 0n, 0n)],
      network: { paidHotspots: 10, mean: '120', median: '60', p90: '400' },
      at: new Date(clock.nowMs()).toISOString(),
    });
    expect(rewardNotices()[0]!.hotspots.map((h) => h.standing)).toEqual(['top_10_percent', 'bottom_half', null]);
    // As the OpenAPI document publishes it.
    expect([...Value.Errors(EpochRewardsNoticeSchema, rewardNotices()[0])]).toEqual([]);
    const doc = await (await fetch(`${node.httpBaseUrl}/docs/json`)).json();
    expect(doc.webhooks['owner-epoch-rewards'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['epoch', 'hotspots', 'network']));
    await waitFor(async () => (await alerts()).rewardsEpochTold === E0 + 1, 'the epoch recorded as told');
    await checks();
    expect(rewardNotices()).toHaveLength(1);
  });

  it('posts a refused notice again until it is taken, then the epochs after it in order, each once', async () => {
    status = 503;
    await pay(E0 + 2, [[c, 0n, 50n, 0n]]);
    await pay(E0 + 3, [[a, 5n, 0n, 0n]], null);
    await waitFor(async () => (await alerts()).lastError === 'status_503', 'the refused post recorded');
    expect((await alerts()).rewardsEpochTold).toBe(E0 + 1);
    const refused = rewardNotices().length;
    expect(refused).toBeGreaterThan(1);
    // Every refused attempt was the oldest untold epoch: none was skipped.
    expect(new Set(rewardNotices().slice(1).map((n) => n.epoch))).toEqual(new Set([E0 + 2]));

    status = 200;
    await waitFor(async () => (await alerts()).rewardsEpochTold === E0 + 3, 'both epochs told');
    await checks();
    const taken = rewardNotices().slice(refused - 1);
    // The last refused attempt may have been retried once more before being taken; then E0 + 3 once.
    expect(taken.map((n) => n.epoch).filter((e) => e === E0 + 3)).toEqual([E0 + 3]);
    expect(taken.at(-1)).toMatchObject({ epoch: E0 + 3, totalAmount: '5', paidHotspots: 1, network: null });
    for (const n of rewardNotices()) expect([...Value.Errors(EpochRewardsNoticeSchema, n)]).toEqual([]);
    expect(taken.at(-1)!.hotspots[0]).toMatchObject({ hotspot: a, totalAmount: '5', standing: null });
    expect((await alerts()).lastError).toBeNull();
  });

  it('keeps its place when the subscription changes, and stops when the owner opts out', async () => {
    const moved = await subscribe({ url: url('/rewards-2'), epochRewards: true });
    expect(moved).toMatchObject({ epochRewards: true, rewardsEpochTold: E0 + 3 });
    const before = rewardNotices().length;
    await pay(E0 + 4, [[b, 1n, 0n, 0n]]);
    await waitFor(() => rewardNotices().length === before + 1, 'the next epoch, at the new URL');
    expect(rewardNotices().at(-1)!.epoch).toBe(E0 + 4);

    const optedOut = await subscribe({ url: url('/rewards-2') });
    expect(optedOut).toMatchObject({ epochRewards: false, rewardsEpochTold: null });
    await pay(E0 + 5, [[b, 1n, 0n, 0n]]);
    await checks();
    expect(rewardNotices()).toHaveLength(before + 1);
  });
});
