/**
 * One CLI subcommand per file under commands/, named after the command (`commands/airtime.ts`
 * serves `npm run cli -- airtime`). Each file exports `command`. Commands print JSON on stdout,
 * human notes on stderr, and return the process exit code: 0 ok, 1 a negative verdict (e.g. a
 * manifest that fails verification), 2 bad usage or bad input.
 */
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
