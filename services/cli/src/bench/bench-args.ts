/**
 * `npm run bench [-- suite ...] [--scale S]`: which suites to run and at what scale. A misspelt
 * suite or a scale that is not a positive number is a usage error (exit 2, the suites listed),
 * never a stack trace.
 */
import { parseOptions, UsageError } from '../command';

export const BENCH_USAGE = 'npm run bench [-- suite ...] [--scale S]   (S > 0, 1 = full size)';

export function parseBenchArgs(argv: string[], available: readonly string[]): { suites: string[]; scale: number } {
  const { values, positionals } = parseOptions(argv, { scale: { type: 'string', default: '1' } }, true);
  const scale = Number(values.scale);
  if (values.scale.trim() === '' || !Number.isFinite(scale) || scale <= 0) throw new UsageError(`--scale must be a positive number, got "${values.scale}"`);
  const unknown = positionals.filter((s) => !available.includes(s));
  if (unknown.length) throw new UsageError(`unknown suite(s) ${unknown.join(', ')}; available: ${available.join(', ')}`);
  return { suites: positionals.length ? positionals : [...available], scale };
}
