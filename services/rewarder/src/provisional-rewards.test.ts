import { describe, expect, it } from 'vitest';
import { epochWindow } from './epoch-window';
import { openEpochs, provisionalEmission } from './provisional-rewards';

const DAY_MS = 86_400_000;

describe('openEpochs', () => {
  it('is the current epoch and the one before it, from the next one to pay on', () => {
    const now = 100 * DAY_MS + 5;
    expect(openEpochs(now, DAY_MS, 98)).toEqual([99, 100]);
    expect(openEpochs(now, DAY_MS, 99)).toEqual([99, 100]);
    expect(openEpochs(now, DAY_MS, 100)).toEqual([100]);
    // The next to pay after the current one (a clock set back): nothing is open.
    expect(openEpochs(now, DAY_MS, 101)).toEqual([]);
  });

  it('is only the current epoch before any input (the one before would never be paid), and none before the first', () => {
    expect(openEpochs(100 * DAY_MS + 5, DAY_MS, undefined)).toEqual([100]);
    expect(openEpochs(5, DAY_MS, 0)).toEqual([0]);
  });
});

describe('provisionalEmission', () => {
  const w = epochWindow(10, DAY_MS);
  const emission = 1_643_835_616_438_356n;

  it("is the epoch's emission times the elapsed share, rounded down", () => {
    expect(provisionalEmission(emission, w, w.startMs + DAY_MS / 4)).toBe(emission / 4n);
    expect(provisionalEmission(emission, w, w.startMs + 1)).toBe((emission * 1n) / BigInt(DAY_MS));
    expect(provisionalEmission(7n, w, w.startMs + DAY_MS / 2)).toBe(3n);
  });

  it('is zero at the start and the whole emission from the end on', () => {
    expect(provisionalEmission(emission, w, w.startMs)).toBe(0n);
    expect(provisionalEmission(emission, w, w.startMs - 1000)).toBe(0n);
    expect(provisionalEmission(emission, w, w.endMs)).toBe(emission);
    expect(provisionalEmission(emission, w, w.endMs + DAY_MS)).toBe(emission);
  });
});
