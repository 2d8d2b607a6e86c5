/**
 * HIP-15 reward units of one PoC, from w = the number of valid witnesses left after selection
 * (invalid and unselected witnesses do not count, as in Helium's oracle since PR #336):
 *
 *   beaconer     w = 0: 0;  w <= N: w / N;  w > N: min(cap, 2 - r^(w-N))
 *   each witness w = 0: 0;  w <= N: 1;      w > N: min(cap, (N - (1 - r^(w-N))) / w)
 *
 * Both are rounded half-to-even to 4 decimals (Helium's round_dp(SCALING_PRECISION)) and carried
 * as integers × 10 000, the form Helium writes into reward_unit. Once w >= N the PoC pays N + 1
 * units in total, split ever more thinly between more witnesses.
 */
import { cmp, formatScaled, min, parseDecimal, pow, rational, sub, toScaled, type Rational } from './rational';

export interface RewardUnitParams {
  version: string;
  /** N: witnesses a beacon needs for full beaconer units. */
  witnessRedundancy: number;
  /** r: decay applied per witness beyond N, as an exact decimal string. */
  decayRate: string;
  /** Ceiling on either kind of unit, as an exact decimal string. */
  unitCap: string;
}

export const HIP15_REWARD_UNIT_PARAMS: RewardUnitParams = Object.freeze({
  version: 'hip15',
  witnessRedundancy: 4,
  decayRate: '0.8',
  unitCap: '2',
});

export const UNIT_DECIMALS = 4;

export interface PocRewardUnits {
  /** Beaconer units × 10 000. */
  beaconUnitsE4: number;
  /** Units of each valid selected witness × 10 000. */
  perWitnessUnitsE4: number;
}

/**
 * HIP-15's asymptote for beaconer units. Helium hard-codes it (Decimal::TWO) separately from the
 * cap, so a lower cap clips the curve rather than rescaling it.
 */
const BEACON_ASYMPTOTE = rational(2n);

function roundUnits(value: Rational): number {
  return Number(toScaled(value, UNIT_DECIMALS, 'halfEven'));
}

/**
 * Exact rationals instead of rust_decimal: w/N is computed by Helium in f32 (exact for N = 4) and
 * r^k in Decimal (exact while it has <= 28 digits, i.e. k <= 28 for r = 0.8); README.md explains
 * why the rounded results agree for every w.
 */
export function pocRewardUnits(validWitnesses: number, params: RewardUnitParams = HIP15_REWARD_UNIT_PARAMS): PocRewardUnits {
  if (!Number.isSafeInteger(validWitnesses) || validWitnesses < 0) throw new RangeError(`bad witness count ${validWitnesses}`);
  const n = params.witnessRedundancy;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`bad witnessRedundancy ${n}`);
  const w = validWitnesses;
  if (w === 0) return { beaconUnitsE4: 0, perWitnessUnitsE4: 0 };
  if (w <= n) return { beaconUnitsE4: roundUnits(rational(BigInt(w), BigInt(n))), perWitnessUnitsE4: 10 ** UNIT_DECIMALS };

  const cap = parseDecimal(params.unitCap);
  const decayed = pow(parseDecimal(params.decayRate), w - n);
  const beacon = min(cap, sub(BEACON_ASYMPTOTE, decayed));
  const perWitnessRaw = rational(
    (BigInt(n) - 1n) * decayed.den + decayed.num, // (N - (1 - r^k)) over r^k's denominator
    decayed.den * BigInt(w),
  );
  const perWitness = cmp(perWitnessRaw, cap) > 0 ? cap : perWitnessRaw;
  return { beaconUnitsE4: roundUnits(beacon), perWitnessUnitsE4: roundUnits(perWitness) };
}

/** "1.2000" for 12000. */
export const formatUnitsE4 = (unitsE4: number): string => formatScaled(BigInt(unitsE4), UNIT_DECIMALS);
