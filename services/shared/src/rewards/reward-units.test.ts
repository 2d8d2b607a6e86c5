import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatUnitsE4, HIP15_REWARD_UNIT_PARAMS, pocRewardUnits } from './reward-units';

interface UnitVectors {
  parameters: { WITNESS_REDUNDANCY: number; POC_REWARD_DECAY_RATE: string; HIP15_TX_REWARD_UNIT_CAP: string };
  values: Array<{ witnesses: number; beacon_reward_unit: string; per_witness_reward_unit: string }>;
}

const vectors = JSON.parse(
  readFileSync(new URL('../testing/vectors/reward-units.json', import.meta.url), 'utf8'),
) as UnitVectors;

describe('pocRewardUnits', () => {
  it('uses the parameters the vectors were made with', () => {
    expect(HIP15_REWARD_UNIT_PARAMS.witnessRedundancy).toBe(vectors.parameters.WITNESS_REDUNDANCY);
    expect(HIP15_REWARD_UNIT_PARAMS.decayRate).toBe(vectors.parameters.POC_REWARD_DECAY_RATE);
    expect(HIP15_REWARD_UNIT_PARAMS.unitCap).toBe(vectors.parameters.HIP15_TX_REWARD_UNIT_CAP);
  });

  it('covers every w from 0 to 20, no gaps (none skipped silently)', () => {
    expect(vectors.values.map((v) => v.witnesses)).toEqual(Array.from({ length: 21 }, (_, w) => w));
  });

  for (const v of vectors.values) {
    it(`matches Helium for ${v.witnesses} valid witnesses: beacon ${v.beacon_reward_unit}, witness ${v.per_witness_reward_unit}`, () => {
      const units = pocRewardUnits(v.witnesses);
      expect(formatUnitsE4(units.beaconUnitsE4)).toBe(v.beacon_reward_unit);
      expect(formatUnitsE4(units.perWitnessUnitsE4)).toBe(v.per_witness_reward_unit);
    });
  }

  it('pays N + 1 = 5 units per PoC (before rounding) once there are at least N witnesses', () => {
    for (let w = 4; w <= 30; w++) {
      const u = pocRewardUnits(w);
      const totalE4 = u.beaconUnitsE4 + w * u.perWitnessUnitsE4;
      // Each of the w + 1 roundings moves the total by at most half a unit of the 4th decimal.
      expect(Math.abs(totalE4 - 50_000)).toBeLessThanOrEqual(Math.ceil((w + 1) / 2));
    }
  });

  it('lets beaconer units approach 2, reaching 2.0000 only through rounding', () => {
    expect(pocRewardUnits(40).beaconUnitsE4).toBe(19_997); // 2 - 0.8^36 = 1.99968...
    expect(pocRewardUnits(60).beaconUnitsE4).toBe(20_000); // 2 - 0.8^56 = 1.9999963...
  });

  it('applies a lower cap to both unit kinds', () => {
    const params = { ...HIP15_REWARD_UNIT_PARAMS, unitCap: '1.5' };
    expect(pocRewardUnits(10, params).beaconUnitsE4).toBe(15_000);
    expect(pocRewardUnits(5, params).beaconUnitsE4).toBe(12_000);
    expect(pocRewardUnits(5, { ...params, unitCap: '0.5' }).perWitnessUnitsE4).toBe(5_000);
  });

  it('rejects a negative or fractional witness count', () => {
    expect(() => pocRewardUnits(-1)).toThrow(RangeError);
    expect(() => pocRewardUnits(1.5)).toThrow(RangeError);
  });
});
