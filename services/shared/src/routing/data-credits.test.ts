import { describe, expect, it } from 'vitest';
import { BYTES_PER_DC, dcPerCopy, dcPerUplinkCopy } from './data-credits';

describe('data-credit price of a copy', () => {
  it.each([
    [0, 1],
    [1, 1],
    [11, 1],
    [24, 1],
    [25, 2],
    [48, 2],
    [49, 3],
    [242, 11],
  ])('%i bytes of FRMPayload cost %i DC', (bytes, dc) => {
    expect(dcPerUplinkCopy(bytes)).toBe(dc);
  });

  it('charges nothing for joins and 24 bytes per DC for uplinks', () => {
    expect(BYTES_PER_DC).toBe(24);
    expect(dcPerCopy('join', 0)).toBe(0);
    expect(dcPerCopy('uplink', 100)).toBe(5);
  });
});
