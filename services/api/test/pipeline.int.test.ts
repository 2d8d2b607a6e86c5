/**
 * Every read route of the API against PostgreSQL, with data produced by the real pipeline: the
 * simulator drives hotspots and devices over the real protocols into ingest and the router, the
 * verifier judges the PoCs, the rewarder pays epochs; then the API's answers are checked against
 * each other (hex counts against stats, CSV against JSON, proofs against the signed manifest
 * root). Runs on an accelerated clock; nothing here asserts on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ScaledClock } from '@cov/shared/clock';
import { verifyMerkleProof } from '@cov/shared/rewards/merkle';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import type { RouterServiceModule } from '@cov/router/service';
import { NO_CHEATERS } from '@cov/firmware-sim/cheaters/cheater-kinds';
import { AREA_PRESETS } from '@cov/firmware-sim/world/area';
import { buildWorld, type SimWorld } from '@cov/firmware-sim/world/world';
import { runLiveSimulation } from '@cov/firmware-sim/scenario/run-live-simulation';

const MINUTE = 60_000;
const SPEED = 10;
const EPOCH_MS = 4 * MINUTE;
const T0 = Math.floor(Date.UTC(2026, 10, 4, 9, 0, 0) / EPOCH_MS) * EPOCH_MS;

describe('the API over data from the real pipeline (PostgreSQL)', () => {
  let node: TestNode;
  let world: SimWorld;
  let clock: ScaledClock;
  const get = (path: string) => node.call('GET', path);

  beforeAll(async () => {
    clock = new ScaledClock(T0, SPEED);
    node = await startTestNode('postgres', {
      clock,
      overrides: {
        BEACON_INTERVAL_MS: String(MINUTE),
        EPOCH_LENGTH_MS: String(EPOCH_MS),
        EPOCH_SETTLE_DELAY_MS: String(MINUTE),
        VERIFIER_STALE_WITNESS_AFTER_MS: String(MINUTE),
        VERIFIER_POLL_INTERVAL_MS: '300',
        ROUTER_DEDUP_WINDOW_MS: '20',
        COVERAGE_SNAPSHOT_TTL_MS: '0',
      },
    });
    const router = node.modules.find((m) => m.name === 'router') as RouterServiceModule;
    world = buildWorld({
      seed: 'api-pipeline',
      area: AREA_PRESETS.munich!,
      hotspotCount: 24,
      deviceCount: 4,
      dataOnlyShare: 0.1,
      httpShare: 0.3,
      cheaterShares: { ...NO_CHEATERS, self_witness: 0.05 },
      orgCount: 1,
      uplinkIntervalMs: MINUTE,
      confirmedShare: 0.5,
    });
    await runLiveSimulation({
      scenario: 'api-pipeline',
      world,
      backend: { baseUrl: node.httpBaseUrl, adminApiKey: node.adminKey, gwmpHost: '127.0.0.1', gwmpPort: router.router.gwmpPort, clock },
      speed: SPEED,
      durationMs: EPOCH_MS,
      makerName: 'pipeline maker',
      beaconIntervalMs: MINUTE,
      entropyValidityMs: 180_000,
    });
    // Let verification and the first epoch's payment catch up (bounded; the assertions say what is missing).
    const firstEpoch = Math.floor(T0 / EPOCH_MS);
    for (let i = 0; i < 120; i++) {
      const [row] = await node.ctx.database.sql<{ n: number }[]>`select count(*)::int as n from reward_epochs where epoch = ${firstEpoch}`;
      if ((row?.n ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 300_000);

  afterAll(async () => {
    await node?.destroy();
  });

  it('serves hotspots, their status and fleets for every simulated owner', async () => {
    const owners = world.owners.map((o) => o.address);
    let total = 0;
    for (const owner of owners) {
      const fleet = await get(`/v1/owners/${owner}/hotspots`);
      expect(fleet.status).toBe(200);
      total += fleet.body.data.length;
      for (const h of fleet.body.data) expect(h.status).toMatchObject({ online: expect.any(Boolean), lifetimeRewards: expect.stringMatching(/^\d+$/) });
    }
    expect(total).toBe(world.hotspots.length);
    const one = await get(`/v1/hotspots/${world.hotspots[0]!.address}`);
    expect(one.body.location.region).toBe('EU868');
  });

  it('explains PoCs with verdicts, reasons and links, and counts agree with the stats', async () => {
    const stats = await get('/v1/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.hotspots.total).toBe(world.hotspots.length);
    const history = await get(`/v1/stats/history?min_time=${new Date(T0 - MINUTE).toISOString()}&max_time=${new Date(clock.nowMs() + MINUTE).toISOString()}`);
    const beacons = history.body.data.reduce((n: number, r: { beacons: number }) => n + r.beacons, 0);
    expect(beacons).toBeGreaterThan(0);
    const beaconer = world.hotspots.find((h) => h.capability === 'full')!.address;
    const range = `min_time=${new Date(T0 - MINUTE).toISOString()}&max_time=${new Date(clock.nowMs() + MINUTE).toISOString()}`;
    // Only statuses were checked here: an empty or inconsistent answer passed.
    const pocs = await get(`/v1/hotspots/${beaconer}/pocs?limit=500&${range}`);
    expect(pocs.status).toBe(200);
    const own: any[] = pocs.body.beacons;
    expect(own.length).toBeGreaterThan(0);
    expect(pocs.body.cursor).toBeNull();
    // Every verdict explains itself: a reason exactly when invalid, witness counts that add up.
    const explained = (v: { valid: boolean; reason: string | null }) => (v.valid ? v.reason === null : typeof v.reason === 'string' && v.reason.length > 0);
    for (const b of own) {
      expect([b.hotspot, explained(b), b.witnessCount, b.validWitnessCount]).toEqual([beaconer, true, b.witnesses.length, b.witnesses.filter((w: any) => w.valid).length]);
      for (const w of b.witnesses) expect([w.beaconId, w.beaconer, explained(w)]).toEqual([b.beaconId, beaconer, true]);
    }
    // The links of who heard it count exactly the witnesses of its beacons.
    const heardBy = await get(`/v1/hotspots/${beaconer}/witnesses?${range}`);
    expect(heardBy.body.data.reduce((n: number, l: { reports: number }) => n + l.reports, 0)).toBe(own.reduce((n, b) => n + b.witnesses.length, 0));
    const asWitness = await get(`/v1/hotspots/${beaconer}/pocs?role=witness&limit=500&${range}`);
    expect(asWitness.status).toBe(200);
    for (const w of asWitness.body.witnesses) expect([w.hotspot, explained(w)]).toEqual([beaconer, true]);
    const hears = await get(`/v1/hotspots/${beaconer}/witnessed?${range}`);
    expect(hears.body.data.reduce((n: number, l: { reports: number }) => n + l.reports, 0)).toBe(asWitness.body.witnesses.length);
    const selfWitness = await node.ctx.database.sql<{ n: number }[]>`select count(*)::int as n from witness_verdicts where reason = 'self_witness'`;
    expect(selfWitness[0]!.n).toBeGreaterThan(0);
  });

  it('agrees between hex lists, resolutions, hex details and the interactive count', async () => {
    const extent = (await get('/v1/coverage/extent')).body;
    expect(extent.hotspots).toBe(world.hotspots.length);
    const [minLng, minLat, maxLng, maxLat] = extent.bbox as number[];
    const bbox = [minLng! - 0.05, minLat! - 0.05, maxLng! + 0.05, maxLat! + 0.05].map((n) => n.toFixed(5)).join(',');
    const stats = await get('/v1/stats');
    for (const res of [6, 8]) {
      const hexes = await get(`/v1/coverage/hexes?res=${res}&bbox=${bbox}`);
      expect(hexes.status).toBe(200);
      const sum = (k: string) => hexes.body.features.reduce((n: number, f: { properties: Record<string, number> }) => n + f.properties[k]!, 0);
      expect(sum('hotspotCount')).toBe(world.hotspots.length);
      expect(sum('interactiveCount')).toBe(stats.body.hotspots.interactive);
    }
    const first = (await get(`/v1/coverage/hexes?res=8&bbox=${bbox}`)).body.features[0];
    expect((await get(`/v1/hexes/${first.id}`)).body.hex.hotspotCount).toBe(first.properties.hotspotCount);
    expect((await get('/v1/coverage/point?lat=48.14&lng=11.58')).status).toBe(200);
    expect((await get(`/v1/coverage/hotspots?bbox=${bbox}`)).body.data).toHaveLength(world.hotspots.length);
  });

  it('pays the first epoch from a signed manifest whose totals, CSV and proofs agree', async () => {
    const epochs = await get('/v1/rewards/epochs');
    expect(epochs.status).toBe(200);
    expect(epochs.body.data.length).toBeGreaterThan(0);
    const epoch = epochs.body.data.at(-1).epoch;
    const paid = await get(`/v1/rewards/epochs/${epoch}/hotspots`);
    const winner = paid.body.data[0];
    expect(winner).toBeDefined();
    const range = `min_time=${new Date(T0).toISOString()}&max_time=${new Date(T0 + EPOCH_MS).toISOString()}`;
    const json = await get(`/v1/hotspots/${winner.address}/rewards?${range}`);
    const csv = await get(`/v1/hotspots/${winner.address}/rewards?${range}&format=csv`);
    const csvTotal = csv.text.trim().split('\r\n').slice(1).reduce((s, l) => s + BigInt(l.split(',')[5]!), 0n);
    expect(csvTotal.toString()).toBe(json.body.totals.total);
    expect((await get(`/v1/hotspots/${winner.address}/rewards/sum?${range}`)).body.total).toBe(json.body.totals.total);
    const proof = await get(`/v1/hotspots/${winner.address}/rewards/proof?epoch=${epoch}`);
    const summary = await get(`/v1/rewards/epochs/${epoch}`);
    expect(proof.body.root).toBe(summary.body.manifest.merkleRoot);
    expect(verifyMerkleProof({ root: proof.body.root, leaf: { address: winner.address, amount: BigInt(proof.body.leaf.amount) }, proof: proof.body.proof })).toBe(true);
    const owner = world.owners[world.hotspots.find((h) => h.address === winner.address)!.owner]!.address;
    const fleet = await get(`/v1/owners/${owner}/rewards?${range}`);
    expect(fleet.body.data.find((r: { address: string }) => r.address === winner.address).total).toBe(json.body.totals.total);
  });

  // Events themselves are checked in stream.int.test.ts: the simulation is over by now.
  it('opens the live feed and serves the map page', async () => {
    const ws = new WebSocket(`${node.httpBaseUrl.replace('http', 'ws')}/v1/stream`);
    const hello = await new Promise<any>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(d.toString())));
      ws.once('error', reject);
    });
    expect(hello.type).toBe('hello');
    ws.close();
    const map = await get('/map');
    expect([map.status, map.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
  });
});
