/**
 * Runs a process's long-lived tasks (HTTP servers, UDP sockets, workers, pollers). Tasks start in
 * the order they were added and stop in reverse order, so nothing is stopped while something that
 * depends on it still runs: the HTTP server stops taking requests before the queue workers drain,
 * and the database pool closes last. If one task fails to start, the ones already started are
 * stopped and the error is returned; it is fatal for the process.
 */
import type { Logger } from '../logger';

export interface Task {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How long a task may take to stop before the runner says which one it is waiting for. A stop that
 * hangs otherwise shows only as a process (or a test's teardown) that never ends.
 */
export const SLOW_STOP_WARN_MS = 10_000;

export class TaskRunner {
  private readonly tasks: Task[] = [];
  private started: Task[] = [];
  private stopping: Promise<void> | undefined;
  private current: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly slowStopWarnMs = SLOW_STOP_WARN_MS,
  ) {}

  /** The task whose stop is running now, if any: what a shutdown that does not end waits for. */
  get stoppingTask(): string | undefined {
    return this.current;
  }

  add(task: Task): this {
    this.tasks.push(task);
    return this;
  }

  async start(): Promise<void> {
    for (const task of this.tasks) {
      try {
        await task.start();
        this.started.push(task);
        this.logger.debug({ task: task.name }, 'task started');
      } catch (e) {
        this.logger.error({ task: task.name, err: e }, 'task failed to start');
        await this.stop();
        throw e;
      }
    }
  }

  /** Idempotent: concurrent or repeated calls share one shutdown. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const task of [...this.started].reverse()) {
        this.current = task.name;
        const slow = setTimeout(() => this.logger.warn({ task: task.name, waitedMs: this.slowStopWarnMs }, 'task is slow to stop; still waiting for it'), this.slowStopWarnMs);
        slow.unref();
        try {
          await task.stop();
          this.logger.debug({ task: task.name }, 'task stopped');
        } catch (e) {
          this.logger.error({ task: task.name, err: e }, 'task failed to stop cleanly');
        } finally {
          clearTimeout(slow);
        }
      }
      this.current = undefined;
      this.started = [];
    })();
    return this.stopping;
  }
}

/** Stops the runner on SIGINT/SIGTERM, forcing an exit if draining takes longer than the timeout. */
export function stopOnSignals(runner: TaskRunner, logger: Logger, timeoutMs: number): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    runner.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/**
 * A task that calls `tick` every `intervalMs`. A failing tick is logged and the loop goes on (the
 * next tick retries); ticks never overlap. stop() waits for a running tick to finish.
 */
export function periodicTask(name: string, intervalMs: number, tick: () => Promise<void>, logger: Logger): Task {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const loop = () => {
    if (stopped) return;
    running = tick()
      .catch((e: unknown) => logger.error({ task: name, err: e }, 'periodic task tick failed'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  return {
    name,
    async start() {
      stopped = false;
      timer = setTimeout(loop, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
