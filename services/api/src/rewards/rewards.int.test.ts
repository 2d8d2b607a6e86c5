import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { verifyMerkleProof } from '@cov/shared/rewards/merkle';
import { cellToLatLng, cellToParent } from 'h3-js';
import { allPages } from '@cov/app/testing/keyset-pages';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { runDueEpochs } from '@cov/rewarder/epoch-scheduler';
import { verifySignedManifest } from '@cov/rewarder/manifest-verification';
import type { SignedManifest } from '@cov/rewarder/reward-manifest';
import { rewarderDeps } from '@cov/rewarder/rewarder-deps';
import { DAY_MS, epochFixture } from '@cov/rewarder/testing/epoch-fixture';
import { fillRewardDistributions } from '@cov/rewarder/reward-distribution-backfill';
import { rewardDistribution, rewardStanding } from '@cov/shared/rewards/reward-distribution';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { epochLeaderboardQuery } from './rewards-read-repository';

const EPOCH = Math.floor(Date.UTC(2026, 10, 1) / DAY_MS);

describe.each(allTestModes)('rewards API (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock((EPOCH - 3) * DAY_MS);
  const fx = epochFixture(EPOCH, 'rewards-api');
  const berlin = fx.hotspots.berlin!.address;

  const get = async (path: string) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`);
    const text = await res.text();
    return { status: res.status, text, body: text ? (JSON.parse(text) as any) : undefined };
  };

  /** Every hotspot the epoch paid, walking its pages. */
  const allEpochHotspots = (epoch: number) => allPages<any>((cursor) => get(`/v1/rewards/epochs/${epoch}/hotspots?limit=100${cursor ? `&cursor=${cursor}` : ''}`));

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    await fx.insert(node.ctx.database.sql);
    clock.set((EPOCH + 1) * DAY_MS + 3_600_000);
    const outcomes = await runDueEpochs(rewarderDeps(node.ctx));
    expect(outcomes.map((o) => o.status)).toEqual(['computed', 'computed', 'computed', 'computed']);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('summarises an epoch: manifest hash, signature, root, parameters, totals, accounting', async () => {
    const res = await get(`/v1/rewards/epochs/${EPOCH}`);
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s).toMatchObject({ epoch: EPOCH, start: new Date(EPOCH * DAY_MS).toISOString(), parameters: { setId: 1, effectiveFromEpoch: 0 } });
    expect(s.manifest.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.accounting).toMatchObject({ dcBurned: '1235', dcBurnedUsd: '0.01235', tokensEmitted: node.config.REWARD_EMISSION_PER_EPOCH });
    const t = s.totals;
    expect(BigInt(t.beacon) + BigInt(t.witness) + BigInt(t.data) + BigInt(t.operations) + BigInt(t.oracles) + BigInt(t.unallocated)).toBe(BigInt(t.emission));
    expect(s.inputs).toMatchObject({ interactiveHotspots: 11, flaggedHotspots: 1 });

    const list = await get('/v1/rewards/epochs?limit=3');
    expect(list.body.data.map((e: { epoch: number }) => e.epoch)).toEqual([EPOCH, EPOCH - 1, EPOCH - 2]);
    const next = await get(`/v1/rewards/epochs?limit=3&cursor=${list.body.cursor}`);
    expect([next.body.data.map((e: { epoch: number }) => e.epoch), next.body.cursor]).toEqual([[EPOCH - 3], null]);
  });

  it('serves the signed manifest exactly as published, and it verifies', async () => {
    const summary = (await get(`/v1/rewards/epochs/${EPOCH}`)).body;
    const res = await get(`/v1/rewards/epochs/${EPOCH}/manifest`);
    expect(res.status).toBe(200);
    const signed = res.body as SignedManifest;
    expect(signed.hash).toBe(summary.manifest.hash);
    expect(verifySignedManifest(signed, { expectedPublicKey: Buffer.from(node.ctx.oracleKey.publicKey).toString('hex') }).ok).toBe(true);
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    expect(res.text).toBe(readFileSync(join(node.config.DATA_DIR, 'manifests', summary.manifest.file), 'utf8'));
  });

  it("lists a hotspot's rewards per epoch, newest first, with the lifetime total", async () => {
    const res = await get(`/v1/hotspots/${berlin}/rewards/epochs?limit=2`);
    expect(res.status).toBe(200);
    const [latest, before] = res.body.data;
    expect(latest.epoch).toBe(EPOCH);
    expect(BigInt(latest.totalAmount)).toBe(BigInt(latest.beaconAmount) + BigInt(latest.witnessAmount) + BigInt(latest.dataAmount));
    expect(BigInt(latest.lifetimeAmount)).toBe(BigInt(before.lifetimeAmount) + BigInt(latest.totalAmount));
    expect(latest.dataDc).toBe('35');
    expect(latest.beaconShares).toMatch(/^\d+\.\d{8}$/);
    const rest = await get(`/v1/hotspots/${berlin}/rewards/epochs?limit=2&cursor=${res.body.cursor}`);
    expect(rest.body.data.every((r: { epoch: number }) => r.epoch < before.epoch)).toBe(true);

    const epochList = await get(`/v1/rewards/epochs/${EPOCH}/hotspots?limit=4`);
    const page2 = await get(`/v1/rewards/epochs/${EPOCH}/hotspots?limit=100&cursor=${epochList.body.cursor}`);
    const all = [...epochList.body.data, ...page2.body.data];
    expect(all.map((r: { address: string }) => r.address)).toContain(berlin);
    expect(new Set(all.map((r: { address: string }) => r.address)).size).toBe(all.length);
    expect(all.map((r: { address: string }) => r.address)).not.toContain(fx.hotspots.cheat!.address);
    // An onboarded hotspot never paid has an empty history.
    expect((await get(`/v1/hotspots/${fx.hotspots.cheat!.address}/rewards/epochs`)).body).toEqual({ data: [], cursor: null });
  });

  it("shows how an epoch's rewards spread over its hotspots, and where each hotspot stands", async () => {
    const all = await allEpochHotspots(EPOCH);
    const totals = all.map((h: { totalAmount: string }) => BigInt(h.totalAmount));
    const summary = (await get(`/v1/rewards/epochs/${EPOCH}`)).body;
    // What the rewarder recorded is the spread of exactly the rows the epoch's hotspot list shows.
    expect(summary.perHotspot).toEqual(rewardDistribution(totals));
    expect(summary.perHotspot.hotspots).toBe(summary.hotspotsRewarded);
    expect(BigInt(summary.perHotspot.max)).toBe(totals.reduce((m: bigint, t: bigint) => (t > m ? t : m), 0n));
    for (const h of all) expect(h.standing, h.address).toBe(rewardStanding(BigInt(h.totalAmount), summary.perHotspot));
    // The epoch's hotspots as CSV, page by page: the rows the JSON pages carry.
    const firstPage = await get(`/v1/rewards/epochs/${EPOCH}/hotspots?limit=4`);
    const csv = await fetch(`${node.httpBaseUrl}/v1/rewards/epochs/${EPOCH}/hotspots?limit=4&format=csv`);
    expect(csv.headers.get('x-next-cursor')).toBe(firstPage.body.cursor);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('address,epoch,beacon_amount,witness_amount,data_amount,total_amount,lifetime_amount,beacon_shares,witness_shares,data_dc,standing,name');
    expect(lines.slice(1)).toEqual(
      firstPage.body.data.map((h: any) =>
        [h.address, h.epoch, h.beaconAmount, h.witnessAmount, h.dataAmount, h.totalAmount, h.lifetimeAmount, h.beaconShares, h.witnessShares, h.dataDc, h.standing, hotspotName(h.address)].join(','),
      ),
    );
    // The coverage map shows the latest paid epoch's rewards per hex: berlin's hex, with its hotspots.
    const berlinHex = cellToParent(fx.hotspots.berlin!.cell, 8);
    const hex = (await get(`/v1/hexes/${berlinHex}`)).body;
    const paidIn = new Map(all.map((h: { address: string; totalAmount: string }) => [h.address, BigInt(h.totalAmount)]));
    const members: string[] = hex.hotspots.map((h: { address: string }) => h.address);
    const memberTotals = members.map((a) => paidIn.get(a) ?? 0n);
    expect(hex.hex).toMatchObject({
      rewardedCount: memberTotals.filter((t) => t > 0n).length,
      meanRewards: (memberTotals.reduce((x, y) => x + y, 0n) / BigInt(members.length)).toString(),
    });
    expect(hex.hex.rewardedCount).toBeGreaterThan(0);
    // The next snapshot, of the same epoch, takes the figures over from this one: the same answer.
    clock.advance(node.config.COVERAGE_SNAPSHOT_TTL_MS + 1000);
    const rebuilt = (await get(`/v1/hexes/${berlinHex}`)).body;
    expect(rebuilt.hex).toEqual(hex.hex);
    const [lat, lng] = cellToLatLng(berlinHex);
    expect((await get(`/v1/coverage/hexes?res=8&bbox=${lng - 0.01},${lat - 0.01},${lng + 0.01},${lat + 0.01}`)).body.rewardsEpoch).toBe(EPOCH);
    // Only a hotspot's own list carries the network figures beside its amounts.
    expect(all[0]).not.toHaveProperty('network');
    const [mine] = (await get(`/v1/hotspots/${berlin}/rewards/epochs?limit=1`)).body.data;
    // The hotspot's own view says the same of the latest paid epoch.
    expect((await get(`/v1/hotspots/${berlin}`)).body.status.latestEpoch).toEqual({ epoch: EPOCH, totalAmount: mine.totalAmount, standing: mine.standing });
    // A registered hotspot the epoch paid nothing (the fixture has some: flagged, or only ever invalid).
    const unpaid = Object.values(fx.hotspots).find((h) => !all.some((p: { address: string }) => p.address === h.address));
    expect(unpaid).toBeDefined();
    expect((await get(`/v1/hotspots/${unpaid!.address}`)).body.status.latestEpoch).toEqual({ epoch: EPOCH, totalAmount: '0', standing: null });
    const { median, mean, p90, hotspots } = summary.perHotspot;
    expect(mine.network).toEqual({ hotspots, median, mean, p90 });
    expect(mine.standing).toBe(rewardStanding(BigInt(mine.totalAmount), summary.perHotspot));
  });

  it("walks an epoch's leaderboard, best paid first with ties by address, in pages that neither skip nor repeat", async () => {
    const all = await allEpochHotspots(EPOCH);
    const expected = [...all].sort((x: any, y: any) => {
      const [tx, ty] = [BigInt(x.totalAmount), BigInt(y.totalAmount)];
      return tx !== ty ? (tx > ty ? -1 : 1) : x.address < y.address ? -1 : 1;
    });
    for (const limit of [1, 3, 100]) {
      const board = await allPages<any>((cursor) => get(`/v1/rewards/epochs/${EPOCH}/hotspots?order=total&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
      expect(board.map((h: any) => h.address)).toEqual(expected.map((h: any) => h.address));
    }
    // Same rows as the address order, each as that order shows it.
    const first = await get(`/v1/rewards/epochs/${EPOCH}/hotspots?order=total&limit=2`);
    expect(first.body.data).toEqual(expected.slice(0, 2));
    const csv = await fetch(`${node.httpBaseUrl}/v1/rewards/epochs/${EPOCH}/hotspots?order=total&limit=2&format=csv`);
    expect(csv.headers.get('x-next-cursor')).toBe(first.body.cursor);
    expect((await csv.text()).trim().split('\r\n').slice(1).map((l) => l.split(',')[0])).toEqual(expected.slice(0, 2).map((h: any) => h.address));
    // A cursor belongs to its order.
    const byAddress = await get(`/v1/rewards/epochs/${EPOCH}/hotspots?limit=2`);
    expect((await get(`/v1/rewards/epochs/${EPOCH}/hotspots?order=total&cursor=${byAddress.body.cursor}`)).body.error.code).toBe('request.invalid');
    expect((await get(`/v1/rewards/epochs/${EPOCH}/hotspots?cursor=${first.body.cursor}`)).body.error.code).toBe('request.invalid');
    const forged = (t: unknown) => Buffer.from(JSON.stringify({ t, a: expected[0].address })).toString('base64url');
    for (const t of ['-1', '1e3', '99999999999999999999', 5, '007']) {
      expect((await get(`/v1/rewards/epochs/${EPOCH}/hotspots?order=total&cursor=${forged(t)}`)).body.error.code, String(t)).toBe('request.invalid');
    }
    expect((await get(`/v1/rewards/epochs/${EPOCH}/hotspots?order=amount`)).body.error.code).toBe('request.invalid');
    // Ties (the fixture's epoch has none): an epoch made for this, removed after.
    const { sql } = node.ctx.database;
    const tied = EPOCH - 40;
    const addresses = ['1a', '1b', '1c', '1d', '1e'].map((x) => keypairFromLabel(`rewards-api/${mode}/tie-${x}`).address);
    const splits: [bigint, bigint, bigint][] = [[5n, 0n, 0n], [10n, 0n, 0n], [0n, 10n, 0n], [3n, 3n, 4n], [20n, 0n, 0n]];
    try {
      // A copy of the fixture's epoch row under another number.
      await sql`insert into reward_epochs select (jsonb_populate_record(null::reward_epochs,
        to_jsonb(e) || jsonb_build_object('epoch', ${tied}::int, 'start_ms', ${tied * DAY_MS}::bigint, 'end_ms', ${(tied + 1) * DAY_MS}::bigint))).*
        from reward_epochs e where epoch = ${EPOCH}`;
      for (const [i, [beacon, witness, data]] of splits.entries()) {
        await sql`insert into hotspot_epoch_rewards (hotspot_address, epoch, beacon_amount, witness_amount, data_amount, beacon_shares_e8, witness_shares_e8, data_dc, lifetime_amount)
          values (${addresses[i]!}, ${tied}, ${beacon.toString()}, ${witness.toString()}, ${data.toString()}, 0, 0, 0, 0)`;
      }
      const tiedTen = addresses.slice(1, 4).sort();
      for (const limit of [1, 2, 5]) {
        const board = await allPages<any>((cursor) => get(`/v1/rewards/epochs/${tied}/hotspots?order=total&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
        expect(board.map((h: any) => [h.address, h.totalAmount])).toEqual([[addresses[4], '20'], ...tiedTen.map((a) => [a, '10']), [addresses[0], '5']]);
      }
    } finally {
      await sql`delete from hotspot_epoch_rewards where epoch = ${tied}`;
      await sql`delete from reward_epochs where epoch = ${tied}`;
    }
  });

  it.runIf(mode === 'postgres')('walks the leaderboard through its index, in order, without sorting the epoch', async () => {
    const { db, sql } = node.ctx.database;
    for (const after of [undefined, { totalAmount: 1000n, address: berlin }]) {
      const query = epochLeaderboardQuery(db, EPOCH, after, 101).toSQL();
      // The fixture's epoch is tiny, so scanning and sorting it would be cheapest; with both priced
      // out, a Sort left in the plan means the index cannot give the order (as with NULLS LAST).
      const plan = await sql.begin(async (tx) => {
        await tx`set local enable_seqscan = off`;
        await tx`set local enable_sort = off`;
        const [row] = await tx.unsafe(`explain (format json) ${query.sql}`, query.params as never[]);
        return JSON.stringify(row);
      });
      expect([after === undefined, plan.includes('"Index Name":"hotspot_epoch_rewards_epoch_total_idx"'), plan.includes('"Node Type":"Sort"')]).toEqual([after === undefined, true, false]);
    }
  });

  it('fills in the spread of epochs paid before it was recorded, from their rows, once', async () => {
    const recorded = (await get(`/v1/rewards/epochs?limit=10`)).body.data.map((e: { epoch: number; perHotspot: unknown }) => [e.epoch, e.perHotspot]);
    const sql = node.ctx.database.sql;
    await sql`update reward_epochs set summary = summary - 'perHotspot'`;
    const older = (await get(`/v1/rewards/epochs/${EPOCH - 1}`)).body;
    expect(older.perHotspot).toBeNull();
    const [mine] = (await get(`/v1/hotspots/${berlin}/rewards/epochs?limit=1`)).body.data;
    expect([mine.standing, mine.network]).toEqual([null, null]);

    expect(await fillRewardDistributions(sql, node.ctx.logger)).toBe(recorded.length);
    expect(await fillRewardDistributions(sql, node.ctx.logger)).toBe(0);
    // The same figures the rewarder recorded when it paid each epoch.
    expect((await get(`/v1/rewards/epochs?limit=10`)).body.data.map((e: { epoch: number; perHotspot: unknown }) => [e.epoch, e.perHotspot])).toEqual(recorded);
  });

  it('gives a Merkle proof of a hotspot lifetime amount that verifies against the signed root', async () => {
    const summary = (await get(`/v1/rewards/epochs/${EPOCH}`)).body;
    const res = await get(`/v1/rewards/epochs/${EPOCH}/proofs/${berlin}`);
    expect(res.status).toBe(200);
    expect(res.body.root).toBe(summary.manifest.merkleRoot);
    const history = (await get(`/v1/hotspots/${berlin}/rewards/epochs?limit=1`)).body.data[0];
    expect(res.body.leaf).toEqual({ address: berlin, amount: history.lifetimeAmount });
    expect(verifyMerkleProof({ root: res.body.root, leaf: { address: berlin, amount: BigInt(res.body.leaf.amount) }, proof: res.body.proof })).toBe(true);
    expect(verifyMerkleProof({ root: res.body.root, leaf: { address: berlin, amount: BigInt(res.body.leaf.amount) + 1n }, proof: res.body.proof })).toBe(false);
    // The owner-facing form of the same proof.
    expect((await get(`/v1/hotspots/${berlin}/rewards/proof?epoch=${EPOCH}`)).body).toEqual(res.body);
  });

  it("tells the owner of a flagged hotspot why it earned no PoC rewards: the flag, its evidence and the policy applied", async () => {
    const cheat = fx.hotspots.cheat!.address;
    // Its valid beacon counts in PoC views, yet it has no paid epoch: the flag is the reason.
    expect((await get(`/v1/hotspots/${cheat}/rewards/epochs`)).body.data).toEqual([]);
    // A flag of the next epoch, not paid yet: no action decided.
    await node.ctx.database.sql`insert into fraud_flags (epoch, hotspot_address, kind, score, evidence) values (${EPOCH + 1}, ${cheat}, 'gaming_ring', 0.5, '{"ring":3}'::jsonb)`;
    const res = await get(`/v1/hotspots/${cheat}/flags?min_time=${new Date((EPOCH - 3) * DAY_MS).toISOString()}&max_time=${new Date((EPOCH + 2) * DAY_MS).toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { epoch: EPOCH + 1, start: new Date((EPOCH + 1) * DAY_MS).toISOString(), end: new Date((EPOCH + 2) * DAY_MS).toISOString(), kind: 'gaming_ring', score: 0.5, evidence: { ring: 3 }, action: null },
      { epoch: EPOCH, start: new Date(EPOCH * DAY_MS).toISOString(), end: new Date((EPOCH + 1) * DAY_MS).toISOString(), kind: 'location_spoofing', score: expect.closeTo(0.97, 5), evidence: { note: 'fixture' }, action: 'exclude' },
    ]);
    // The hotspot's own page says it at once, for the latest paid epoch; a clean hotspot's says null.
    expect((await get(`/v1/hotspots/${cheat}`)).body.status.flaggedLastEpoch).toEqual({ epoch: EPOCH, kinds: ['location_spoofing'], action: 'exclude' });
    expect((await get(`/v1/hotspots/${berlin}`)).body.status.flaggedLastEpoch).toBeNull();
    // Epochs that start in the range, as the earnings views count them.
    const only = await get(`/v1/hotspots/${cheat}/flags?min_time=${new Date(EPOCH * DAY_MS + 1).toISOString()}&max_time=${new Date((EPOCH + 2) * DAY_MS).toISOString()}`);
    expect(only.body.data.map((f: { epoch: number }) => f.epoch)).toEqual([EPOCH + 1]);
    expect((await get(`/v1/hotspots/${berlin}/flags?min_time=-30 day`)).body).toEqual({ data: [] });
  });

  it('answers bad input with stable codes', async () => {
    const stranger = keypairFromLabel('rewards-api/never-onboarded').address;
    const cases: [string, number, string][] = [
      [`/v1/rewards/epochs/${EPOCH + 5}`, 404, 'rewards.epoch_not_found'],
      [`/v1/rewards/epochs/${EPOCH + 5}/manifest`, 404, 'rewards.epoch_not_found'],
      [`/v1/rewards/epochs/${EPOCH + 5}/hotspots`, 404, 'rewards.epoch_not_found'],
      [`/v1/rewards/epochs/${EPOCH + 5}/proofs/${berlin}`, 404, 'rewards.epoch_not_found'],
      [`/v1/rewards/epochs/${EPOCH}/proofs/${stranger}`, 404, 'rewards.not_in_manifest'],
      [`/v1/rewards/epochs/${EPOCH}/proofs/not-an-address`, 400, 'keys.invalid_address'],
      ['/v1/rewards/epochs/-1', 400, 'request.invalid'],
      ['/v1/rewards/epochs/abc', 400, 'request.invalid'],
      ['/v1/rewards/epochs/1.5', 400, 'request.invalid'],
      ['/v1/rewards/epochs?limit=0', 400, 'request.invalid'],
      ['/v1/rewards/epochs?cursor=zzz', 400, 'request.invalid'],
      [`/v1/rewards/epochs/${EPOCH}/hotspots?cursor=${Buffer.from('{"e":1}').toString('base64url')}`, 400, 'request.invalid'],
      [`/v1/rewards/epochs/${EPOCH}/hotspots?cursor=${Buffer.from('{"a":"x\\u0000"}').toString('base64url')}`, 400, 'request.invalid'],
      ['/v1/hotspots/not-an-address/rewards/epochs', 400, 'keys.invalid_address'],
      [`/v1/hotspots/${stranger}/rewards/epochs`, 404, 'hotspots.not_found'],
      // An unknown hotspot is hotspots.not_found on every /v1/hotspots/:address route, with or without a cursor.
      [`/v1/hotspots/${stranger}/rewards/epochs?cursor=${Buffer.from(`{"e":${EPOCH}}`).toString('base64url')}`, 404, 'hotspots.not_found'],
      [`/v1/hotspots/${stranger}/rewards/proof?epoch=${EPOCH}`, 404, 'hotspots.not_found'],
      [`/v1/hotspots/${fx.hotspots.cheat!.address}/rewards/proof?epoch=${EPOCH}`, 404, 'rewards.not_in_manifest'],
      [`/v1/rewards/epochs/${EPOCH + 5}/hotspots?cursor=${Buffer.from('{"a":"1"}').toString('base64url')}`, 404, 'rewards.epoch_not_found'],
      [`/v1/hotspots/${berlin}/rewards/epochs?limit=1000`, 400, 'request.invalid'],
      [`/v1/hotspots/${stranger}/flags`, 404, 'hotspots.not_found'],
      ['/v1/hotspots/not-an-address/flags', 400, 'keys.invalid_address'],
      [`/v1/hotspots/${berlin}/flags?min_time=-400 day`, 400, 'request.invalid'],
      [`/v1/hotspots/${berlin}/rewards/epochs?cursor=${Buffer.from('{"a":"x"}').toString('base64url')}`, 400, 'request.invalid'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(path);
      expect([path, res.status, res.body?.error?.code]).toEqual([path, status, code]);
    }
  });
});
