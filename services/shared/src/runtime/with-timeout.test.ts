import { describe, expect, it } from 'vitest';
import { withTimeout } from './with-timeout';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('withTimeout', () => {
  it('gives the answer when it comes in time, and its failure', async () => {
    expect(await withTimeout(later(5, 'answer'), 1000, () => 'late')).toBe('answer');
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000, () => 'late')).rejects.toThrow('refused');
  });

  it('gives what onTimeout returns or throws when the answer does not come', async () => {
    const never = new Promise<string>(() => {});
    expect(await withTimeout(never, 10, () => 'late')).toBe('late');
    await expect(withTimeout(never, 10, () => { throw new Error('timed out'); })).rejects.toThrow('timed out');
  });

  it('reports no late failure of the work it stopped waiting for', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failsLate = new Promise<string>((_, reject) => setTimeout(() => reject(new Error('late failure')), 20));
      expect(await withTimeout(failsLate, 5, () => 'late')).toBe('late');
      await later(40, null);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
