/**
 * One CLI subcommand per file under commands/, named after the command (`commands/airtime.ts`
 * serves `npm run cli -- airtime`). Each file exports `command`. Commands print JSON on stdout,
 * human notes on stderr, and return the process exit code: 0 ok, 1 a negative verdict (e.g. a
 * manifest that fails verification), 2 bad usage or bad input.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

export class UsageError extends Error {}

/**
 * Strict option parsing for every command: unknown options, missing values and stray positionals
 * are usage errors (exit code 2), never a stack trace. A negative number after a string option is
 * its value (`--lng -104.99`): node's parseArgs calls it ambiguous, and half the world's
 * longitudes are negative.
 */
export function parseOptions<const T extends ParseArgsOptionsConfig>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

function joinNegativeValues(argv: string[], options: ParseArgsOptionsConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (arg.startsWith('--') && options[arg.slice(2)]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** An optional whole-number option, within [min, max] when given. */
export function integerOption(value: string | undefined, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { min = -Infinity, max = Infinity } = range;
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const bounds = Number.isFinite(min) && Number.isFinite(max) ? ` ${min}..${max}` : '';
    throw new UsageError(`--${name} must be an integer${bounds}, got "${value}"`);
  }
  return n;
}

/** The one file argument of `--file F` commands. */
export function requiredOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing --${name}`);
  return value;
}
