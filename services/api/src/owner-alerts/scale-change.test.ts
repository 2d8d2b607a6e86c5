import { describe, expect, it } from 'vitest';
import { scaleChange, scaleE4, scaleToRecord } from './scale-change';

describe('transmit scale changes', () => {
  it('is a move of an interactive hotspot from the scale told', () => {
    expect(scaleChange('a', 5000, 10_000)).toEqual({ address: 'a', fromScaleE4: 10_000, toScaleE4: 5000 });
    expect(scaleChange('a', 10_000, 3333)).toEqual({ address: 'a', fromScaleE4: 3333, toScaleE4: 10_000 });
  });

  it('is nothing while the scale stays, before one was seen, or while the hotspot is not interactive', () => {
    expect(scaleChange('a', 5000, 5000)).toBeUndefined();
    expect(scaleChange('a', 5000, null)).toBeUndefined();
    expect(scaleChange('a', 5000, undefined)).toBeUndefined();
    expect(scaleChange('a', undefined, 5000)).toBeUndefined();
  });

  it('keeps the scale told while the hotspot is not interactive', () => {
    expect(scaleToRecord(5000, 10_000)).toBe(5000);
    expect(scaleToRecord(undefined, 10_000)).toBe(10_000);
    expect(scaleToRecord(undefined, null)).toBeNull();
    expect(scaleToRecord(7500, undefined)).toBe(7500);
  });

  it('reads a snapshot scale at 4 decimals', () => {
    expect(scaleE4(0.3333)).toBe(3333);
    expect(scaleE4(1)).toBe(10_000);
    expect(scaleE4(0.28999999999999998)).toBe(2900);
  });
});
