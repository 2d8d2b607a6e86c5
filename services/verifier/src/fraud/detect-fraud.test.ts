import { describe, expect, it } from 'vitest';
import { detectFraud } from './detect-fraud';
import { expectedFlagKind, syntheticEpoch } from './testing/synthetic-epoch';

/** Precision and recall of the flags against the synthetic labels (a cheater counts once, any kind). */
function score(seed: number, overrides: Parameters<typeof syntheticEpoch>[0] = {}) {
  const epoch = syntheticEpoch({ seed, ...overrides });
  const { flags } = detectFraud(epoch.evidence);
  const kinds = new Map<string, string[]>();
  for (const f of flags) kinds.set(f.hotspotAddress, [...(kinds.get(f.hotspotAddress) ?? []), f.kind]);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let rightKind = 0;
  for (const [address, label] of epoch.labels) {
    const flagged = kinds.get(address);
    if (label === null) fp += flagged ? 1 : 0;
    else if (flagged) {
      tp++;
      if (flagged.includes(expectedFlagKind(label))) rightKind++;
    } else fn++;
  }
  return { tp, fp, fn, rightKind, flags, epoch };
}

describe('epoch fraud analytics on synthetic epochs with labelled cheaters', () => {
  it('reaches precision >= 0.95 and recall >= 0.9 across seeds, naming the right kind', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let rightKind = 0;
    for (const seed of [1, 2, 3, 4]) {
      const s = score(seed);
      tp += s.tp;
      fp += s.fp;
      fn += s.fn;
      rightKind += s.rightKind;
    }
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.95);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.9);
    expect(rightKind / tp).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('flags nobody in an honest dense city with suburbs and villages', () => {
    for (const seed of [100, 101]) {
      const s = score(seed, { core: 300, suburbs: 150, spoofers: 0, rings: [], tooStrong: 0, onModel: 0, replayers: 0, spammers: 0, clockSkewed: 0 });
      expect(s.flags).toEqual([]);
    }
  }, 60_000);

  it('reports each ring once, as a ring, with its members and the numbers', () => {
    const s = score(2);
    const ringFlags = s.flags.filter((f) => f.kind === 'gaming_ring');
    // One ring flag per member of the synthetic rings and for nobody else (so the loop below is not empty).
    expect(ringFlags.map((f) => f.hotspotAddress).sort()).toEqual(s.epoch.rings.flat().sort());
    for (const members of s.epoch.rings) {
      for (const m of members) {
        const flags = s.flags.filter((f) => f.hotspotAddress === m);
        expect(flags.map((f) => f.kind)).toEqual(['gaming_ring']);
        expect(flags[0]!.evidence).toMatchObject({ members: [...members].sort(), insideShare: 1 });
      }
    }
    expect(ringFlags.every((f) => (f.evidence.reportToReportSpreadDb as number) >= 2.2)).toBe(true);
  }, 30_000);

  it('explains a spoofer flag with an estimated position far from the asserted one', () => {
    const s = score(3);
    const spoofers = s.flags.filter((f) => f.kind === 'location_spoofer');
    expect(spoofers.length).toBeGreaterThan(0);
    for (const f of spoofers) {
      expect(f.evidence.offsetM as number).toBeGreaterThanOrEqual(10_000);
      expect(f.evidence.assertedToImpliedRatio as number).toBeGreaterThanOrEqual(3);
      expect(f.evidence.estimatedPosition).toMatchObject({ lat: expect.any(Number), lng: expect.any(Number) });
    }
  }, 30_000);

  it('is deterministic', () => {
    const epoch = syntheticEpoch({ seed: 5 });
    expect(detectFraud(epoch.evidence)).toEqual(detectFraud(epoch.evidence));
  }, 30_000);
});
