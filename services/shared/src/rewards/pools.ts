/**
 * Splits one epoch's emission into reward pools and per-hotspot amounts, the way Helium's IoT
 * rewarder did (reward_share.rs / rewarder.rs): beacons 6 %, witnesses 24 %, data transfer up to
 * 50 %, operations 7 %, oracles 7 %. Data transfer pays each hotspot the token value of the data
 * credits it carried, pro rata when that exceeds the cap; what the data pool does not use moves to
 * beacons (20 %) and witnesses (80 %).
 *
 * Money is bigint token base units (HNT: bones, 10^-8). Pools and per-share rates are exact
 * rationals rounded where Helium rounds; per-hotspot amounts are floored; and every base unit
 * that no hotspot, operations or oracles receive is accounted for in `unallocated`, so the parts
 * add up to the emission exactly.
 */
import {
  add,
  cmp,
  div,
  formatExact,
  formatScaled,
  fromScaled,
  mul,
  parseDecimal,
  rational,
  sub,
  toScaled,
  ZERO,
  type Rational,
} from './rational';

export interface PoolParams {
  version: string;
  beaconBp: number;
  witnessBp: number;
  /** Cap of the data-transfer pool; the unused part moves to beacons and witnesses. */
  dataBp: number;
  operationsBp: number;
  oraclesBp: number;
  /** Split of the unused data-transfer pool; the two must add up to 10 000. */
  unusedDataToBeaconsBp: number;
  unusedDataToWitnessesBp: number;
  /** USD value of one data credit, exact decimal string (the $0.00001 peg). */
  dcPriceUsd: string;
}

/**
 * Helium IoT after HIP-138 (HNT rewards) and before HIP-149 retired PoC. The 6 % left over went
 * to veHNT delegators on-chain and never through the oracle; here it is reported as
 * `unallocated.unscheduled`.
 */
export const HELIUM_IOT_POOL_PARAMS: PoolParams = Object.freeze({
  version: 'helium-iot-hip138',
  beaconBp: 600,
  witnessBp: 2400,
  dataBp: 5000,
  operationsBp: 700,
  oraclesBp: 700,
  unusedDataToBeaconsBp: 2000,
  unusedDataToWitnessesBp: 8000,
  dcPriceUsd: '0.00001',
});

/**
 * Shares are fixed-point bigints with 8 decimals. A PoC share is hex scale (4 dp) × reward units
 * (4 dp), so 8 decimals hold every share and every sum of shares exactly.
 */
export const SHARE_DECIMALS = 8;
export const SHARE_ONE = 10n ** BigInt(SHARE_DECIMALS);
/** Per-share rates are rounded half-even to 15 decimals (Helium's DEFAULT_PREC). */
export const RATE_DECIMALS = 15;
/** The token value of carried data credits is rounded up to 15 decimals (Helium's dc_to_hnt_bones). */
export const DC_VALUE_DECIMALS = 15;

const BP = 10_000n;

/** Share (× 10^8) of one beacon or witness report: hex scale × reward units, both × 10^4. */
export function rewardShareE8(scaleE4: number, unitsE4: number): bigint {
  return BigInt(scaleE4) * BigInt(unitsE4);
}

export interface TokenPrice {
  /** USD per whole token × 10^decimals (the price oracle's integer; 3_590_000 with 8 decimals is $0.0359). */
  price: bigint;
  /** Decimals of the price and of the token's base unit (HNT: 8). */
  decimals: number;
}

export interface HotspotShares {
  address: string;
  /** Σ hex scale × beacon units over the epoch, × 10^8 (see rewardShareE8). */
  beaconShares: bigint;
  /** Σ hex scale × witness units over the epoch, × 10^8. */
  witnessShares: bigint;
  /** Data credits burned for packets this hotspot carried, whole DC. */
  dataDc: bigint;
}

/** Same as HotspotShares but with data shares in the 8-decimal fixed point too (fractional DC). */
export interface HotspotSharesE8 {
  address: string;
  beaconShares: bigint;
  witnessShares: bigint;
  dataShares: bigint;
}

export interface EpochRewardsInput<H> {
  /** Tokens this epoch, base units. */
  emission: bigint;
  tokenPrice: TokenPrice;
  hotspots: readonly H[];
  params?: PoolParams;
}

export interface HotspotReward {
  address: string;
  beaconAmount: bigint;
  witnessAmount: bigint;
  dataAmount: bigint;
}

