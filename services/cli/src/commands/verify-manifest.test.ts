import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleManifest } from '@cov/rewarder/testing/sample-manifest';
import { UsageError, type CliIo } from '../command';
import { command, runVerifyManifest } from './verify-manifest';

const dir = mkdtempSync(join(tmpdir(), 'verify-manifest-cli-'));
let n = 0;
const fileWith = (text: string) => {
  const path = join(dir, `m-${n++}.json`);
  writeFileSync(path, text);
  return path;
};

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runVerifyManifest(args, io, env);
  return { code, stdout, stderr };
}

describe('verify-manifest command', () => {
  const { text, signed } = sampleManifest();

  it('exits 0 on a good manifest and prints every check', async () => {
    const res = await run([fileWith(text), '--public-key', signed.publicKey]);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { ok: boolean; epoch: number; checks: { name: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.epoch).toBe(signed.manifest.epoch);
    expect(report.checks.map((c) => c.name)).toEqual(['format', 'hash', 'signature', 'merkle_root', 'amounts', 'sums']);
  });

  it('exits 1 on a tampered manifest or another oracle key', async () => {
    const tampered = JSON.parse(text) as typeof signed;
    tampered.manifest.oracles = String(BigInt(tampered.manifest.oracles) + 1n);
    expect((await run([fileWith(JSON.stringify(tampered))])).code).toBe(1);
    expect((await run([fileWith(text), `--public-key=${'00'.repeat(32)}`])).code).toBe(1);
    expect((await run([fileWith('{"not":"a manifest"}')])).code).toBe(1);
  });

  it('exits 2 on unreadable files, non-JSON, and --recompute without a database', async () => {
    expect((await run([join(dir, 'missing.json')])).code).toBe(2);
    const notJson = await run([fileWith('{"manifest":')]);
    expect([notJson.code, notJson.stderr]).toEqual([2, expect.stringMatching(/not JSON/)]);
    const noDb = await run([fileWith(text), '--recompute'], {});
    expect([noDb.code, noDb.stderr]).toEqual([2, expect.stringMatching(/needs DATABASE_URL/)]);
  });

  it('throws UsageError (exit 2 via the dispatcher) on bad usage', async () => {
    const io: CliIo = { stdout: () => {}, stderr: () => {} };
    for (const args of [[], ['a.json', 'b.json'], ['--frob', 'a.json'], ['a.json', '--public-key'], ['a.json', '--public-key', 'xyz']]) {
      await expect(command.run(args, io)).rejects.toBeInstanceOf(UsageError);
    }
  });
});
