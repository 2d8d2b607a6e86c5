import { describe, expect, it } from 'vitest';
import { epochOf, epochWindow, isEpochDue } from './epoch-window';

const DAY = 86_400_000;

describe('epochs', () => {
  it('numbers UTC days from 1970 with an exclusive end', () => {
    const e = epochOf(Date.UTC(2026, 10, 1, 12), DAY);
    expect(e).toBe(20_758);
    expect(epochWindow(e, DAY)).toEqual({ epoch: e, startMs: Date.UTC(2026, 10, 1), endMs: Date.UTC(2026, 10, 2) });
    expect(epochOf(Date.UTC(2026, 10, 2), DAY)).toBe(e + 1);
    expect(epochOf(Date.UTC(2026, 10, 2) - 1, DAY)).toBe(e);
  });

  it('works for minute-long demo epochs', () => {
    expect(epochWindow(3, 60_000)).toEqual({ epoch: 3, startMs: 180_000, endMs: 240_000 });
  });

  it('is due once ended and settled', () => {
    const w = epochWindow(10, DAY);
    expect(isEpochDue(w, w.endMs + 1_799_999, 1_800_000)).toBe(false);
    expect(isEpochDue(w, w.endMs + 1_800_000, 1_800_000)).toBe(true);
    expect(isEpochDue(w, w.endMs - 1, 0)).toBe(false);
  });

  it.each([[0], [-5], [1.5]])('refuses epoch length %s', (length) => {
    expect(() => epochOf(0, length)).toThrow(RangeError);
  });

  it('refuses negative or fractional epochs', () => {
    expect(() => epochWindow(-1, DAY)).toThrow(RangeError);
    expect(() => epochWindow(1.5, DAY)).toThrow(RangeError);
  });
});
