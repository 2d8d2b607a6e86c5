import { describe, expect, it } from 'vitest';
import { epochEvidenceComplete } from './epoch-analysis-task';

const DAY = 86_400_000;
const settings = { epochLengthMs: DAY, staleWitnessAfterMs: 2_700_000 };
const END = 100 * DAY;

describe('epochEvidenceComplete', () => {
  it.each([
    ['everything verified and swept, stale age passed', END + 2_700_000, null, END, true],
    ['the stale age has not passed since the epoch ended', END + 2_699_999, null, END, false],
    ['a beacon of the epoch is still pending', END + 3_600_000, END - 1, END, false],
    ['only later beacons are pending', END + 3_600_000, END + 5, END, true],
    ['witness reports of the epoch not swept yet', END + 3_600_000, null, END - 1, false],
    ['never swept', END + 3_600_000, null, null, false],
  ])('%s', (_name, nowMs, oldestPending, sweptUntil, complete) => {
    expect(epochEvidenceComplete(END, nowMs, oldestPending, sweptUntil, settings)).toBe(complete);
  });
});
