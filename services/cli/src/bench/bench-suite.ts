/**
 * `npm run bench` runs every suite under suites/ (or those named on the command line) and prints
 * each measurement beside a baseline measured in the same run on the same machine (raw ed25519
 * verify, raw COPY into PostgreSQL, a bare Fastify route, raw UDP receive...), as a ratio. Absolute
 * numbers vary between machines; ratios to a same-run baseline are what BENCHMARKS.md records.
 * Nothing here is asserted: the test suite never times anything.
 */
export interface BenchResult {
  /** What was measured, e.g. "ingest: signed reports stored". */
  name: string;
  value: number;
  unit: string;
  /** Same-run baseline, e.g. "raw ed25519 verify". */
  baselineName?: string;
  baselineValue?: number;
  /** The aim from the issue, as text, e.g. ">= 0.7 x baseline". */
  aim?: string;
  notes?: string;
}

export interface BenchContext {
  /** Free-form progress output (goes to stderr). */
  log(text: string): void;
  /** Scale factor from --scale (1 = the full size the issue asks for). */
  scale: number;
}

export interface BenchSuite {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}
