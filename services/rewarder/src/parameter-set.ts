/**
 * The protocol parameter set an epoch is paid under: emission, the pool split, the HIP-15 and
 * HIP-17 constants, the PoC check thresholds, the epoch length, the token price used to value data
 * credits, and the fraud policy. Its hash (sha256 of the RFC 8785 canonical JSON) goes into every
 * manifest, so a reader knows exactly which rules produced the numbers, and a past epoch can be
 * recomputed with the set it used after the settings have moved on.
 */
import type { Config } from '@cov/shared/config/config';
import { INTERACTIVITY_WINDOW_MS } from '@cov/shared/coverage/interactive-hotspots';
import { DEFAULT_POC_THRESHOLDS, type PocThresholds } from '@cov/shared/poc/thresholds';
import { manifestHash } from '@cov/shared/rewards/manifest-canonical';
import type { TokenPrice } from '@cov/shared/rewards/pools';
import { HELIUM_IOT_REWARD_PARAMS, type RewardProtocolParams } from '@cov/shared/rewards/protocol-params';
import { parseDecimal, toScaled, mul, rational, formatExact } from '@cov/shared/rewards/rational';

export type FraudPolicy = 'exclude' | 'downgrade' | 'ignore';

/**
 * Where the density map counts each interactive hotspot (`density-cells.ts`):
 * - `latest-beacon`: only the cell of its latest witnessed beacon. A hotspot that moved during the
 *   epoch had its beacons from the old cell scaled by the default 0.2, as if the map did not know
 *   it. Sets stored before this field existed have it absent, which means this.
 * - `latest-and-rewarded-beacons`: also every other res-11 cell its rewarded beacons of the epoch
 *   came from, so each proof is scaled by the density where it was made (Helium scored each beacon
 *   with the map of its own time).
 */
export type DensityCellsRule = 'latest-beacon' | 'latest-and-rewarded-beacons';


export interface ProtocolParameterSet {
  format: 'cov-protocol-params-v1';
  epochLengthMs: number;
  /** Token base units emitted per epoch (decimal integer string: it passes 2^53). */
  emissionPerEpoch: string;
  token: {
    /** USD per whole token, exact decimal. */
    priceUsd: string;
    /** Base units per token = 10^decimals. */
    decimals: number;
  };
  interactivityWindowMs: number;
  /**
   * What flagged hotspots get: `exclude` pays them no PoC rewards and leaves them out of the
   * density map; `downgrade` scales their PoC shares by the density map's default scale (0.2, the
   * scale of a hotspot the map does not know); `ignore` pays them as if unflagged. Data transfer is
   * paid in every case: device makers paid for those packets.
   */
  fraudPolicy: FraudPolicy;
  /** Absent in sets stored before it existed: `latest-beacon`. */
  densityCells?: DensityCellsRule;
  rewards: RewardProtocolParams;
  poc: { thresholds: PocThresholds; maxWitnessesPerPoc: number };
}

/** The set the current settings describe. */
export function parameterSetFromConfig(
  config: Pick<Config, 'EPOCH_LENGTH_MS' | 'REWARD_EMISSION_PER_EPOCH' | 'REWARD_TOKEN_PRICE_USD' | 'REWARD_TOKEN_DECIMALS' | 'FRAUD_POLICY' | 'BEACON_INTERVAL_MS' | 'MAX_WITNESSES_PER_POC'>,
): ProtocolParameterSet {
  const set: ProtocolParameterSet = {
    format: 'cov-protocol-params-v1',
    epochLengthMs: config.EPOCH_LENGTH_MS,
    emissionPerEpoch: BigInt(config.REWARD_EMISSION_PER_EPOCH).toString(),
    token: { priceUsd: config.REWARD_TOKEN_PRICE_USD, decimals: config.REWARD_TOKEN_DECIMALS },
    interactivityWindowMs: INTERACTIVITY_WINDOW_MS,
    fraudPolicy: config.FRAUD_POLICY,
    densityCells: 'latest-and-rewarded-beacons',
    rewards: HELIUM_IOT_REWARD_PARAMS,
    poc: { thresholds: { ...DEFAULT_POC_THRESHOLDS, beaconIntervalMs: config.BEACON_INTERVAL_MS }, maxWitnessesPerPoc: config.MAX_WITNESSES_PER_POC },
  };
  tokenPriceOf(set); // fails fast on a price finer than the token's base unit
  return set;
}

export function parameterSetHash(set: ProtocolParameterSet): string {
  return manifestHash(set).hex;
}

export function densityCellsOf(set: Pick<ProtocolParameterSet, 'densityCells'>): DensityCellsRule {
  return set.densityCells ?? 'latest-beacon';
}

/** The oracle-style integer price pools.ts takes: USD per token × 10^decimals. */
export function tokenPriceOf(set: Pick<ProtocolParameterSet, 'token'>): TokenPrice {
  const { priceUsd, decimals } = set.token;
  const exact = mul(parseDecimal(priceUsd), rational(10n ** BigInt(decimals)));
  if (exact.den !== 1n) throw new RangeError(`token price ${priceUsd} USD has more decimals than the token (${decimals})`);
  if (exact.num <= 0n) throw new RangeError('token price must be positive');
  return { price: toScaled(exact, 0, 'down'), decimals };
}

export function emissionOf(set: Pick<ProtocolParameterSet, 'emissionPerEpoch'>): bigint {
  return BigInt(set.emissionPerEpoch);
}

/** USD value of `baseUnits` token base units at the set's price, as an exact decimal string. */
export function tokenValueUsd(set: Pick<ProtocolParameterSet, 'token'>, baseUnits: bigint): string {
  return formatExact(mul(parseDecimal(set.token.priceUsd), rational(baseUnits, 10n ** BigInt(set.token.decimals))));
}

/** USD value of `dc` data credits at the pool parameters' fixed DC price. */
export function dataCreditValueUsd(set: Pick<ProtocolParameterSet, 'rewards'>, dc: bigint): string {
  return formatExact(mul(parseDecimal(set.rewards.pools.dcPriceUsd), rational(dc)));
}
