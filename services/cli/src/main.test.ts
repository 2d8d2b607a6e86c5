import { describe, expect, it } from 'vitest';
import { runCli } from './main';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('the CLI entry', () => {
  it('answers <command> --help with that command\'s usage and exit 0 (it was "Unknown option", exit 2)', async () => {
    for (const help of ['--help', '-h']) {
      const r = await run(['airtime', help]);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toMatch(/^.+\nusage: npm run cli -- airtime /);
    }
    // With other options too, and without running the command.
    expect((await run(['lorawan-decode', '--hex', 'zz', '--help'])).code).toBe(0);
  });

  it('keeps other usage errors at exit 2 with the usage on stderr', async () => {
    const r = await run(['airtime', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--bogus'\nusage: npm run cli -- airtime /);
    expect((await run(['no-such-command'])).code).toBe(2);
  });
});
