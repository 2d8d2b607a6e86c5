/**
 * Keeps the latest entropy value in memory and pushes each new one to every open session. It polls
 * the database (cheap: one indexed row) rather than listening to the entropy service directly, so
 * it works the same whether entropy runs in this process or another.
 */
import type { Db } from '@cov/shared/db/client';
import { latestEntropy } from '@cov/shared/entropy/entropy-repository';
import { toEntropyView, type EntropyView } from '@cov/shared/entropy/entropy-view';
import type { Logger } from '@cov/shared/logger';
import { periodicTask, type Task } from '@cov/shared/runtime/task-runner';

const POLL_MS = 500;

export class EntropyBroadcaster {
  private latest: EntropyView | undefined;
  readonly task: Task;

  constructor(
    private readonly db: Db,
    private readonly validityMs: number,
    private readonly push: (entropy: EntropyView) => void,
    logger: Logger,
  ) {
    this.task = periodicTask('ingest-entropy-broadcaster', POLL_MS, () => this.poll(), logger);
  }

  /** The latest value; reads the database when nothing is cached yet (e.g. right after start). */
  async current(): Promise<EntropyView | undefined> {
    if (!this.latest) await this.poll();
    return this.latest;
  }

  async poll(): Promise<void> {
    const row = await latestEntropy(this.db);
    if (!row) return;
    const view = toEntropyView(row, this.validityMs);
    if (view.data === this.latest?.data) return;
    this.latest = view;
    this.push(view);
  }
}
