import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { allPages } from '@cov/app/testing/keyset-pages';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { runDueEpochs } from '@cov/rewarder/epoch-scheduler';
import { epochWindow } from '@cov/rewarder/epoch-window';
import { provisionalEmission, refreshProvisionalRewards } from '@cov/rewarder/provisional-rewards';
import { replaceProvisionalEpoch } from '@cov/rewarder/provisional-rewards-repository';
import { rewarderDeps, type RewarderDeps } from '@cov/rewarder/rewarder-deps';
import { DAY_MS, epochFixture } from '@cov/rewarder/testing/epoch-fixture';
import { provisionalLeaderboard } from './provisional-rewards-read-repository';

const EPOCH = Math.floor(Date.UTC(2026, 10, 1) / DAY_MS);
const HOUR_MS = 3_600_000;

interface Row {
  address: string;
  beacon: string;
  witness: string;
  data: string;
  total: string;
  beacons: number;
  witnesses: number;
  dc: string;
}

describe.each(allTestModes)('provisional rewards (%s)', (mode) => {
  let node: TestNode;
  let deps: RewarderDeps;
  const clock = new ManualClock((EPOCH - 3) * DAY_MS);
  const fx = epochFixture(EPOCH, 'provisional');
  const owner = keypairFromLabel('provisional/owner').address;
  const berlin = fx.hotspots.berlin!.address;
  let emission: bigint;

  const get = async (path: string) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`);
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
  };
  const rows = async (epoch: number) =>
    node.ctx.database.sql<Row[]>`
      select hotspot_address as address, beacon_amount::text as beacon, witness_amount::text as witness, data_amount::text as data,
             total_amount::text as total, beacons, witnesses, data_dc::text as dc
      from provisional_hotspot_rewards where epoch = ${epoch} order by hotspot_address`;
  const epochsStored = async () => (await node.ctx.database.sql<{ epoch: number }[]>`select epoch from provisional_reward_epochs order by epoch`).map((r) => r.epoch);

  beforeAll(async () => {
    // The rewarder's use cases are driven directly: no service ticks run beside them.
    node = await startTestNode(mode, { services: ['api'], clock });
    deps = rewarderDeps(node.ctx);
    emission = BigInt(node.config.REWARD_EMISSION_PER_EPOCH);
    await fx.insert(node.ctx.database.sql);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('answers with no open epoch before the rewarder has run', async () => {
    expect((await get('/v1/rewards/pending')).body).toEqual({ data: [] });
    expect((await get(`/v1/hotspots/${berlin}`)).body.status.earningSoFar).toBeNull();
    expect((await get(`/v1/hotspots/${berlin}/rewards/pending`)).body).toEqual({ data: [] });
    expect((await get(`/v1/owners/${owner}/rewards/pending`)).body).toEqual({ hotspots: Object.keys(fx.hotspots).length, data: [] });
  });

  it("computes the epoch in progress with the emission of its elapsed share, and serves it per hotspot, fleet and network", async () => {
    clock.set(EPOCH * DAY_MS + HOUR_MS);
    expect((await runDueEpochs(deps)).map((o) => o.status)).toEqual(['computed', 'computed', 'computed']); // EPOCH-3 .. EPOCH-1
    clock.set(EPOCH * DAY_MS + 6 * HOUR_MS);
    const outcomes = await refreshProvisionalRewards(deps);
    expect(outcomes.map((o) => [o.epoch, o.status])).toEqual([[EPOCH, 'computed']]);

    const network = (await get('/v1/rewards/pending')).body.data;
    expect(network).toHaveLength(1);
    const e = network[0];
    expect(e).toMatchObject({
      epoch: EPOCH,
      start: new Date(EPOCH * DAY_MS).toISOString(),
      end: new Date((EPOCH + 1) * DAY_MS).toISOString(),
      asOf: new Date(EPOCH * DAY_MS + 6 * HOUR_MS).toISOString(),
      status: 'in_progress',
      elapsedShare: 0.25,
      emission: provisionalEmission(emission, epochWindow(EPOCH, DAY_MS), EPOCH * DAY_MS + 6 * HOUR_MS).toString(),
    });
    expect(e.emission).toBe((emission / 4n).toString());
    expect(e.inputs).toMatchObject({ flaggedHotspots: 1, fraudAnalysed: true, unverifiedBeacons: 0 });

    const stored = await rows(EPOCH);
    const sum = (pick: (r: Row) => string) => stored.reduce((n, r) => n + BigInt(pick(r)), 0n).toString();
    expect(e.totals).toEqual({ beacon: sum((r) => r.beacon), witness: sum((r) => r.witness), data: sum((r) => r.data), total: sum((r) => r.total) });
    expect(e.hotspotsRewarded).toBe(stored.filter((r) => r.total !== '0').length);
    // Never more than the elapsed share's emission is split.
    expect(BigInt(e.totals.total)).toBeLessThanOrEqual(emission / 4n);
    expect(BigInt(e.totals.total)).toBeGreaterThan(0n);
    // The flagged hotspot's inputs are counted but, under the exclude policy, paid nothing.
    const flagged = stored.find((r) => r.address === fx.hotspots[fx.flagged[0]!]!.address);
    expect(flagged).toMatchObject({ total: '0' });

    const mine = stored.find((r) => r.address === berlin)!;
    const hotspot = (await get(`/v1/hotspots/${berlin}/rewards/pending`)).body.data;
    expect(hotspot).toEqual([
      {
        epoch: EPOCH,
        start: e.start,
        end: e.end,
        asOf: e.asOf,
        status: 'in_progress',
        elapsedShare: 0.25,
        beaconAmount: mine.beacon,
        witnessAmount: mine.witness,
        dataAmount: mine.data,
        totalAmount: mine.total,
        dataDc: mine.dc,
        beacons: mine.beacons,
        witnesses: mine.witnesses,
      },
    ]);
    expect(BigInt(mine.total)).toBeGreaterThan(0n);
    // The hotspot view shows the total beside the latest paid epoch, and so does the fleet export.
    expect((await get(`/v1/hotspots/${berlin}`)).body.status.earningSoFar).toEqual({ epoch: EPOCH, asOf: e.asOf, totalAmount: mine.total });
    const csv = (await fetch(`${node.httpBaseUrl}/v1/owners/${owner}/hotspots?format=csv`).then((r) => r.text())).trimEnd().split('\r\n');
    const columns = csv[0]!.split(',');
    const rowsByAddress = new Map(csv.slice(1).map((line) => {
      const cells = Object.fromEntries(line.split(',').map((v, i) => [columns[i], v]));
      return [cells.address, cells];
    }));
    expect(rowsByAddress.get(berlin)).toMatchObject({ earning_epoch: String(EPOCH), earning_so_far: mine.total, earning_as_of: e.asOf });

    // Every fixture hotspot has the same owner: the fleet is the network.
    const fleet = (await get(`/v1/owners/${owner}/rewards/pending`)).body;
    expect(fleet.hotspots).toBe(Object.keys(fx.hotspots).length);
    expect(fleet.data).toEqual([
      expect.objectContaining({ epoch: EPOCH, beaconAmount: e.totals.beacon, witnessAmount: e.totals.witness, dataAmount: e.totals.data, totalAmount: e.totals.total, hotspotsEarning: e.hotspotsRewarded }),
    ]);
    // An owner without hotspots: the open epochs, with nothing earned.
    const other = (await get(`/v1/owners/${keypairFromLabel('provisional/nobody').address}/rewards/pending`)).body;
    expect(other).toEqual({ hotspots: 0, data: [expect.objectContaining({ epoch: EPOCH, totalAmount: '0', dataDc: '0', hotspotsEarning: 0 })] });
  });

  it('counts only the data carried before asOf', async () => {
    const early = await rows(EPOCH);
    clock.set((EPOCH + 1) * DAY_MS - 1);
    await refreshProvisionalRewards(deps);
    const late = await rows(EPOCH);
    const dc = (rs: Row[]) => rs.reduce((n, r) => n + BigInt(r.dc), 0n);
    expect(dc(late)).toBeGreaterThanOrEqual(dc(early));
    const [copies] = await node.ctx.database.sql<{ early: string; all: string }[]>`
      select coalesce(sum(dc) filter (where received_at_ms < ${EPOCH * DAY_MS + 6 * HOUR_MS}), 0)::text as early,
             coalesce(sum(dc), 0)::text as all
      from packet_copies where received_at_ms >= ${EPOCH * DAY_MS} and received_at_ms < ${(EPOCH + 1) * DAY_MS}`;
    expect(dc(early).toString()).toBe(copies!.early);
    expect(dc(late).toString()).toBe(copies!.all);
  });

  it('gives the same rows when run again', async () => {
    const before = await rows(EPOCH);
    await refreshProvisionalRewards(deps);
    expect(await rows(EPOCH)).toEqual(before);
  });

  it("walks an open epoch's hotspots best earning first, in pages of any size, and as CSV", async () => {
    const stored = await rows(EPOCH);
    const expected = [...stored].sort((a, b) => (BigInt(b.total) > BigInt(a.total) ? 1 : BigInt(b.total) < BigInt(a.total) ? -1 : a.address < b.address ? -1 : 1));
    // The flagged hotspot is listed too, with nothing earned, last.
    expect(expected.at(-1)).toMatchObject({ address: fx.hotspots[fx.flagged[0]!]!.address, total: '0' });
    for (const limit of [1, 3, 100]) {
      const walked = await allPages<any>((cursor) => get(`/v1/rewards/pending/${EPOCH}/hotspots?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
      expect(walked.map((h) => [h.address, h.totalAmount, h.beacons, h.witnesses, h.dataDc]), `limit ${limit}`).toEqual(expected.map((r) => [r.address, r.total, r.beacons, r.witnesses, r.dc]));
    }
    const first = (await get(`/v1/rewards/pending/${EPOCH}/hotspots?limit=2`)).body;
    expect(first.asOf).toBe(new Date(clock.nowMs()).toISOString());
    expect(first.data[0]).toMatchObject({ name: hotspotName(expected[0]!.address), beaconAmount: expected[0]!.beacon, witnessAmount: expected[0]!.witness, dataAmount: expected[0]!.data });
    const csv = await fetch(`${node.httpBaseUrl}/v1/rewards/pending/${EPOCH}/hotspots?limit=2&format=csv`);
    expect(csv.headers.get('x-next-cursor')).toBe(first.cursor);
    const [header, ...lines] = (await csv.text()).trimEnd().split('\r\n');
    expect(header).toBe('address,name,epoch,beacon_amount,witness_amount,data_amount,total_amount,beacons,witnesses,data_dc,as_of');
    expect(lines.map((l) => l.split(',')[0])).toEqual(expected.slice(0, 2).map((r) => r.address));
    // A paid epoch is not open; a cursor of another order or a forged total is refused.
    expect(await get(`/v1/rewards/pending/${EPOCH - 1}/hotspots`)).toMatchObject({ status: 404, body: { error: { code: 'rewards.epoch_not_found' } } });
    const addressCursor = Buffer.from(JSON.stringify({ a: berlin })).toString('base64url');
    expect((await get(`/v1/rewards/pending/${EPOCH}/hotspots?cursor=${addressCursor}`)).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ t: '99999999999999999999', a: berlin })).toString('base64url');
    expect((await get(`/v1/rewards/pending/${EPOCH}/hotspots?cursor=${forged}`)).status).toBe(400);
  });

  it.runIf(mode === 'postgres')("walks the open epoch's leaderboard through its index, without sorting the epoch", async () => {
    for (const after of [undefined, { total: 1000n, address: berlin }]) {
      // The fixture is tiny, so scanning and sorting would be cheapest; with both priced out, a Sort
      // left in the plan means the index cannot give the order.
      const plan = await node.ctx.database.sql.begin(async (tx) => {
        await tx`set local enable_seqscan = off`;
        await tx`set local enable_sort = off`;
        const [row] = await tx`explain (format json) ${provisionalLeaderboard(tx, EPOCH, after, 101)}`;
        return JSON.stringify(row);
      });
      expect([plan.includes('"Index Name":"provisional_hotspot_rewards_epoch_total_idx"'), plan.includes('"Node Type":"Sort"')]).toEqual([true, false]);
    }
  });

  it('pays an ended epoch exactly its provisional amounts, and its rows leave in the paying transaction', async () => {
    clock.set((EPOCH + 1) * DAY_MS + 10 * 60_000); // ended, within the settle delay
    const outcomes = await refreshProvisionalRewards(deps);
    expect(outcomes.map((o) => [o.epoch, o.status])).toEqual([
      [EPOCH, 'computed'],
      [EPOCH + 1, 'computed'],
    ]);
    const network = (await get('/v1/rewards/pending')).body.data;
    expect(network.map((e: any) => [e.epoch, e.status, e.elapsedShare])).toEqual([
      [EPOCH + 1, 'in_progress', 10 / (24 * 60)],
      [EPOCH, 'awaiting_payment', 1],
    ]);
    expect(network[1].emission).toBe(emission.toString());
    const provisional = (await rows(EPOCH)).filter((r) => r.total !== '0');

    clock.set((EPOCH + 1) * DAY_MS + HOUR_MS);
    expect((await runDueEpochs(deps)).map((o) => [o.epoch, o.status])).toEqual([[EPOCH, 'computed']]);
    const paid = await node.ctx.database.sql<Row[]>`
      select hotspot_address as address, beacon_amount::text as beacon, witness_amount::text as witness, data_amount::text as data, total_amount::text as total
      from hotspot_epoch_rewards where epoch = ${EPOCH} order by hotspot_address`;
    expect(paid).toEqual(provisional.map(({ address, beacon, witness, data, total }) => ({ address, beacon, witness, data, total })));
    expect(await epochsStored()).toEqual([EPOCH + 1]);
    expect((await get('/v1/rewards/pending')).body.data.map((e: any) => e.epoch)).toEqual([EPOCH + 1]);
    expect((await get(`/v1/hotspots/${berlin}/rewards/pending`)).body.data.map((e: any) => e.epoch)).toEqual([EPOCH + 1]);
    expect((await get(`/v1/hotspots/${berlin}`)).body.status.earningSoFar.epoch).toBe(EPOCH + 1);
    expect((await get(`/v1/rewards/pending/${EPOCH}/hotspots`)).status).toBe(404);
  });

  it("never serves a run of an epoch paid since, and the next run removes it", async () => {
    // A run that committed after the epoch's payment (the two raced).
    await node.ctx.database.sql.begin(async (tx) =>
      replaceProvisionalEpoch(
        tx,
        { epoch: EPOCH, startMs: EPOCH * DAY_MS, endMs: (EPOCH + 1) * DAY_MS, asOfMs: (EPOCH + 1) * DAY_MS, parameterSetId: 1, hotspotsRewarded: 1, emission, beaconAmount: 5n, witnessAmount: 0n, dataAmount: 0n, dataDc: 0n, summary: {}, computedAtMs: clock.nowMs() },
        [{ address: berlin, beaconAmount: 5n, witnessAmount: 0n, dataAmount: 0n, beacons: 1, witnesses: 0, dataDc: 0n }],
      ),
    );
    expect(await epochsStored()).toEqual([EPOCH, EPOCH + 1]);
    expect((await get('/v1/rewards/pending')).body.data.map((e: any) => e.epoch)).toEqual([EPOCH + 1]);
    expect((await get(`/v1/hotspots/${berlin}/rewards/pending`)).body.data.map((e: any) => e.epoch)).toEqual([EPOCH + 1]);
    expect((await get(`/v1/owners/${owner}/rewards/pending`)).body.data.map((e: any) => e.epoch)).toEqual([EPOCH + 1]);
    await refreshProvisionalRewards(deps);
    expect(await epochsStored()).toEqual([EPOCH + 1]);
  });

  it('refuses bad input with stable codes', async () => {
    expect(await get('/v1/hotspots/not-an-address/rewards/pending')).toMatchObject({ status: 400, body: { error: { code: 'keys.invalid_address' } } });
    expect(await get(`/v1/hotspots/${keypairFromLabel('provisional/unknown').address}/rewards/pending`)).toMatchObject({ status: 404, body: { error: { code: 'hotspots.not_found' } } });
    expect(await get('/v1/owners/zzz/rewards/pending')).toMatchObject({ status: 400, body: { error: { code: 'keys.invalid_address' } } });
    expect((await get('/v1/countries/D1/rewards/pending')).status).toBe(400);
    expect((await get('/v1/countries/QQ/rewards/pending')).status).toBe(404);
  });
});

describe('provisional rewards on the rewarder service (postgres)', () => {
  let node: TestNode;
  const clock = new ManualClock(EPOCH * DAY_MS + 12 * HOUR_MS);

  beforeAll(async () => {
    node = await startTestNode('postgres', { services: ['rewarder', 'api'], clock, overrides: { PROVISIONAL_REWARDS_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('recomputes them on its own ticks (without inputs ever, the epoch in progress only)', async () => {
    await vi.waitFor(async () => expect((await fetch(`${node.httpBaseUrl}/v1/rewards/pending`).then((r) => r.json())).data.map((e: any) => e.asOf)).toEqual([new Date(clock.nowMs()).toISOString()]), { timeout: 30_000, interval: 50 });
    clock.set(EPOCH * DAY_MS + 13 * HOUR_MS);
    await vi.waitFor(async () => expect((await fetch(`${node.httpBaseUrl}/v1/rewards/pending`).then((r) => r.json())).data[0].asOf).toBe(new Date(clock.nowMs()).toISOString()), { timeout: 30_000, interval: 50 });
  });
});
