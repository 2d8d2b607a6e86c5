/**
 * Benchmark runner: `npm run bench [-- suite ...] [--scale 0.1]`. Suites are discovered by file
 * name under suites/. Prints a table and writes bench-results/latest.json for BENCHMARKS.md.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../command';
import { BENCH_USAGE, parseBenchArgs } from './bench-args';
import type { BenchResult, BenchSuite } from './bench-suite';

const suitesDir = join(dirname(fileURLToPath(import.meta.url)), 'suites');
const root = fileURLToPath(new URL('../../../../', import.meta.url));

function formatNumber(n: number): string {
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

async function main(): Promise<void> {
  const available = readdirSync(suitesDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  const { suites: chosen, scale } = parseBenchArgs(process.argv.slice(2), available);

  const all: (BenchResult & { suite: string })[] = [];
  for (const name of chosen) {
    const { suite } = (await import(join(suitesDir, `${name}.ts`))) as { suite: BenchSuite };
    process.stderr.write(`\n== ${suite.name}: ${suite.description}\n`);
    const results = await suite.run({ log: (t) => process.stderr.write(`   ${t}\n`), scale });
    for (const r of results) all.push({ ...r, suite: suite.name });
  }

  const lines = ['| suite | measurement | value | baseline | ratio | aim |', '|---|---|---|---|---|---|'];
  for (const r of all) {
    const baseline = r.baselineValue !== undefined ? `${formatNumber(r.baselineValue)} ${r.unit} (${r.baselineName})` : '';
    const ratio = r.baselineValue ? (r.value / r.baselineValue).toFixed(2) : '';
    lines.push(`| ${r.suite} | ${r.name} | ${formatNumber(r.value)} ${r.unit} | ${baseline} | ${ratio} | ${r.aim ?? ''} |`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'latest.json'), JSON.stringify({ scale, results: all }, null, 2));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\nusage: ${BENCH_USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
