/**
 * Expands the burn journal (burn-journal.ts; the router writes it in its burn-store.ts). The router
 * runs one in the background: shortly after a burn batch commits (`delayMs`, so one statement
 * takes the journal rows of many batches), at start (rows a crashed router left) and every
 * `sweepMs` (rows another router left). The rewarder drains one before it pays an epoch. One
 * settle runs at a time; while journal rows keep coming, settles follow each other, each taking
 * everything committed meanwhile. A row the database refuses to expand (a bug: the payment step validated the values)
 * is set aside, logged and left in `burn_journal`, so it cannot hold back the rows behind it.
 */
import type { Logger } from '../logger';
import type { SettleResult } from './burn-journal';

export interface JournalStore {
  settle(maxRows: number, skipIds: readonly number[]): Promise<SettleResult>;
  oldestUnsettled(skipIds: readonly number[]): Promise<number | null>;
}

export interface BurnSettlerOptions {
  store: JournalStore;
  delayMs: number;
  sweepMs: number;
  /** Journal rows per statement. */
  maxRows: number;
  logger: Logger;
  onSettled?(result: SettleResult, seconds: number): void;
}

/** PostgreSQL error classes of bad data (22) and constraint violations (23): retrying will not help. */
function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export class BurnSettler {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly skipIds: number[] = [];

  constructor(private readonly options: BurnSettlerOptions) {}

  /** Settles what is already journaled, then keeps sweeping. */
  start(): void {
    this.sweep = setInterval(() => this.kick(), this.options.sweepMs);
    this.sweep.unref();
    this.run();
  }

  /** A batch was journaled: settle soon. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, this.options.delayMs);
  }

  /** Settles everything journaled so far (drain, shutdown, tests). */
  async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    this.run();
    await this.running;
  }

  async stop(): Promise<void> {
    await this.drain();
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    if (this.timer) clearTimeout(this.timer);
    this.sweep = this.timer = undefined;
  }

  private run(): void {
    if (this.running) return;
    this.again = false;
    this.running = (async () => {
      try {
        while (await this.settleOnce());
      } finally {
        this.running = undefined;
        if (this.again) this.kick();
      }
    })();
  }

  /** One statement; true when there may be more to settle now (a failure waits for the next kick or sweep). */
  private async settleOnce(): Promise<boolean> {
    const { store, logger, maxRows } = this.options;
    const started = performance.now();
    try {
      const result = await store.settle(maxRows, this.skipIds);
      if (result.rows > 0) this.options.onSettled?.(result, (performance.now() - started) / 1000);
      return result.rows >= maxRows;
    } catch (e) {
      if (!isDataError(e)) {
        logger.warn({ err: e }, 'settling the burn journal failed; will retry');
        return false;
      }
      return this.setAsideBadRow(e);
    }
  }

  /** Finds the row the database refuses by settling one row at a time; sets it aside. */
  private async setAsideBadRow(first: unknown): Promise<boolean> {
    const { store, logger } = this.options;
    try {
      const one = await store.settle(1, this.skipIds);
      return one.rows > 0; // the oldest row was fine; the loop goes on until it meets the bad one alone
    } catch (e) {
      if (!isDataError(e)) return false;
      const id = await store.oldestUnsettled(this.skipIds).catch(() => null);
      if (id === null) return false;
      this.skipIds.push(id);
      logger.error({ err: e, first, journalId: id }, 'a burn journal row cannot be settled; left in burn_journal, later rows go on');
      return true;
    }
  }
}
