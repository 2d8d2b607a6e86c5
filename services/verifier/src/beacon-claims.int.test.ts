/**
 * Several verifier processes on one database: each runs a BeaconPoller with its own memory, and
 * only the database is shared. Two (and, for a restarted process, three) pollers on the same
 * database here, with a queue that records what it is given and never runs it: a lost queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { Registry } from '@cov/shared/metrics';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { BeaconPoller } from './beacon-poller';
import { DenylistCache } from './denylist-repository';
import { createVerifierTelemetry } from './telemetry';
import { beaconRow, cellNear, insertEntropy, insertReports, insertTestHotspot, insertTestMaker, testEntropy, type BeaconRow } from './testing/poc-builders';
import { verifyBeaconBatch } from './verify-beacon-batch';
import { verifierSettingsFrom, type VerifierSettings } from './verifier-settings';

const T0 = Date.UTC(2026, 6, 1, 0, 0, 0);
/** Every beacon below is ready (entropy window and allowance passed) and inside the frontier. */
const READY_AT_MS = T0 + 10 * 60_000;
const CLAIM_TTL_MS = 60_000;
const BEACONS = 24;

describe.each(allTestModes)('beacon claims with several pollers (%s)', (mode) => {
  const clock = new ManualClock(READY_AT_MS);
  let node: TestNode;
  let settings: VerifierSettings;
  const beacons: BeaconRow[] = [];
  const allIds = () => beacons.map((b) => b.id!).sort();

  /** A poller as one verifier process runs it, with a queue that only records the ids it is given. */
  function poller(): { tick: () => Promise<unknown>; taken: () => string[] } {
    const batches: string[][] = [];
    const p = new BeaconPoller({
      sql: node.ctx.database.sql,
      settings,
      clock,
      telemetry: createVerifierTelemetry(new Registry()),
      logger: node.ctx.logger,
      enqueue: async (b) => void batches.push(...b),
    });
    return { tick: () => p.tick(), taken: () => batches.splice(0).flat() };
  }

  beforeAll(async () => {
    node = await startTestNode(mode, { services: [], clock });
    // Capacity of one poller (4 x 4 x 2 = 32) is above the 24 beacons, so one tick can take them all.
    settings = { ...verifierSettingsFrom(node.config), batchBeacons: 4, concurrency: 4, claimTtlMs: CLAIM_TTL_MS };
    const db = node.ctx.database.db;
    const maker = await insertTestMaker(db);
    const entropy = testEntropy(`claims/${mode}`, T0 / 1000);
    await insertEntropy(db, [entropy]);
    for (let i = 0; i < BEACONS; i++) {
      const hotspot = await insertTestHotspot(db, maker, { label: `claims/${mode}/${i}`, cell: cellNear(35.9, 14.45, i, 0) });
      beacons.push(beaconRow({ hotspot, entropy, receivedAtMs: T0 + 30_000 + i * 1000 }));
    }
    await insertReports(db, beacons, []);
  });

  afterAll(async () => {
    await node?.destroy();
  });

  it('hands each ready beacon to exactly one of two pollers polling at the same time', async () => {
    const [a, b] = [poller(), poller()];
    const taken: string[] = [];
    for (let round = 0; round < 3; round++) {
      await Promise.all([a.tick(), b.tick()]);
      taken.push(...a.taken(), ...b.taken());
    }
    expect(taken.sort()).toEqual(allIds());
    const rows = await node.ctx.database.sql`select claimed_until_ms from beacon_reports where status = 'pending'`;
    expect(rows.map((r) => Number(r.claimed_until_ms))).toEqual(Array(BEACONS).fill(READY_AT_MS + CLAIM_TTL_MS));

    // Claims live until READY_AT_MS + CLAIM_TTL_MS: no poller hands the beacons out again before,
    // not even a new one (a restarted process) that holds nothing in memory.
    clock.set(READY_AT_MS + CLAIM_TTL_MS - 1);
    const c = poller();
    await Promise.all([a.tick(), b.tick(), c.tick()]);
    expect([...a.taken(), ...b.taken(), ...c.taken()]).toEqual([]);
  });

  it('hands out again, once, beacons whose claim expired with their job lost', async () => {
    clock.set(READY_AT_MS + CLAIM_TTL_MS);
    const [a, b] = [poller(), poller()];
    await Promise.all([a.tick(), b.tick()]);
    expect([...a.taken(), ...b.taken()].sort()).toEqual(allIds());
    await Promise.all([a.tick(), b.tick()]);
    expect([...a.taken(), ...b.taken()]).toEqual([]);
  });

  it('never hands out a beacon verified under an expired claim', async () => {
    // A slow job verifies half the beacons after their claim ran out; the rest stay pending.
    const verified = beacons.slice(0, BEACONS / 2).map((b) => b.id!);
    await verifyBeaconBatch({ sql: node.ctx.database.sql, settings, denylist: new DenylistCache(), nowMs: () => clock.nowMs() }, verified);
    clock.set(READY_AT_MS + 2 * CLAIM_TTL_MS);
    const a = poller();
    await a.tick();
    expect(a.taken().sort()).toEqual(beacons.slice(BEACONS / 2).map((b) => b.id!).sort());
  });
});
