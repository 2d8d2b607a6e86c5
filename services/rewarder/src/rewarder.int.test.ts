import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { Registry } from '@cov/shared/metrics';
import { heliumProto } from '@cov/shared/helium/interop';
import { addressFromBinaryKey } from '@cov/shared/helium/keys';
import { verifyMerkleProof, buildMerkleTree } from '@cov/shared/rewards/merkle';
import { pocRewardUnits } from '@cov/shared/rewards/reward-units';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { PgBurnStore } from '@cov/router/burn-store';
import type { UplinkCopy } from '@cov/router/uplink-copy';
import { runVerifyManifest } from '@cov/cli/commands/verify-manifest';
import { computeEpoch } from './compute-epoch';
import { runDueEpochs } from './epoch-scheduler';
import { readFrames } from './helium-export';
import { parameterSetFromConfig, parameterSetHash } from './parameter-set';
import { recomputeEpoch } from './recompute-epoch';
import { signManifest, type SignedManifest } from './reward-manifest';
import { rewarderDeps, type RewarderDeps } from './rewarder-deps';
import { rewarderMetrics } from './rewarder-metrics';
import { insertParameterSet, parameterSetForEpoch } from './rewards-repository';
import { DAY_MS, epochFixture, referenceShares } from './testing/epoch-fixture';

const EPOCH = Math.floor(Date.UTC(2026, 10, 1) / DAY_MS);
const FIRST = EPOCH - 3; // the fixture's oldest beacon
const keyDir = join(tmpdir(), `rewarder-test-key-${process.pid}`);
mkdirSync(keyDir, { recursive: true });
const keyPath = join(keyDir, 'oracle.key');
writeFileSync(keyPath, `${'7'.repeat(64)}\n`);

/** Manifest bytes of each epoch, per mode: every mode must publish the same bytes. */
const published = new Map<string, Map<number, string>>();

const run = async (argv: string[], env: Record<string, string | undefined>) => {
  let stdout = '';
  let stderr = '';
  const code = await runVerifyManifest(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, env);
  return { code, stdout, stderr, report: stdout ? (JSON.parse(stdout) as { ok: boolean; checks: { name: string; ok: boolean }[]; recompute?: { ok: boolean; differences: unknown[] } }) : undefined };
};

