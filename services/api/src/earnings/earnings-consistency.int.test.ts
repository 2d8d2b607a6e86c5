// One epoch paid by the real rewarder, read through every owner-facing view: each must give a
// hotspot the same amounts, to the base unit, as the signed manifest file.
import { readFileSync } from 'node:fs';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { verifyMerkleProof } from '@cov/shared/rewards/merkle';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { runDueEpochs } from '@cov/rewarder/epoch-scheduler';
import type { SignedManifest } from '@cov/rewarder/reward-manifest';
import { rewarderDeps } from '@cov/rewarder/rewarder-deps';
import { DAY_MS, epochFixture } from '@cov/rewarder/testing/epoch-fixture';

const EPOCH = Math.floor(Date.UTC(2026, 10, 4) / DAY_MS); // a Wednesday
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(['postgres', 'embedded'] as const)('owner earnings agree with the signed manifest (%s)', (mode) => {
  let node: TestNode;
  let signed: SignedManifest;
  const clock = new ManualClock((EPOCH - 3) * DAY_MS);
  const fx = epochFixture(EPOCH, `earnings-consistency/${mode}`);
  const owner = keypairFromLabel(`earnings-consistency/${mode}/owner`).address;
  const get = async (path: string) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`);
    const text = await res.text();
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as any) : undefined };
  };

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    await fx.insert(node.ctx.database.sql);
    clock.set((EPOCH + 1) * DAY_MS + 3_600_000);
    const outcomes = await runDueEpochs(rewarderDeps(node.ctx));
    expect(outcomes.at(-1)).toMatchObject({ status: 'computed', epoch: EPOCH });
    const summary = (await get(`/v1/rewards/epochs/${EPOCH}`)).body;
    signed = JSON.parse(readFileSync(join(node.config.DATA_DIR, 'manifests', summary.manifest.file), 'utf8')) as SignedManifest;
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('gives every paid hotspot the manifest amounts in every per-hotspot view', async () => {
    const m = signed.manifest;
    expect(m.hotspots.length).toBeGreaterThan(3);
    const window = `min_time=${iso(m.startMs)}&max_time=${iso(m.endMs)}`;

    // The epoch's hotspot list, read in small pages.
    const listed: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await get(`/v1/rewards/epochs/${EPOCH}/hotspots?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
      listed.push(...page.data);
      cursor = page.cursor;
    } while (cursor);
    expect(listed.map((r) => r.address)).toEqual(m.hotspots.map((h) => h.address));

    for (const [i, h] of m.hotspots.entries()) {
      const total = (BigInt(h.beaconAmount) + BigInt(h.witnessAmount) + BigInt(h.dataAmount)).toString();
      const split = { beacon: h.beaconAmount, witness: h.witnessAmount, data: h.dataAmount, total };
      const amounts = { beaconAmount: h.beaconAmount, witnessAmount: h.witnessAmount, dataAmount: h.dataAmount, totalAmount: total, lifetimeAmount: h.lifetimeAmount };
      expect(listed[i]).toMatchObject({ address: h.address, epoch: EPOCH, ...amounts });

      const history = (await get(`/v1/hotspots/${h.address}/rewards/epochs`)).body.data;
      expect(history.find((r: any) => r.epoch === EPOCH)).toMatchObject(amounts);

      // Weeks are ISO weeks: the Wednesday epoch is in the week starting Monday 2026-11-02.
      for (const [bucket, start] of [['epoch', iso(m.startMs)], ['day', iso(m.startMs)], ['week', '2026-11-02T00:00:00.000Z']] as const) {
        const res = (await get(`/v1/hotspots/${h.address}/rewards?${window}&bucket=${bucket}`)).body;
        expect([bucket, res.data]).toEqual([bucket, [{ start, epochs: 1, ...split }]]);
        expect(res.totals).toEqual(split);
        const csv = (await get(`/v1/hotspots/${h.address}/rewards?${window}&bucket=${bucket}&format=csv`)).text;
        expect(csv).toBe(`start,epochs,beacon,witness,data,total\r\n${start},1,${h.beaconAmount},${h.witnessAmount},${h.dataAmount},${total}\r\n`);
        const sum = (await get(`/v1/hotspots/${h.address}/rewards/sum?${window}&bucket=${bucket}`)).body;
        expect(sum).toMatchObject({ buckets: 1, total, min: total, max: total, median: total, split });
      }

      const proof = (await get(`/v1/hotspots/${h.address}/rewards/proof?epoch=${EPOCH}`)).body;
      expect(proof.root).toBe(m.lifetime.merkleRoot);
      expect(proof.leaf).toEqual({ address: h.address, amount: h.lifetimeAmount });
      expect(verifyMerkleProof({ root: m.lifetime.merkleRoot, leaf: { address: h.address, amount: BigInt(h.lifetimeAmount) }, proof: proof.proof })).toBe(true);

      // The epoch is the latest paid: the lifetime total in the hotspot view is the manifest's.
      expect((await get(`/v1/hotspots/${h.address}`)).body.status.lifetimeRewards).toBe(h.lifetimeAmount);
    }
  });

  it("sums a fleet to its hotspots' amounts and the manifest's hotspot total", async () => {
    const m = signed.manifest;
    const window = `min_time=${iso(m.startMs)}&max_time=${iso(m.endMs)}`;
    const fleet = (await get(`/v1/owners/${owner}/rewards?${window}`)).body;
    const paid = new Map(m.hotspots.map((h) => [h.address, h]));
    for (const r of fleet.data) {
      const h = paid.get(r.address);
      expect(r).toEqual({
        address: r.address,
        name: hotspotName(r.address),
        beacon: h?.beaconAmount ?? '0',
        witness: h?.witnessAmount ?? '0',
        data: h?.dataAmount ?? '0',
        total: h ? (BigInt(h.beaconAmount) + BigInt(h.witnessAmount) + BigInt(h.dataAmount)).toString() : '0',
      });
    }
    expect(fleet.data.filter((r: any) => r.total !== '0').map((r: any) => r.address).sort()).toEqual([...paid.keys()].sort());
    expect(fleet.totals).toEqual({ beacon: m.totals.beacon, witness: m.totals.witness, data: m.totals.data, total: m.totals.hotspots });
    const csv = (await get(`/v1/owners/${owner}/rewards?${window}&format=csv`)).text.trim().split('\r\n');
    expect(csv[0]).toBe('address,beacon,witness,data,total,name');
    expect(csv.slice(1)).toEqual(fleet.data.map((r: any) => [r.address, r.beacon, r.witness, r.data, r.total, r.name].join(',')));
  });
});
