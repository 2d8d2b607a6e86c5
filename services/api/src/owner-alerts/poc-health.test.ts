import { describe, expect, it } from 'vitest';
import { MIN_REPORTS, pocChange, pocHealth } from './poc-health';

const counts = (valid: number, invalid: Record<string, number> = {}) => ({ valid, invalidByReason: new Map(Object.entries(invalid)) });

describe('pocHealth', () => {
  it('judges a hotspot only once it has made enough reports', () => {
    expect(pocHealth(counts(0, { witness_too_close: MIN_REPORTS - 1 }))).toEqual({ state: 'unknown' });
    expect(pocHealth(counts(0))).toEqual({ state: 'unknown' });
  });

  it('calls a hotspot failing when every report was rejected, with the most frequent reason', () => {
    expect(pocHealth(counts(0, { witness_rssi_too_high: 2, witness_too_close: 5 }))).toEqual({ state: 'failing', reason: 'witness_too_close', invalidReports: 7 });
    // A tie goes to the first reason by name, whatever the order the counts came in.
    expect(pocHealth(counts(0, { b_reason: 2, a_reason: 2 }))).toMatchObject({ reason: 'a_reason' });
    expect(pocHealth(counts(0, { a_reason: 2, b_reason: 2 }))).toMatchObject({ reason: 'a_reason' });
  });

  it('calls a hotspot fine when one report passed, however many failed', () => {
    expect(pocHealth(counts(1, { witness_too_close: 20 }))).toEqual({ state: 'ok', validReports: 1, invalidReports: 20 });
  });
});

describe('pocChange', () => {
  const failing = pocHealth(counts(0, { witness_too_close: 3 }));
  const ok = pocHealth(counts(3));
  const unknown = pocHealth(counts(0));

  it('tells a hotspot that starts failing, first judged or not, and one that passes again', () => {
    expect(pocChange('a', failing, undefined)).toEqual({ address: 'a', failing: true, reason: 'witness_too_close', invalidReports: 3 });
    expect(pocChange('a', failing, null)).toMatchObject({ failing: true });
    expect(pocChange('a', failing, false)).toMatchObject({ failing: true });
    expect(pocChange('a', ok, true)).toEqual({ address: 'a', failing: false, reason: null, invalidReports: 0 });
  });

  it('tells nothing when nothing changed, when first judged fine, or when too quiet to judge', () => {
    expect(pocChange('a', failing, true)).toBeUndefined();
    expect(pocChange('a', ok, false)).toBeUndefined();
    expect(pocChange('a', ok, undefined)).toBeUndefined();
    expect(pocChange('a', unknown, true)).toBeUndefined();
    expect(pocChange('a', unknown, undefined)).toBeUndefined();
  });
});
