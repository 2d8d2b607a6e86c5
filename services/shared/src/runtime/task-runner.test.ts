import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { TaskRunner, periodicTask, type Task } from './task-runner';

const silent = pino({ level: 'silent' });

function recorder(log: string[], name: string, failStart = false): Task {
  return {
    name,
    start: async () => {
      if (failStart) throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
    },
    stop: async () => {
      log.push(`stop ${name}`);
    },
  };
}

describe('TaskRunner', () => {
  it('starts in order and stops in reverse order, once', async () => {
    const log: string[] = [];
    const runner = new TaskRunner(silent).add(recorder(log, 'db')).add(recorder(log, 'worker')).add(recorder(log, 'http'));
    await runner.start();
    await Promise.all([runner.stop(), runner.stop()]);
    expect(log).toEqual(['start db', 'start worker', 'start http', 'stop http', 'stop worker', 'stop db']);
  });

  it('stops what had started when a later task fails to start', async () => {
    const log: string[] = [];
    const runner = new TaskRunner(silent).add(recorder(log, 'db')).add(recorder(log, 'broken', true)).add(recorder(log, 'http'));
    await expect(runner.start()).rejects.toThrow('broken cannot start');
    expect(log).toEqual(['start db', 'stop db']);
  });

  it('names the task a stop is waiting for, and warns when it is slow to stop', async () => {
    const lines: { task?: string; msg?: string; level?: number }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    let release!: () => void;
    const stuck: Task = { name: 'stuck', start: async () => {}, stop: () => new Promise<void>((r) => (release = r)) };
    const runner = new TaskRunner(logger, 20).add(recorder([], 'db')).add(stuck);
    await runner.start();
    expect(runner.stoppingTask).toBeUndefined();
    const stopping = runner.stop();
    await new Promise((r) => setTimeout(r, 60));
    expect(runner.stoppingTask).toBe('stuck');
    expect(lines).toEqual([expect.objectContaining({ task: 'stuck', msg: 'task is slow to stop; still waiting for it', level: 40 })]);
    release();
    await stopping;
    expect(runner.stoppingTask).toBeUndefined();
    expect(lines).toHaveLength(1);
  });
});

describe('periodicTask', () => {
  it('keeps ticking after a failing tick and waits for a running tick on stop', async () => {
    let ticks = 0;
    const task = periodicTask(
      'flaky',
      1,
      async () => {
        ticks++;
        if (ticks === 1) throw new Error('first tick fails');
        await new Promise((r) => setTimeout(r, 5));
      },
      silent,
    );
    await task.start();
    await new Promise((r) => setTimeout(r, 60));
    await task.stop();
    const after = ticks;
    expect(after).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 20));
    expect(ticks).toBe(after);
  });
});