export interface Rate {
  /** Base units per share × 10^15. */
  e15: bigint;
  /** Same, as a decimal string with 15 places (what the manifest carries). */
  text: string;
}

export interface EpochRewards {
  params: PoolParams;
  emission: bigint;
  /** Sorted by address; hotspots whose three amounts are all 0 are left out, as Helium does. */
  hotspots: HotspotReward[];
  operations: bigint;
  oracles: bigint;
  unallocated: {
    /** Beacon + witness + data pools minus what hotspots received, truncated (Helium's unallocated `poc`). */
    poc: bigint;
    /** The emission not assigned to any pool (the 6 % Helium paid to delegators on-chain). */
    unscheduled: bigint;
    /** Fractions of a base unit dropped by the floors above, so that everything sums to the emission. */
    rounding: bigint;
    total: bigint;
  };
  rates: { beaconPerShare: Rate; witnessPerShare: Rate; dataPerDc: Rate };
  /** Exact decimal pool sizes, for explanation and recomputation. */
  pools: { beacon: string; witness: string; dataCap: string; dataValue: string; dataPaid: string; dataUnused: string };
  totals: { beaconShares: bigint; witnessShares: bigint; dataShares: bigint };
}

function checkParams(p: PoolParams): void {
  const bps = [p.beaconBp, p.witnessBp, p.dataBp, p.operationsBp, p.oraclesBp, p.unusedDataToBeaconsBp, p.unusedDataToWitnessesBp];
  if (bps.some((b) => !Number.isSafeInteger(b) || b < 0)) throw new RangeError('pool basis points must be non-negative integers');
  if (p.beaconBp + p.witnessBp + p.dataBp + p.operationsBp + p.oraclesBp > 10_000) throw new RangeError('pools exceed 100 %');
  if (p.unusedDataToBeaconsBp + p.unusedDataToWitnessesBp !== 10_000) throw new RangeError('unused data split must total 100 %');
  if (cmp(parseDecimal(p.dcPriceUsd), ZERO) <= 0) throw new RangeError('dcPriceUsd must be positive');
}

const ofEmission = (emission: Rational, bp: number): Rational => mul(emission, rational(BigInt(bp), BP));

function rateOf(pool: Rational, totalShares: bigint): Rate {
  const e15 = totalShares > 0n ? toScaled(div(pool, fromScaled(totalShares, SHARE_DECIMALS)), RATE_DECIMALS, 'halfEven') : 0n;
  return { e15, text: formatScaled(e15, RATE_DECIMALS) };
}

/** floor(rate × shares): Helium's compute_rewards (ToZero on a non-negative value). */
const amountOf = (rate: Rate, shares: bigint): bigint => (rate.e15 * shares) / 10n ** BigInt(RATE_DECIMALS + SHARE_DECIMALS);

/** Token base units worth `dcShares` (× 10^8) data credits, rounded up to 15 decimals. */
export function dataCreditValue(dcShares: bigint, tokenPrice: TokenPrice, dcPriceUsd: string): Rational {
  if (tokenPrice.price <= 0n || !Number.isSafeInteger(tokenPrice.decimals) || tokenPrice.decimals < 0) {
    throw new RangeError('token price must be positive with non-negative integer decimals');
  }
  // USD per base unit = price / 10^decimals (USD per token) / 10^decimals (base units per token).
  const usdPerBaseUnit = rational(tokenPrice.price, 10n ** BigInt(2 * tokenPrice.decimals));
  const value = div(mul(fromScaled(dcShares, SHARE_DECIMALS), parseDecimal(dcPriceUsd)), usdPerBaseUnit);
  return fromScaled(toScaled(value, DC_VALUE_DECIMALS, 'up'), DC_VALUE_DECIMALS);
}

/**
 * Core of the split, with all three share kinds in 8-decimal fixed point. Most callers want
 * computeEpochRewards (whole data credits); this form also reproduces Helium's unit tests, which
 * use fractional data-credit shares.
 */
