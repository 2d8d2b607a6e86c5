import { describe, expect, it } from 'vitest';
import { SharedBuilds } from './shared-builds';

describe('shared builds', () => {
  it('builds once for callers that ask while the build runs, and again once it has finished', async () => {
    const builds = new SharedBuilds<string, number>();
    let started = 0;
    const build = async () => {
      started++;
      await new Promise((r) => setTimeout(r, 5));
      return started;
    };
    expect(await Promise.all([builds.run('a', build), builds.run('a', build), builds.run('a', build)])).toEqual([1, 1, 1]);
    expect(await builds.run('a', build)).toBe(2);
    expect(await Promise.all([builds.run('b', build), builds.run('c', build)])).toEqual([4, 4]);
  });

  it('gives every caller of a failed build its error, and builds afresh after it', async () => {
    const builds = new SharedBuilds<string, number>();
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('no hotspot');
    };
    const results = await Promise.allSettled([builds.run('a', failing), builds.run('a', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(await builds.run('a', async () => 7)).toBe(7);
  });
});
