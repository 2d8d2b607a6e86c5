import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../command';
import { command } from './density';

const dir = mkdtempSync(join(tmpdir(), 'density-cli-'));
let fileNo = 0;
function fileWith(text: string): string {
  const path = join(dir, `cells-${fileNo++}.json`);
  writeFileSync(path, text);
  return path;
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await command.run(args, io);
  return { code, stdout, stderr };
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../shared/src/testing/vectors/hex-density.json', import.meta.url), 'utf8'),
) as { tests: Array<{ inputs: Array<{ h3_hex: string }>; expected: Array<{ h3_hex: string; scale: string }> }> };

describe('density command', () => {
  it('prints every distinct cell of the Helium vector with its scale, four decimals each', async () => {
    const t = vectors.tests[0]!;
    const { code, stdout } = await run(['--file', fileWith(JSON.stringify(t.inputs.map((i) => i.h3_hex)))]);
    expect(code).toBe(0);
    expect(stdout).toContain('"8c2830d340043ff": 0.0060');
    const parsed = JSON.parse(stdout) as Record<string, number>;
    expect(Object.keys(parsed).length).toBe(t.expected.length);
    for (const e of t.expected) expect(parsed[e.h3_hex]).toBe(Number(e.scale));
    for (const line of stdout.split('\n').filter((l) => l.includes(':'))) expect(line).toMatch(/: \d\.\d{4},?$/);
  });

  it('gives three hotspots in one res-12 cell 0.3333 and accepts --file=path', async () => {
    const cell = '8c2830d340043ff';
    const { code, stdout } = await run([`--file=${fileWith(JSON.stringify([cell, cell, cell]))}`]);
    expect(code).toBe(0);
    expect(stdout).toBe(`{\n  "${cell}": 0.3333\n}\n`);
  });

  it('prints {} for an empty list', async () => {
    expect(await run(['--file', fileWith('[]')])).toEqual({ code: 0, stdout: '{}\n', stderr: '' });
  });

  it.each([
    ['bad JSON', '["8c2830d340043ff",', /not valid JSON/],
    ['a JSON object instead of an array', '{"a":1}', /must hold a JSON array/],
    ['an invalid H3 cell', '["8c2830d340043ff", "nothex"]', /cell #1 "nothex": not a valid H3 cell index/],
    ['a number instead of a string', '[631210990515536895]', /cell #0 .*not a string/],
    ['a cell coarser than res 11', '["882830d341fffff"]', /resolution 8 is coarser than 11/],
  ])('exits 2 with a clear message for %s', async (_name, text, message) => {
    const { code, stdout, stderr } = await run(['--file', fileWith(text)]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('exits 2 when the file cannot be read', async () => {
    const { code, stderr } = await run(['--file', join(dir, 'missing.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read/);
  });

  it('throws UsageError (exit 2 via the dispatcher) without --file or with unknown flags', async () => {
    await expect(run([])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--file'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--frob'])).rejects.toBeInstanceOf(UsageError);
  });
});
