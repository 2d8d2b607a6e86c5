import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// What an operator sees when a process cannot start because of its settings: one line naming the
// setting and the error code, exit code 1, no stack trace, and no secret from the environment.
const mainTs = new URL('./main.ts', import.meta.url).pathname;

async function start(service: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cov-main-'));
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', mainTs, service], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
      timeout: 80_000,
    });
    return { code: 0, stderr: '' };
  } catch (e) {
    const failure = e as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

// Each case starts a process (a few seconds, far more on a loaded machine), so they run one after
// the other and only two: a setting and a key file. config.test covers each URL rule.
describe('a process that cannot start', () => {
  it.each([
    ['a number that is not one', { PORT: 'eighty' }, 'PORT'],
    ['a database URL that is not one', { DATABASE_URL: 'postgres://coverage:hunter2@db:notaport/coverage' }, 'DATABASE_URL'],
    ['an oracle key secret that is not mounted', { DATABASE_URL: 'postgres://coverage:hunter2@127.0.0.1:1/x', ORACLE_KEY_PATH: join(tmpdir(), `cov-no-secret-${process.pid}`, 'oracle_key') }, 'ORACLE_KEY_PATH'],
  ])('stops on %s with one line naming the setting', async (_what, env, setting) => {
    const { code, stderr } = await start('verifier', env);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fatal: config\.invalid: /);
    expect(lines[0]).toContain(setting);
    expect(stderr).not.toContain('hunter2');
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 90_000);
});
