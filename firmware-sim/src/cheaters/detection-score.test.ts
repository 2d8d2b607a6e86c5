import { describe, expect, it } from 'vitest';
import { flagSignals, scoreDetection, type HotspotEvidence } from './detection-score';
import type { HotspotLabel } from './labels';

const none: HotspotEvidence = { fraudFlags: [], beaconInvalid: {}, witnessInvalid: {}, witnessVerdicts: 10 };

function label(address: string, kind: HotspotLabel['kind'], capability: HotspotLabel['capability'] = 'full'): HotspotLabel {
  const p = { lat: 0, lng: 0 };
  return { address, index: 0, owner: 'o', capability, kind, details: null, truePosition: p, asserted: { ...p, gainDbiX10: 30, elevationM: 5 }, assertionErrorM: 0 };
}

describe('flagSignals', () => {
  it.each([
    ['nothing', none, []],
    ['a fraud flag', { ...none, fraudFlags: ['gaming_ring'] }, ['fraud_flag:gaming_ring']],
    ['an over-powered beacon', { ...none, beaconInvalid: { tx_power_too_high: 1 } }, ['beacon:tx_power_too_high']],
    ['a second beacon in a window', { ...none, beaconInvalid: { irregular_interval: 2 } }, ['beacon:irregular_interval']],
    ['beacons invalid for reasons others cause are not conduct', { ...none, beaconInvalid: { gateway_no_valid_witnesses: 3, not_asserted: 1 } }, []],
    ['a self witness', { ...none, witnessInvalid: { self_witness: 1 } }, ['witness:self_witness']],
    ['one bad RSSI among ten', { ...none, witnessInvalid: { bad_rssi: 1 } }, []],
    ['two bad RSSI among ten (under 25%)', { ...none, witnessInvalid: { bad_rssi: 2 } }, []],
    ['three bad RSSI and one late among ten', { ...none, witnessInvalid: { bad_rssi: 3, too_late: 1 } }, ['witness_rate:bad_rssi+too_late']],
    ['close neighbours are not a fault', { ...none, witnessInvalid: { below_min_distance: 9 } }, []],
  ] as [string, HotspotEvidence, string[]][])('%s', (_name, evidence, expected) => {
    expect(flagSignals(evidence)).toEqual(expected);
  });
});

describe('scoreDetection', () => {
  it('computes precision and recall over full hotspots, and recall per kind', () => {
    const labels = [
      label('spoofer-caught', 'location_spoofer'),
      label('spoofer-missed', 'location_spoofer'),
      label('spammer', 'beacon_spammer'),
      label('honest-flagged', null),
      label('honest', null),
      label('data-only', null, 'data_only'),
    ];
    const evidence = new Map<string, HotspotEvidence>([
      ['spoofer-caught', { ...none, witnessInvalid: { bad_rssi: 6 } }],
      ['spammer', { ...none, beaconInvalid: { irregular_interval: 3 } }],
      ['honest-flagged', { ...none, witnessInvalid: { too_late: 5 } }],
      ['data-only', { ...none, fraudFlags: ['whatever'] }],
    ]);
    const score = scoreDetection(labels, evidence);
    expect(score).toMatchObject({ scored: 5, cheaters: 3, flagged: 3, truePositives: 2, falsePositives: 1, falseNegatives: 1 });
    expect(score.precision).toBeCloseTo(2 / 3, 9);
    expect(score.recall).toBeCloseTo(2 / 3, 9);
    expect(score.perKind.find((k) => k.kind === 'location_spoofer')).toMatchObject({ total: 2, caught: 1, recall: 0.5, caughtBy: [{ signal: 'witness_rate:bad_rssi', hotspots: 1 }] });
    expect(score.perKind.find((k) => k.kind === 'beacon_spammer')).toMatchObject({ total: 1, caught: 1, recall: 1 });
    expect(score.perKind.find((k) => k.kind === 'replayer')).toMatchObject({ total: 0, caught: 0, recall: null });
    expect(score.falsePositiveSignals).toEqual([{ signal: 'witness_rate:too_late', hotspots: 1 }]);
  });

  it('has no precision when nothing is flagged', () => {
    const score = scoreDetection([label('a', 'self_witness')], new Map());
    expect(score.precision).toBeNull();
    expect(score.recall).toBe(0);
  });
});