describe.each(allTestModes)('rewarder (%s)', (mode) => {
  let node: TestNode;
  let deps: RewarderDeps;
  const clock = new ManualClock(EPOCH * DAY_MS + 3_600_000);
  const fx = epochFixture(EPOCH);
  const files = (): string[] => readdirSync(deps.manifestsDir).sort();
  const manifestPath = (epoch: number) => join(deps.manifestsDir, `epoch-${String(epoch).padStart(8, '0')}.manifest.json`);
  const readManifest = (epoch: number) => JSON.parse(readFileSync(manifestPath(epoch), 'utf8')) as SignedManifest;
  const count = async (table: string) => Number((await node.ctx.database.sql.unsafe(`select count(*)::int as n from ${table}`))[0]!.n);

  beforeAll(async () => {
    // The use cases are driven directly (the service's own ticks are tested below), so no periodic
    // task runs queries concurrently with the fixture inserts.
    node = await startTestNode(mode, { services: [], clock, overrides: { ORACLE_KEY_PATH: keyPath } });
    deps = rewarderDeps(node.ctx);
    await fx.insert(node.ctx.database.sql);
    clock.set((EPOCH + 1) * DAY_MS + 3_600_000); // one hour after the epoch ended: past the 30 min settle delay
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it("waits for the verifier's fraud analytics of an epoch before paying it", async () => {
    const sql = deps.sql;
    await sql`update verifier_cursors set value_ms = ${FIRST * DAY_MS} where name = 'fraud_analysis'`;
    expect(await runDueEpochs(deps)).toMatchObject([{ status: 'waiting', epoch: FIRST, reason: 'fraud_analysis_pending' }]);
    await sql`delete from verifier_cursors where name = 'fraud_analysis'`;
    expect(await runDueEpochs(deps)).toMatchObject([{ status: 'waiting', epoch: FIRST, reason: 'fraud_analysis_pending' }]);
    await sql`insert into verifier_cursors (name, value_ms) values ('fraud_analysis', ${(EPOCH + 1) * DAY_MS})`;
    expect(await count('reward_epochs')).toBe(0);
  });

  it('leaves no trace when the process dies inside the paying transaction', async () => {
    const boom = () => {
      throw new Error('simulated crash');
    };
    await expect(runDueEpochs(deps, { hooks: { afterHotspotRows: boom } })).rejects.toThrow('simulated crash');
    expect([await count('reward_epochs'), await count('hotspot_epoch_rewards'), await count('reward_index')]).toEqual([0, 0, 0]);

    // Dying after the files were published but before the commit: files exist, the database has nothing.
    await expect(runDueEpochs(deps, { hooks: { afterFilesWritten: boom } })).rejects.toThrow('simulated crash');
    expect([await count('reward_epochs'), await count('reward_index')]).toEqual([0, 0]);
    expect(files()).toContain(`epoch-${String(FIRST).padStart(8, '0')}.manifest.json`);
    const afterCrash = readFileSync(manifestPath(FIRST), 'utf8');

    const outcomes = await runDueEpochs(deps);
    expect(outcomes.map((o) => [o.epoch, o.status])).toEqual([
      [FIRST, 'computed'],
      [FIRST + 1, 'computed'],
      [FIRST + 2, 'computed'],
      [EPOCH, 'computed'],
    ]);
    expect(readFileSync(manifestPath(FIRST), 'utf8')).toBe(afterCrash);
  });

  it('pays each epoch once: running again changes nothing', async () => {
    const before = readFileSync(manifestPath(EPOCH), 'utf8');
    const rows = await count('hotspot_epoch_rewards');
    expect(await runDueEpochs(deps)).toEqual([]);
    const again = await computeEpoch(deps, EPOCH);
    expect(again.status).toBe('already_computed');
    expect(readFileSync(manifestPath(EPOCH), 'utf8')).toBe(before);
    expect(await count('hotspot_epoch_rewards')).toBe(rows);
  });

  it('recomputes a byte-identical manifest from the database', async () => {
    for (const epoch of [FIRST, EPOCH]) {
      const again = await recomputeEpoch(deps.sql, epoch, DAY_MS, deps.oracleKey.secretKey);
      expect(again.text).toBe(readFileSync(manifestPath(epoch), 'utf8'));
    }
    const perMode = new Map<number, string>();
    for (const epoch of [FIRST, EPOCH]) perMode.set(epoch, readFileSync(manifestPath(epoch), 'utf8'));
    published.set(mode, perMode);
    const [firstMode] = [...published.values()];
    for (const [epoch, text] of perMode) expect(text).toBe(firstMode!.get(epoch));
  });

  it('pays the shares a naive recomputation of the fixture expects, summing exactly to the emission', async () => {
    const m = readManifest(EPOCH).manifest;
    const expected = referenceShares(fx);
    const cheat = fx.hotspots.cheat!.address;
    for (const h of m.hotspots) {
      const e = expected.get(h.address)!;
      expect(e, h.address).toBeDefined();
      expect([h.beaconSharesE8, h.witnessSharesE8, h.dataDc]).toEqual([e.beaconSharesE8.toString(), e.witnessSharesE8.toString(), e.dataDc.toString()]);
      expect(h.address).not.toBe(cheat);
    }
    const paidAddresses = new Set(m.hotspots.map((h) => h.address));
    for (const e of expected.values()) if (e.beaconSharesE8 + e.witnessSharesE8 + e.dataDc > 0n) expect(paidAddresses.has(e.address)).toBe(true);
    // The three co-located Paris hotspots beacon at 0.3333, the Lyon pair at 0.5.
    const paris = m.hotspots.find((h) => h.address === fx.hotspots.p1!.address)!;
    expect(paris.beaconSharesE8).toBe(String(3333n * 5000n)); // w = 2: 0.5 beacon units
    expect(m.inputs.flagged).toEqual([{ address: cheat, kinds: ['location_spoofing'], action: 'exclude' }]);
    expect(m.inputs.interactiveHotspots).toBe(11);
    // A hotspot that moved during the epoch is scaled where each proof was made: alone in Lisbon
    // before its move and alone in Oslo after it, 1.0 both times (not the default 0.2 for Lisbon,
    // which its latest beacon no longer names); likewise after a move within one res-11 cell.
    const beaconUnits = (w: number) => BigInt(pocRewardUnits(w).beaconUnitsE4);
    const sharesOf = (label: string) => m.hotspots.find((h) => h.address === fx.hotspots[label]!.address)!.beaconSharesE8;
    expect(sharesOf('mover')).toBe(String(10_000n * (beaconUnits(2) + beaconUnits(3))));
    expect(sharesOf('nudged')).toBe(String(10_000n * (beaconUnits(2) + beaconUnits(1))));
    expect(m.inputs.proofCells).toBe(1); // Lisbon; the Prague move stayed in its res-11 cell
    expect(m.parameters.values.densityCells).toBe('latest-and-rewarded-beacons');
    expect(m.accounting.dcBurned).toBe('1235');
    const parts = m.hotspots.reduce((n, h) => n + BigInt(h.beaconAmount) + BigInt(h.witnessAmount) + BigInt(h.dataAmount), 0n);
    expect(parts + BigInt(m.operations) + BigInt(m.oracles) + BigInt(m.unallocated.total)).toBe(BigInt(node.config.REWARD_EMISSION_PER_EPOCH));
    expect(m.parameters.hash).toBe(parameterSetHash(parameterSetFromConfig(node.config)));
  });

  it('keeps the lifetime index equal to the sum of every epoch paid, with Merkle proofs against the root', async () => {
    const sql = deps.sql;
    const index = await sql<{ a: string; l: bigint; e: number }[]>`select hotspot_address as a, lifetime_amount as l, last_epoch as e from reward_index`;
    const sums = await sql<{ a: string; s: string }[]>`select hotspot_address as a, sum(beacon_amount + witness_amount + data_amount)::text as s from hotspot_epoch_rewards group by 1`;
    expect(index.length).toBe(sums.length);
    const sumOf = new Map(sums.map((r) => [r.a, BigInt(r.s)]));
    for (const r of index) expect(BigInt(r.l)).toBe(sumOf.get(r.a));

    const m = readManifest(EPOCH).manifest;
    const leaves = [...m.hotspots.map((h) => ({ address: h.address, amount: BigInt(h.lifetimeAmount) })), ...m.lifetime.carried.map((c) => ({ address: c.address, amount: BigInt(c.amount) }))];
    expect(leaves.length).toBe(index.length);
    const tree = buildMerkleTree(leaves);
    expect(tree.rootHex).toBe(m.lifetime.merkleRoot);
    const dataHotspot = fx.hotspots.data!.address;
    // Paid in the first epoch (its witness) and this one (its data): the leaf is the running total.
    const leaf = leaves.find((l) => l.address === dataHotspot)!;
    expect(leaf.amount).toBe(sumOf.get(dataHotspot));
    expect(verifyMerkleProof({ root: m.lifetime.merkleRoot, leaf, proof: tree.proof(dataHotspot)! })).toBe(true);
  });

  it('exports the epoch in Helium reward file formats', async () => {
    const m = readManifest(EPOCH).manifest;
    const shares = readFrames(readFileSync(join(deps.manifestsDir, `iot_network_reward_shares_v1.${m.endMs}.gz`))).map((f) => heliumProto.poc_lora.iot_reward_share.decode(f));
    expect(shares.length).toBe(m.hotspots.length + 1);
    for (const [i, h] of m.hotspots.entries()) {
      const g = shares[i]!.gatewayReward!;
      const addr = addressFromBinaryKey(g.hotspotKey!);
      expect(addr.ok && addr.value).toBe(h.address);
      expect([String(g.beaconAmount), String(g.witnessAmount), String(g.dcTransferAmount)]).toEqual([h.beaconAmount, h.witnessAmount, h.dataAmount]);
      expect(Number(shares[i]!.endPeriod)).toBe(m.endMs / 1000);
    }
    expect(String(shares.at(-1)!.operationalReward!.amount)).toBe(m.operations);
    const [manifestFrame] = readFrames(readFileSync(join(deps.manifestsDir, `network_reward_manifest_v1.${m.endMs}.gz`)));
    const rm = heliumProto.reward_manifest.decode(manifestFrame!);
    expect(rm.writtenFiles).toEqual([`iot_network_reward_shares_v1.${m.endMs}.gz`]);
    expect(Number(rm.startTimestamp)).toBe(m.startMs / 1000);
  });

  it('verify-manifest passes a good manifest and fails tampered ones (exit 1)', async () => {
    const env = { ...process.env, DATABASE_URL: node.config.DATABASE_URL };
    const good = await run([manifestPath(EPOCH), '--public-key', Buffer.from(deps.oracleKey.publicKey).toString('hex')], env);
    expect(good.code).toBe(0);
    expect(good.report!.checks.map((c) => [c.name, c.ok])).toEqual([
      ['format', true],
      ['hash', true],
      ['signature', true],
      ['merkle_root', true],
      ['amounts', true],
      ['sums', true],
    ]);
    const signed = readManifest(EPOCH);
    // Re-signed tamperings pass the hash and signature checks, so the later checks must catch them.
    const resign = (s: SignedManifest) => Object.assign(s, signManifest(s.manifest, deps.oracleKey.secretKey).signed);
    const tamperings: [string, (s: SignedManifest) => void, string[]][] = [
      ['an amount', (s) => (s.manifest.hotspots[0]!.witnessAmount = String(BigInt(s.manifest.hotspots[0]!.witnessAmount) + 1n)), ['hash', 'amounts', 'sums']],
      ['the signature', (s) => (s.signature = s.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'))), ['signature']],
      ['a lifetime leaf, re-signed', (s) => resign(((s.manifest.hotspots[0]!.lifetimeAmount = String(BigInt(s.manifest.hotspots[0]!.lifetimeAmount) + 1n)), s)), ['merkle_root']],
      ['an amount, re-signed', (s) => resign(((s.manifest.hotspots[0]!.beaconAmount = String(BigInt(s.manifest.hotspots[0]!.beaconAmount) + 1n)), s)), ['amounts', 'sums']],
      ['operations, re-signed', (s) => resign(((s.manifest.operations = String(BigInt(s.manifest.operations) + 1n)), s)), ['sums']],
    ];
    for (const [what, tamper, failing] of tamperings) {
      const copy = structuredClone(signed);
      tamper(copy);
      const path = join(keyDir, `tampered-${mode}.json`);
      writeFileSync(path, JSON.stringify(copy));
      const res = await run([path], env);
      expect(res.code, what).toBe(1);
      expect(res.report!.checks.filter((c) => !c.ok).map((c) => c.name), what).toEqual(failing);
    }
    const wrongKey = await run([manifestPath(EPOCH), '--public-key', 'ab'.repeat(32)], env);
    expect(wrongKey.code).toBe(1);
  });

  it('verify-manifest --recompute finds no difference, and names the difference after an input changed', async () => {
    if (mode === 'embedded') {
      const res = await run([manifestPath(EPOCH), '--recompute'], { DATA_DIR: node.config.DATA_DIR });
      expect(res.code).toBe(2);
      return;
    }
    const env = { DATABASE_URL: node.config.DATABASE_URL };
    const same = await run([manifestPath(EPOCH), '--recompute'], env);
    expect(same.code).toBe(0);
    expect(same.report!.recompute).toMatchObject({ ok: true, differences: [] });
    const sql = deps.sql;
    await sql`update witness_verdicts set selected = false where hotspot_address = ${fx.hotspots.quiet!.address} and epoch = ${EPOCH}`;
    const changed = await run([manifestPath(EPOCH), '--recompute'], env);
    await sql`update witness_verdicts set selected = true where hotspot_address = ${fx.hotspots.quiet!.address} and epoch = ${EPOCH} and valid`;
    expect(changed.code).toBe(1);
    const paths = (changed.report!.recompute!.differences as { path: string }[]).map((d) => d.path);
    expect(paths).toContain('inputs.digest');
    expect(paths.some((p) => p.includes(`address=${fx.hotspots.quiet!.address}`))).toBe(true);
  });

  it('waits (and says why) while beacons of a due epoch are unverified, then pays it under the parameter set in force', async () => {
    const sql = deps.sql;
    const next = EPOCH + 1;
    await sql`insert into beacon_reports (id, hotspot_address, received_at_ms, payload, local_entropy, remote_entropy, frequency_hz, channel, data_rate,
      tx_power_dbm, reported_timestamp_ns, tmst, encoded, status)
      values ('pending-beacon', ${fx.hotspots.rome!.address}, ${next * DAY_MS + 5000}, '\\x01', '\\x02', '\\x03', 868100000, 0, 'SF12BW125', 14, 0, 0, '\\x04', 'pending')`;
    // A new parameter set takes effect from the next epoch: the emission doubles.
    const set = { ...parameterSetFromConfig(node.config), emissionPerEpoch: (BigInt(node.config.REWARD_EMISSION_PER_EPOCH) * 2n).toString() };
    const stored = await insertParameterSet(sql, set, parameterSetHash(set), next, clock.nowMs());
    clock.set((next + 1) * DAY_MS + 3_600_000);

    const waiting = await runDueEpochs(deps);
    expect(waiting).toMatchObject([{ status: 'waiting', epoch: next, reason: 'beacons_pending', pendingBeacons: 1 }]);
    const metrics = await (await fetch(`${node.httpBaseUrl}/metrics`)).text();
    expect(metrics).toMatch(/cov_rewarder_epoch_waits_total\{reason="beacons_pending"[^}]*\} 1/);
    expect(metrics).toMatch(new RegExp(`cov_rewarder_waiting_epoch\\{[^}]*\\} ${next}`));
    // What an 'epoch not paid' alert reads, also in a process that has paid nothing itself yet (a
    // restarted rewarder): the latest paid epoch and when the next one became due.
    const restarted = new Registry();
    expect(await runDueEpochs({ ...deps, metrics: rewarderMetrics(restarted) })).toMatchObject([{ status: 'waiting', epoch: next }]);
    const gauge = async (name: string) => (await restarted.getSingleMetric(name)!.get()).values[0]?.value;
    expect(await gauge('cov_rewarder_last_computed_epoch')).toBe(EPOCH);
    expect(await gauge('cov_rewarder_next_epoch_due_timestamp_seconds')).toBe(((next + 1) * DAY_MS + node.config.EPOCH_SETTLE_DELAY_MS) / 1000);

    await sql`update beacon_reports set status = 'verified' where id = 'pending-beacon'`;
    expect((await runDueEpochs(deps)).map((o) => o.status)).toEqual(['computed']);
    const m = readManifest(next).manifest;
    expect(m.parameters.setId).toBe(stored.id);
    expect(m.totals.emission).toBe(set.emissionPerEpoch);
    // The epoch before keeps its set, also when recomputed now.
    const before = readManifest(EPOCH).manifest;
    expect(before.parameters.setId).not.toBe(stored.id);
    const again = await recomputeEpoch(sql, EPOCH, DAY_MS, deps.oracleKey.secretKey);
    expect(again.text).toBe(readFileSync(manifestPath(EPOCH), 'utf8'));
    // No beacons in this epoch: only the two data carriers are paid (the copies just after the
    // previous epoch), the PoC pools stay unallocated and everyone else's lifetime is carried over.
    expect(m.hotspots.map((h) => [h.address, h.dataDc, h.beaconAmount, h.witnessAmount]).sort()).toEqual(
      [fx.hotspots.data!.address, fx.hotspots.berlin!.address].map((a) => [a, '999', '0', '0']).sort(),
    );
    expect(BigInt(m.unallocated.poc)).toBeGreaterThan(0n);
    expect(m.lifetime.leaves).toBe(before.lifetime.leaves);
    expect(m.lifetime.carried.length).toBe(before.lifetime.leaves - 2);
  });

  it('republishes any deleted file of the latest epoch from the database, reading the stored manifest only then', async () => {
    const m = readManifest(EPOCH + 1).manifest;
    const paths = [manifestPath(EPOCH + 1), ...[`iot_network_reward_shares_v1.${m.endMs}.gz`, `network_reward_manifest_v1.${m.endMs}.gz`].map((f) => join(deps.manifestsDir, f))];
    const bytes = paths.map((p) => readFileSync(p));
    // Every tick checks the files; the gzipped manifest (tens of MB at network scale) must not be
    // fetched for that while they are all there.
    const queries: string[] = [];
    const recording = new Proxy(deps.sql, {
      apply(target, thisArg, args: unknown[]) {
        if (Array.isArray(args[0])) queries.push(args[0].join('$'));
        return Reflect.apply(target, thisArg, args);
      },
    });
    expect(await runDueEpochs({ ...deps, sql: recording })).toEqual([]);
    expect(queries.some((q) => q.includes('reward_epochs'))).toBe(true);
    expect(queries.filter((q) => q.includes('document_gz'))).toEqual([]);
    for (const [i, path] of paths.entries()) {
      rmSync(path);
      await runDueEpochs(deps);
      expect(readFileSync(path), path).toEqual(bytes[i]);
    }
  });

  it('records the bought copies a crashed router journaled before paying the epoch, and waits on a row it cannot record', async () => {
    const sql = deps.sql;
    const next = EPOCH + 2;
    const atMs = next * DAY_MS + 3_600_000;
    const [org] = await sql<{ id: string }[]>`insert into orgs (name, net_id, dc_balance, created_at) values ('journal org', 'C00053', 100, now()) returning id`;
    const endpoint = { protocol: 'http' as const, url: 'http://lns.invalid' };
    const [route] = await sql<{ id: string }[]>`insert into routes (org_id, endpoint, max_copies, created_at, updated_at) values (${org!.id}, ${JSON.stringify(endpoint)}::jsonb, 2, now(), now()) returning id`;
    const copy = (hotspotAddress: string) => ({ hotspotAddress, rssiDbm: -90, snrDb: 3, frequencyHz: 868_100_000, dataRate: 'SF7BW125', receivedAtMs: atMs }) as UplinkCopy;
    // The router paid and journaled the batch (balance and ledger are final), forwarded it and died before settling.
    const outcomes = await new PgBurnStore(sql).commit({
      nowMs: atMs + 5,
      drops: [],
      lateCopies: [],
      decisions: [{
        packetId: 'ab'.repeat(32), route: { id: route!.id, orgId: org!.id, endpoint, maxCopies: 2, active: true, locked: false }, kind: 'uplink',
        devAddr: 'fc014c01', joinEui: null, devEui: null, fCnt: 1, fPort: 1, payloadBytes: 30, copiesHeard: 2,
        bought: [copy(fx.hotspots.rome!.address), copy(fx.hotspots.berlin!.address)], overMax: 0, dcPerCopy: 2, receivedAtMs: atMs, purchaseIndex: 0,
      }],
    });
    expect(outcomes).toEqual(['forwarded']);
    // A row no one can expand (a bug wrote it) holding a packet of the epoch: the epoch must not be paid without it.
    const bad = [{ i: 1, h: '00', r: 'not-a-uuid', o: org!.id, k: 'uplink', pb: 1, ch: 1, cb: 0, ov: 0, dc: 0, at: atMs, d: '2026-11-03' }];
    const [badRow] = await sql<{ id: number }[]>`insert into burn_journal (decisions, drops, outcomes, created_at_ms)
      values (${JSON.stringify(bad)}, '[]', '{forwarded}', ${atMs}) returning id::float8 as id`;
    clock.set((next + 1) * DAY_MS + 3_600_000);
    expect(await runDueEpochs(deps)).toMatchObject([{ status: 'waiting', epoch: next, reason: 'burns_unsettled' }]);
    // The good row was recorded all the same, once.
    expect(await count('burn_journal')).toBe(1);
    const recorded = await sql<{ hotspot_address: string; dc: number }[]>`select hotspot_address, dc::int as dc from packet_copies where packet_hash = ${Buffer.from('ab'.repeat(32), 'hex')} order by hotspot_address`;
    expect(recorded.map((r) => [r.hotspot_address, r.dc])).toEqual([fx.hotspots.rome!.address, fx.hotspots.berlin!.address].sort().map((a) => [a, 2]));

    await sql`delete from burn_journal where id = ${badRow!.id}`;
    expect((await runDueEpochs(deps)).map((o) => o.status)).toEqual(['computed']);
    const paid = readManifest(next).manifest.hotspots.filter((h) => h.dataDc !== '0').map((h) => [h.address, h.dataDc]);
    expect(paid.sort()).toEqual([fx.hotspots.rome!.address, fx.hotspots.berlin!.address].sort().map((a) => [a, '2']));
  });
});

describe('rewarder service (postgres)', () => {
  let node: TestNode;
  // Before the fixture's first epoch ends, so no tick sees half-inserted inputs.
  const clock = new ManualClock(FIRST * DAY_MS);
  const fx = epochFixture(EPOCH, 'rewarder-service');

  beforeAll(async () => {
    node = await startTestNode('postgres', { services: ['rewarder'], clock, overrides: { ORACLE_KEY_PATH: keyPath, REWARDER_POLL_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('pays due epochs on its own ticks, not before the settle delay has passed', async () => {
    await fx.insert(node.ctx.database.sql);
    const sql = node.ctx.database.sql;
    const paid = async () => (await sql<{ e: number }[]>`select epoch as e from reward_epochs order by epoch`).map((r) => r.e);
    // A tick that leaves no epoch waiting sets this gauge to -1 as its last step, so a mark put
    // there shows when a whole tick has run since (no guessing how long a tick takes).
    const waiting = rewarderMetrics(node.ctx.metrics).waitingEpoch;
    const until = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 30_000, interval: 50 });
    clock.set((EPOCH + 1) * DAY_MS + 1_000_000); // ended, but within the 30 min settle delay
    await until(async () => expect((await paid()).length).toBeGreaterThanOrEqual(3));
    waiting.set(-2);
    await until(async () => expect((await waiting.get()).values[0]?.value).toBe(-1));
    expect(await paid()).toEqual([FIRST, FIRST + 1, FIRST + 2]);
    clock.set((EPOCH + 1) * DAY_MS + 1_800_000);
    await until(async () => expect(await paid()).toEqual([FIRST, FIRST + 1, FIRST + 2, EPOCH]));
    expect(node.describe().some((line) => line.includes('manifests in'))).toBe(true);
  });

  it("records, on its own, how older epochs' rewards spread over hotspots", async () => {
    const sql = node.ctx.database.sql;
    const spreads = async () => (await sql<{ p: unknown }[]>`select summary->'perHotspot' as p from reward_epochs order by epoch`).map((r) => r.p);
    const recorded = await spreads();
    expect(recorded.every((p) => p !== null)).toBe(true);
    // As an epoch paid by an earlier version left it.
    await sql`update reward_epochs set summary = summary - 'perHotspot' where epoch = ${EPOCH}`;
    await vi.waitFor(async () => expect(await spreads()).toEqual(recorded), { timeout: 30_000, interval: 50 });
  });
});

describe('rewarder under a parameter set stored before densityCells existed (postgres)', () => {
  let node: TestNode;
  let deps: RewarderDeps;
  const clock = new ManualClock(FIRST * DAY_MS);
  const fx = epochFixture(EPOCH, 'rewarder-legacy-density');

  beforeAll(async () => {
    node = await startTestNode('postgres', { services: [], clock, overrides: { ORACLE_KEY_PATH: keyPath } });
    deps = rewarderDeps(node.ctx);
    const { densityCells: _newRule, ...legacy } = parameterSetFromConfig(node.config);
    await insertParameterSet(deps.sql, legacy, parameterSetHash(legacy), 0, clock.nowMs());
    await fx.insert(deps.sql);
    clock.set((EPOCH + 1) * DAY_MS + 3_600_000);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('pays epochs of that set as before: proofs from a cell the hotspot left get the default scale', async () => {
    expect((await runDueEpochs(deps)).map((o) => [o.epoch, o.status]).at(-1)).toEqual([EPOCH, 'computed']);
    const file = join(deps.manifestsDir, `epoch-${String(EPOCH).padStart(8, '0')}.manifest.json`);
    const m = (JSON.parse(readFileSync(file, 'utf8')) as SignedManifest).manifest;
    expect(m.parameters.values.densityCells).toBeUndefined();
    expect(m.inputs.proofCells).toBeUndefined();
    const expected = referenceShares(fx, 'latest-beacon');
    for (const h of m.hotspots) {
      const e = expected.get(h.address)!;
      expect([h.beaconSharesE8, h.witnessSharesE8], h.address).toEqual([e.beaconSharesE8.toString(), e.witnessSharesE8.toString()]);
    }
    const beaconUnits = (w: number) => BigInt(pocRewardUnits(w).beaconUnitsE4);
    const mover = m.hotspots.find((h) => h.address === fx.hotspots.mover!.address)!;
    expect(mover.beaconSharesE8).toBe(String(2_000n * beaconUnits(2) + 10_000n * beaconUnits(3)));
    // The two rules pay this fixture differently, so the check above cannot pass by accident.
    expect(referenceShares(fx).get(mover.address)!.beaconSharesE8).not.toBe(BigInt(mover.beaconSharesE8));

    const again = await recomputeEpoch(deps.sql, EPOCH, DAY_MS, deps.oracleKey.secretKey);
    expect(again.text).toBe(readFileSync(file, 'utf8'));
    // The settings now describe the newer rule: it takes effect from the current epoch, not from a paid one.
    expect((await parameterSetForEpoch(deps.sql, EPOCH))!.params.densityCells).toBeUndefined();
    expect((await parameterSetForEpoch(deps.sql, EPOCH + 1))!.params.densityCells).toBe('latest-and-rewarded-beacons');
  });
});
