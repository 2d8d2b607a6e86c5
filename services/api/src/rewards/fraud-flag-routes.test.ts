import { describe, expect, it } from 'vitest';
import { toFlagView } from './fraud-flag-routes';

const DAY = 86_400_000;

describe('a hotspot flag as owners see it', () => {
  it('gives the epoch bounds and the action its paid epoch applied', () => {
    expect(toFlagView({ epoch: 20_000, kind: 'gaming_ring', score: 0.9, evidence: { ring: 3 }, policy: 'downgrade' }, DAY)).toEqual({
      epoch: 20_000,
      start: new Date(20_000 * DAY).toISOString(),
      end: new Date(20_001 * DAY).toISOString(),
      kind: 'gaming_ring',
      score: 0.9,
      evidence: { ring: 3 },
      action: 'downgrade',
    });
  });

  it('answers no action, rather than failing the answer, for a parameter set that names no known policy', () => {
    expect(toFlagView({ epoch: 1, kind: 'replayer', score: 1, evidence: {}, policy: null }, DAY).action).toBeNull();
    expect(toFlagView({ epoch: 1, kind: 'replayer', score: 1, evidence: {}, policy: 'quarantine' }, DAY).action).toBeNull();
  });
});
