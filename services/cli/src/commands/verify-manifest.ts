/**
 * `verify-manifest FILE [--public-key HEX] [--recompute]`: checks a published reward manifest on
 * its own (hash, oracle signature, Merkle root over the lifetime leaves, every amount = floor(rate
 * × shares), parts summing to the emission). With --recompute it also recomputes the epoch from the
 * database the settings point at (DATABASE_URL) with the parameter set the epoch was paid under,
 * and prints every difference. Exit 0: all good; 1: a check failed or the recomputation differs;
 * 2: bad usage, unreadable file, not JSON, or no database for --recompute.
 */
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@cov/shared/config/config';
import { connectDatabase } from '@cov/shared/db/client';
import { verifySignedManifest } from '@cov/rewarder/manifest-verification';
import { jsonDifferences } from '@cov/rewarder/manifest-diff';
import { recomputeEpoch } from '@cov/rewarder/recompute-epoch';
import type { SignedManifest } from '@cov/rewarder/reward-manifest';
import { parseOptions, type CliCommand, type CliIo } from '../command';
import { UsageError } from '../command';

const USAGE = 'npm run cli -- verify-manifest <manifest.json> [--public-key <hex>] [--recompute]   (--recompute reads DATABASE_URL)';

interface Args {
  file: string;
  publicKey?: string;
  recompute: boolean;
}

function parseArgs(argv: string[]): Args {
  const { values, positionals } = parseOptions(argv, { 'public-key': { type: 'string' }, recompute: { type: 'boolean', default: false } }, true);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const file = positionals[0];
  const publicKey = values['public-key'];
  const recompute = values.recompute;
  if (!file) throw new UsageError('missing manifest file');
  if (publicKey !== undefined && !/^[0-9a-fA-F]{64}$/.test(publicKey)) throw new UsageError('--public-key must be 64 hex characters (raw ed25519 key)');
  return { file, publicKey, recompute };
}

export async function runVerifyManifest(argv: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const args = parseArgs(argv);
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (e) {
    io.stderr(`cannot read ${args.file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    io.stderr(`${args.file} is not JSON: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const result = verifySignedManifest(document, { expectedPublicKey: args.publicKey?.toLowerCase() });
  const report: Record<string, unknown> = { file: args.file, epoch: result.epoch, ok: result.ok, checks: result.checks };

  if (args.recompute) {
    if (result.epoch === undefined) {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      io.stderr('cannot recompute: the file is not a manifest\n');
      return 1;
    }
    const config = loadConfig(env);
    if (config.mode !== 'server') {
      io.stderr('--recompute needs DATABASE_URL: it reads the epoch inputs from PostgreSQL (embedded mode keeps its database inside the running process)\n');
      return 2;
    }
    const published = (document as SignedManifest).manifest;
    const database = connectDatabase(config.DATABASE_URL, { maxConnections: 2 });
    try {
      // The recomputation is compared field by field, so it is signed with a throwaway key.
      const again = await recomputeEpoch(database.sql, published.epoch, published.endMs - published.startMs, randomBytes(32));
      const differences = jsonDifferences(published, again.signed.manifest);
      report.recompute = { ok: differences.length === 0, recomputedHash: again.signed.hash, differences };
      report.ok = result.ok && differences.length === 0;
    } finally {
      await database.close();
    }
  }
  io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

export const command: CliCommand = {
  name: 'verify-manifest',
  summary: 'check a reward manifest: hash, signature, Merkle root, sums; --recompute from the database',
  usage: USAGE,
  run: (argv, io) => runVerifyManifest(argv, io),
};