export function computeEpochRewardsE8(input: EpochRewardsInput<HotspotSharesE8>): EpochRewards {
  const params = input.params ?? HELIUM_IOT_POOL_PARAMS;
  checkParams(params);
  if (input.emission < 0n) throw new RangeError('emission must be non-negative');

  const merged = new Map<string, HotspotSharesE8>();
  for (const h of input.hotspots) {
    if (h.beaconShares < 0n || h.witnessShares < 0n || h.dataShares < 0n) throw new RangeError(`negative shares for ${h.address}`);
    const prev = merged.get(h.address);
    merged.set(
      h.address,
      prev
        ? { address: h.address, beaconShares: prev.beaconShares + h.beaconShares, witnessShares: prev.witnessShares + h.witnessShares, dataShares: prev.dataShares + h.dataShares }
        : h,
    );
  }
  const hotspots = [...merged.values()];
  const totals = { beaconShares: 0n, witnessShares: 0n, dataShares: 0n };
  for (const h of hotspots) {
    totals.beaconShares += h.beaconShares;
    totals.witnessShares += h.witnessShares;
    totals.dataShares += h.dataShares;
  }

  const emission = rational(input.emission);
  const dataCap = ofEmission(emission, params.dataBp);
  const dataValue = dataCreditValue(totals.dataShares, input.tokenPrice, params.dcPriceUsd);
  const [dataPaid, dataUnused] = cmp(dataValue, dataCap) <= 0 ? [dataValue, sub(dataCap, dataValue)] : [dataCap, ZERO];
  const beaconPool = add(ofEmission(emission, params.beaconBp), mul(dataUnused, rational(BigInt(params.unusedDataToBeaconsBp), BP)));
  const witnessPool = add(ofEmission(emission, params.witnessBp), mul(dataUnused, rational(BigInt(params.unusedDataToWitnessesBp), BP)));

  const rates = {
    beaconPerShare: rateOf(beaconPool, totals.beaconShares),
    witnessPerShare: rateOf(witnessPool, totals.witnessShares),
    dataPerDc: rateOf(dataPaid, totals.dataShares),
  };

  let paid = 0n;
  const rewards: HotspotReward[] = [];
  for (const h of hotspots) {
    const r: HotspotReward = {
      address: h.address,
      beaconAmount: amountOf(rates.beaconPerShare, h.beaconShares),
      witnessAmount: amountOf(rates.witnessPerShare, h.witnessShares),
      dataAmount: amountOf(rates.dataPerDc, h.dataShares),
    };
    const sum = r.beaconAmount + r.witnessAmount + r.dataAmount;
    if (sum > 0n) rewards.push(r);
    paid += sum;
  }
  rewards.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

  const operations = toScaled(ofEmission(emission, params.operationsBp), 0, 'down');
  const oracles = toScaled(ofEmission(emission, params.oraclesBp), 0, 'down');
  const pocPools = ofEmission(emission, params.beaconBp + params.witnessBp + params.dataBp);
  // Rates rounded half-even can sit a hair above pool/shares, so hotspots may receive a fraction of
  // a unit more than the pools; Helium truncates toward zero, which makes that 0, not -1.
  const pocLeft = toScaled(sub(pocPools, rational(paid)), 0, 'down');
  const poc = pocLeft < 0n ? 0n : pocLeft;
  const unscheduled = toScaled(ofEmission(emission, 10_000 - params.beaconBp - params.witnessBp - params.dataBp - params.operationsBp - params.oraclesBp), 0, 'down');
  const rounding = input.emission - paid - operations - oracles - poc - unscheduled;
  if (rounding < 0n) throw new Error(`reward split overspent the emission by ${-rounding} base units`);

  return {
    params,
    emission: input.emission,
    hotspots: rewards,
    operations,
    oracles,
    unallocated: { poc, unscheduled, rounding, total: poc + unscheduled + rounding },
    rates,
    pools: {
      beacon: formatExact(beaconPool),
      witness: formatExact(witnessPool),
      dataCap: formatExact(dataCap),
      dataValue: formatExact(dataValue),
      dataPaid: formatExact(dataPaid),
      dataUnused: formatExact(dataUnused),
    },
    totals,
  };
}

/** The epoch split for hotspots whose data transfer is given in whole data credits. */
export function computeEpochRewards(input: EpochRewardsInput<HotspotShares>): EpochRewards {
  return computeEpochRewardsE8({
    ...input,
    hotspots: input.hotspots.map((h) => {
      if (h.dataDc < 0n) throw new RangeError(`negative data credits for ${h.address}`);
      return { address: h.address, beaconShares: h.beaconShares, witnessShares: h.witnessShares, dataShares: h.dataDc * SHARE_ONE };
    }),
  });
}
