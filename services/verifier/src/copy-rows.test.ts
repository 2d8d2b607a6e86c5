import { describe, expect, it } from 'vitest';
import { witnessVerdictLine } from './batch-repository';
import { copyField, copyLine } from './copy-rows';

describe('copyField (COPY text format)', () => {
  it.each([
    [null, '\\N'],
    [true, 't'],
    [false, 'f'],
    [0, '0'],
    [-72.004, '-72.004'],
    [1_772_409_630_000, '1772409630000'],
    ['plain', 'plain'],
    ['\\N', '\\\\N'],
    ['a\tb\nc\rd\\e', 'a\\tb\\nc\\rd\\\\e'],
    ['{"s":"q\\"uote"}', '{"s":"q\\\\"uote"}'],
    ['', ''],
  ])('%j -> %j', (value, field) => {
    expect(copyField(value)).toBe(field);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses %d', (value) => {
    expect(() => copyField(value)).toThrow(/finite/);
  });

  it('copyLine joins with tabs and ends the row', () => {
    expect(copyLine(['a', null, 1, true])).toBe('a\t\\N\t1\tt\n');
  });
});

it('witnessVerdictLine writes the 16 columns in COPY order', () => {
  const line = witnessVerdictLine({
    beaconId: 'b1',
    witnessId: 'w1',
    hotspotAddress: 'hw',
    beaconerAddress: 'hb',
    receivedAtMs: 1_000,
    epoch: 7,
    valid: false,
    reason: 'too_late',
    details: { lagMs: 5_000, note: 'tab\there' },
    selected: false,
    signalDbmX10: -1_080,
    snrDbX10: 35,
    distanceM: null,
    locationCell: '8c3f304e42e4bff',
    passedChecks: false,
    expectedMaxRssiDbm: -82.589,
  });
  expect(line).toBe(
    ['b1', 'w1', 'hw', 'hb', '1000', '7', 'f', 'too_late', '{"lagMs":5000,"note":"tab\\\\there"}', 'f', '-1080', '35', '\\N', '8c3f304e42e4bff', 'f', '-82.589'].join('\t') + '\n',
  );
});
