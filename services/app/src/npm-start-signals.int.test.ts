import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `npm start` runs the node under npm. A process manager (systemd, a CI job, `timeout`) stops it
// with SIGTERM to npm, which passes the signal to its child only: when that child was the shell
// running the script, the shell did not pass it on, npm exited and the node went on running with
// its ports and its embedded database held. The start scripts `exec` the node, so it gets the signal.
const repoRoot = new URL('../../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'cov-npm-start-'));

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start under a process manager', () => {
  it('stops the node itself when npm gets SIGTERM', async () => {
    const npm = spawn('npm', ['run', '--silent', 'start:api'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (d: Buffer) => (output += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 100_000;
    while (!output.includes('Server listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('Server listening');

    // Every process under npm: the script's process and what it started.
    const tree: number[] = [];
    for (let level = childrenOf(npm.pid!); level.length > 0; level = level.flatMap(childrenOf)) tree.push(...level);
    expect(tree.length).toBeGreaterThan(0);

    npm.kill('SIGTERM');
    await exited;
    const stoppedBy = Date.now() + 30_000;
    while (tree.some(isRunning) && Date.now() < stoppedBy) await new Promise((r) => setTimeout(r, 100));
    const left = tree.filter(isRunning);
    for (const pid of left) process.kill(pid, 'SIGKILL'); // do not leave a stray node behind a failed run
    expect(left).toEqual([]);
    expect(output).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
  }, 150_000);
});
