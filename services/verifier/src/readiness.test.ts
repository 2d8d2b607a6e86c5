import { describe, expect, it } from 'vitest';
import { beaconReadyAtMs, entropyWindowEndMs, frontierAheadMs, reciprocityEvidenceRange, witnessMatchWindow } from './readiness';

const t = { entropyValidityMs: 180_000, witnessLagAllowanceMs: 10_000, reciprocitySettleMs: 600_000, reciprocityWindowMs: 48 * 3_600_000 };
const T = 1_700_000_000_000;

describe('readiness', () => {
  it.each([
    ['whole-second start', T, T + 181_000],
    ['start mid-second rounds down, as the checks do', T + 999, T + 181_000],
  ])('entropy window end: %s', (_name, startMs, endMs) => {
    expect(entropyWindowEndMs(startMs, 180_000)).toBe(endMs);
  });

  it.each([
    ['beacon inside its entropy window waits for the window to close', T + 60_000, T, T + 191_000],
    ['beacon after its window waits only the allowance', T + 900_000, T, T + 910_000],
    ['unknown entropy waits as long as a fresh one could have', T + 60_000, null, T + 60_000 + 181_000 + 10_000],
  ])('%s', (_name, receivedAtMs, entropyStartMs, readyAtMs) => {
    expect(beaconReadyAtMs(receivedAtMs, entropyStartMs, t)).toBe(readyAtMs);
  });

  it('matches witnesses from one entropy lifetime before the beacon to its ready time', () => {
    expect(witnessMatchWindow(T + 60_000, T, t)).toEqual({ fromMs: T + 60_000 - 191_000, toMs: T + 191_000 });
  });

  it('takes reciprocity evidence from 48 h before up to the settle time before', () => {
    expect(reciprocityEvidenceRange(T, t)).toEqual({ afterMs: T - 48 * 3_600_000, beforeMs: T - 600_000 });
  });

  it('keeps work within settle - validity - allowance - 2 s of the oldest pending beacon, never less than 1 ms', () => {
    expect(frontierAheadMs(t)).toBe(600_000 - 180_000 - 10_000 - 2000);
    expect(frontierAheadMs({ ...t, reciprocitySettleMs: 60_000 })).toBe(1);
  });
});
