import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  computeEpochRewards,
  computeEpochRewardsE8,
  dataCreditValue,
  HELIUM_IOT_POOL_PARAMS,
  rewardShareE8,
  SHARE_ONE,
  type EpochRewards,
  type PoolParams,
} from './pools';
import { div, formatExact, mul, parseDecimal, rational, toScaled } from './rational';

type Amounts = { beacon_amount: number; witness_amount: number; dc_transfer_amount: number };
interface Scenario {
  id: string;
  inputs: {
    epoch_emissions_bones: string;
    price: { price_in_bones: number; decimals: number };
    poc_shares?: Array<{ hotspot_key: string; reward_type: 'Beacon' | 'Witness'; hex_scale: string; reward_unit: string }>;
    dc_shares?: Array<{ hotspot_key: string; num_dcs: string }>;
    shares?: Array<{ name: string; hotspot_key: string; beacon_shares: string; witness_shares: string; dc_shares: string }>;
  };
  expected: {
    gateway_rewards: Array<Amounts & { hotspot_key: string }> | Record<string, Amounts>;
    unallocated_poc_reward?: { amount: number };
    invariants_asserted?: string[];
    dc_percent_of_scheduled_rounded?: string;
    unallocated_poc_reward_amount_to_u64?: number;
    total_used_data_transfer_tokens_minus_sum_dc_amounts?: number;
    scheduled_dc_minus_sum_dc_amounts?: number;
  };
}
interface ShareVectors {
  scenarios: Scenario[];
  small_unit_tests: Array<{ test: string; inputs?: Record<string, string>; expected?: Record<string, unknown> }>;
}

const vectors = JSON.parse(
  readFileSync(new URL('../testing/vectors/reward-shares.json', import.meta.url), 'utf8'),
) as ShareVectors;

const e4 = (text: string): number => Number(toScaled(parseDecimal(text), 4, 'halfEven'));
const e8 = (text: string): bigint => toScaled(parseDecimal(text), 8, 'halfEven');
const priceOf = (s: Scenario) => ({ price: BigInt(s.inputs.price.price_in_bones), decimals: s.inputs.price.decimals });
const sumData = (r: EpochRewards) => r.hotspots.reduce((a, h) => a + h.dataAmount, 0n);
const totalOut = (r: EpochRewards) =>
  r.hotspots.reduce((a, h) => a + h.beaconAmount + h.witnessAmount + h.dataAmount, 0n) + r.operations + r.oracles + r.unallocated.total;

function asRecord(r: EpochRewards): Record<string, Amounts> {
  return Object.fromEntries(
    r.hotspots.map((h) => [h.address, { beacon_amount: Number(h.beaconAmount), witness_amount: Number(h.witnessAmount), dc_transfer_amount: Number(h.dataAmount) }]),
  );
}

describe('computeEpochRewards against Helium reward-shares vectors', () => {
  it('has a test for every scenario and small unit test in the vector file (none skipped silently)', () => {
    expect(vectors.scenarios.map((s) => s.id).sort()).toEqual([
      'integration_test_poc_and_dc_rewards',
      'unit_fixed_dc_spend_with_transfer_distribution',
      'unit_with_data_transfer_distribution',
      'unit_without_data_transfer_distribution',
    ]);
    expect(vectors.scenarios.filter((s) => s.inputs.shares).length).toBe(3);
    expect(vectors.small_unit_tests.map((t) => t.test).sort()).toEqual([
      'ensure_correct_conversion_of_bytes_to_bones',
      'test_dc_hnt_conversion',
      'test_op_fund_scheduled_tokens',
      'test_operations',
      'test_oracles',
      'test_oracles_scheduled_tokens',
      'test_poc_scheduled_tokens',
      'test_poc_scheduled_tokens_with_dc_remainder',
      'test_price_conversion',
    ]);
  });

  const integration = vectors.scenarios.find((s) => s.id === 'integration_test_poc_and_dc_rewards')!;

  it('reproduces the integration test: PoC shares from scale x units, whole DC, capped data pool', () => {
    const byKey = new Map<string, { beacon: bigint; witness: bigint; dc: bigint }>();
    const entry = (k: string) => byKey.get(k) ?? byKey.set(k, { beacon: 0n, witness: 0n, dc: 0n }).get(k)!;
    for (const p of integration.inputs.poc_shares!) {
      const share = rewardShareE8(e4(p.hex_scale), e4(p.reward_unit));
      if (p.reward_type === 'Beacon') entry(p.hotspot_key).beacon += share;
      else entry(p.hotspot_key).witness += share;
    }
    for (const d of integration.inputs.dc_shares!) entry(d.hotspot_key).dc += BigInt(d.num_dcs);
    const result = computeEpochRewards({
      emission: BigInt(integration.inputs.epoch_emissions_bones),
      tokenPrice: priceOf(integration),
      hotspots: [...byKey].map(([address, s]) => ({ address, beaconShares: s.beacon, witnessShares: s.witness, dataDc: s.dc })),
    });
    const expected = integration.expected.gateway_rewards as Array<Amounts & { hotspot_key: string }>;
    expect(asRecord(result)).toEqual(
      Object.fromEntries(expected.map(({ hotspot_key, beacon_amount, witness_amount, dc_transfer_amount }) => [hotspot_key, { beacon_amount, witness_amount, dc_transfer_amount }])),
    );
    expect(result.unallocated.poc).toBe(BigInt(integration.expected.unallocated_poc_reward!.amount));
    expect(result.rates.beaconPerShare.text).toBe('1780821917808.220000000000000');
    expect(result.rates.witnessPerShare.text).toBe('8547945205479.456000000000000');
    expect(result.rates.dataPerDc.text).toBe('14840182648.401833333333333');
    expect(result.pools.dataUnused).toBe('0');
    expect(totalOut(result)).toBe(result.emission);
    // Helium's own invariant: hotspot amounts + unallocated poc = the PoC pools plus the whole data pool.
    const invariant = integration.expected.invariants_asserted!.find((i) => i.startsWith('sum(beacon+witness)'))!;
    const pocTotal = BigInt(/\(= (\d+);/.exec(invariant)![1]!);
    expect(result.hotspots.reduce((a, h) => a + h.beaconAmount + h.witnessAmount + h.dataAmount, 0n) + result.unallocated.poc).toBe(pocTotal);
  });

  for (const s of vectors.scenarios.filter((x) => x.inputs.shares)) {
    it(`reproduces ${s.id} (shares given directly, fractional DC)`, () => {
      const result = computeEpochRewardsE8({
        emission: BigInt(s.inputs.epoch_emissions_bones),
        tokenPrice: priceOf(s),
        hotspots: s.inputs.shares!.map((h) => ({ address: h.name, beaconShares: e8(h.beacon_shares), witnessShares: e8(h.witness_shares), dataShares: e8(h.dc_shares) })),
      });
      // gw4 has no shares at all and must be left out, as Helium filters all-zero rewards.
      expect(asRecord(result)).toEqual(s.expected.gateway_rewards);
      expect(result.unallocated.poc).toBe(BigInt(s.expected.unallocated_poc_reward_amount_to_u64!));
      if (s.expected.total_used_data_transfer_tokens_minus_sum_dc_amounts !== undefined) {
        const used = toScaled(parseDecimal(result.pools.dataValue), 0, 'down');
        expect(used - sumData(result)).toBe(BigInt(s.expected.total_used_data_transfer_tokens_minus_sum_dc_amounts));
      }
      if (s.expected.dc_percent_of_scheduled_rounded !== undefined) {
        // Data transfer used 55 % of its cap; the other 45 % went to the PoC pools.
        const cap = parseDecimal(result.pools.dataCap);
        const percent = toScaled(div(mul(rational(sumData(result)), rational(100n)), cap), 0, 'halfEven');
        expect(percent.toString()).toBe(s.expected.dc_percent_of_scheduled_rounded);
        expect(result.pools.dataUnused).not.toBe('0');
      }
      if (s.expected.scheduled_dc_minus_sum_dc_amounts !== undefined) {
        expect(result.pools.dataUnused).toBe('0');
        const cap = toScaled(parseDecimal(result.pools.dataCap), 0, 'down');
        expect(cap - sumData(result)).toBe(BigInt(s.expected.scheduled_dc_minus_sum_dc_amounts));
      }
      expect(totalOut(result)).toBe(result.emission);
    });
  }
});

describe('pool sizes (Helium small unit tests)', () => {
  const small = (name: string) => vectors.small_unit_tests.find((t) => t.test === name)!;
  const noHotspots = (emission: bigint) => computeEpochRewards({ emission, tokenPrice: { price: 1n, decimals: 8 }, hotspots: [] });

  it('schedules 6 % / 24 % of the emission for beacons / witnesses when the data pool is fully used', () => {
    const t = small('test_poc_scheduled_tokens');
    // Price 1 bone-USD per 10^16 bones: one DC is worth 10^11 bones, so 500 DC use the whole 50 % cap.
    const r = computeEpochRewards({
      emission: BigInt(t.inputs!.epoch_emissions!),
      tokenPrice: { price: 1n, decimals: 8 },
      hotspots: [{ address: 'a', beaconShares: 0n, witnessShares: 0n, dataDc: 500n }],
    });
    expect(r.pools.dataUnused).toBe('0');
    expect(r.pools.beacon).toBe(t.expected!.beacon);
    expect(r.pools.witness).toBe(t.expected!.witness);
  });

  it('moves an unused data remainder 20 % to beacons and 80 % to witnesses', () => {
    const t = small('test_poc_scheduled_tokens_with_dc_remainder');
    // 490 DC are worth 4.9e13 of the 5e13 cap, leaving the vector's 1e12 remainder.
    const r = computeEpochRewards({
      emission: BigInt(t.inputs!.epoch_emissions!),
      tokenPrice: { price: 1n, decimals: 8 },
      hotspots: [{ address: 'a', beaconShares: 0n, witnessShares: 0n, dataDc: 490n }],
    });
    expect(r.pools.dataUnused).toBe(t.inputs!.dc_remainder);
    expect(r.pools.beacon).toBe(t.expected!.beacon);
    expect(r.pools.witness).toBe(t.expected!.witness);
  });

  it('moves the whole data pool to PoC, 20 % / 80 %, in an epoch without data transfer', () => {
    // Helium (reward_share.rs, PR #426): unused data-transfer rewards go to beacons and witnesses 1:4.
    const r = computeEpochRewards({
      emission: 100_000_000_000_000n,
      tokenPrice: { price: 1n, decimals: 8 },
      hotspots: [
        { address: 'a', beaconShares: SHARE_ONE, witnessShares: 0n, dataDc: 0n },
        { address: 'b', beaconShares: 0n, witnessShares: SHARE_ONE, dataDc: 0n },
      ],
    });
    expect([r.pools.dataPaid, r.pools.dataUnused]).toEqual(['0', '50000000000000']);
    expect([r.pools.beacon, r.pools.witness]).toEqual(['16000000000000', '64000000000000']);
    expect(r.hotspots.map((h) => [h.address, h.beaconAmount, h.witnessAmount, h.dataAmount])).toEqual([
      ['a', 16_000_000_000_000n, 0n, 0n],
      ['b', 0n, 64_000_000_000_000n, 0n],
    ]);
    expect([r.unallocated.poc, r.unallocated.rounding]).toEqual([0n, 0n]);
  });

  it('pays operations and oracles 7 % each, floored', () => {
    expect(noHotspots(BigInt(small('test_op_fund_scheduled_tokens').inputs!.epoch_emissions!)).operations).toBe(
      BigInt(small('test_op_fund_scheduled_tokens').expected!.operations as string),
    );
    expect(noHotspots(BigInt(small('test_oracles_scheduled_tokens').inputs!.epoch_emissions!)).oracles).toBe(
      BigInt(small('test_oracles_scheduled_tokens').expected!.oracles as string),
    );
    const ops = small('test_operations');
    expect(noHotspots(BigInt(ops.inputs!.epoch_emissions_bones!)).operations).toBe(BigInt(ops.expected!.operational_reward_amount as number));
    const oracles = small('test_oracles');
    expect(noHotspots(BigInt(oracles.inputs!.epoch_emissions_bones!)).oracles).toBe(BigInt(oracles.expected!.unallocated_oracle_reward_amount as number));
  });

  it('values data credits at $0.00001 over the bone price, rounded up to 15 decimals', () => {
    // Helium's tests give a USD price per bone; as a TokenPrice that is price / 10^(2 x decimals).
    const perBone = (text: string) => {
      const r = parseDecimal(text);
      const places = r.den.toString().length - 1;
      const decimals = Math.ceil(places / 2);
      return { price: r.num * 10n ** BigInt(2 * decimals - places), decimals };
    };
    const conv = small('ensure_correct_conversion_of_bytes_to_bones') as unknown as {
      cases: Array<{ dc: string; hnt_bone_price: string; expected_bones: string }>;
    };
    expect(conv.cases.length).toBeGreaterThan(0);
    for (const c of conv.cases) {
      expect(formatExact(dataCreditValue(BigInt(c.dc) * SHARE_ONE, perBone(c.hnt_bone_price), '0.00001'))).toBe(c.expected_bones);
    }
    // test_price_conversion: 10^8 with 8 decimals is $1 per token, $0.00000001 per bone, so 1 DC
    // ($0.00001) is worth 0.00001 / 0.00000001 = 1 000 bones.
    const pc = small('test_price_conversion') as unknown as { inputs: { price_in_bones: number; decimals: number }; expected: { price_per_bone: string; price_per_token: string } };
    const price = { price: BigInt(pc.inputs.price_in_bones), decimals: pc.inputs.decimals };
    expect(formatExact(rational(price.price, 10n ** BigInt(price.decimals)))).toBe(pc.expected.price_per_token.replace(/\.0$/, ''));
    expect(formatExact(dataCreditValue(SHARE_ONE, price, '0.00001'))).toBe(formatExact(div(parseDecimal('0.00001'), parseDecimal(pc.expected.price_per_bone))));
    expect(formatExact(dataCreditValue(SHARE_ONE, price, '0.00001'))).toBe('1000');
    const t = small('test_dc_hnt_conversion');
    expect(formatExact(dataCreditValue(BigInt(t.inputs!.dc_amount!) * SHARE_ONE, perBone(t.inputs!.hnt_bone_price!), '0.00001'))).toBe(
      t.expected!.dc_to_hnt_bones,
    );
  });

  it('leaves every pool unallocated when nobody earned anything', () => {
    const r = noHotspots(89_041_095_890_411n);
    expect(r.hotspots).toEqual([]);
    expect(r.unallocated.poc).toBe(71_232_876_712_328n); // trunc(0.8 × emission)
    expect(totalOut(r)).toBe(r.emission);
  });
});

describe('computeEpochRewards properties', () => {
  let seed = 12_345;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const big = (maxDigits: number) => {
    const digits = 1 + Math.floor(rnd() * maxDigits);
    let s = '';
    for (let i = 0; i < digits; i++) s += Math.floor(rnd() * 10);
    return BigInt(s);
  };
  const maybe = (v: () => bigint) => (rnd() < 0.3 ? 0n : v());

  it('always pays out exactly the emission, never a negative amount, never more than a pool (500 random epochs)', () => {
    for (let run = 0; run < 500; run++) {
      const bps = [0, 0, 0, 0, 0].map(() => Math.floor(rnd() * 2000));
      const toBeacons = Math.floor(rnd() * 10_001);
      const params: PoolParams =
        run % 2 === 0
          ? HELIUM_IOT_POOL_PARAMS
          : {
              ...HELIUM_IOT_POOL_PARAMS,
              beaconBp: bps[0]!,
              witnessBp: bps[1]!,
              dataBp: bps[2]!,
              operationsBp: bps[3]!,
              oraclesBp: bps[4]!,
              unusedDataToBeaconsBp: toBeacons,
              unusedDataToWitnessesBp: 10_000 - toBeacons,
            };
      const n = Math.floor(rnd() * 40);
      const hotspots = Array.from({ length: n }, (_, i) => ({
        address: `hotspot-${Math.floor(rnd() * n)}-${i % 3}`, // duplicates exercise merging
        beaconShares: maybe(() => big(10)),
        witnessShares: maybe(() => big(10)),
        dataDc: maybe(() => big(9)),
      }));
      const emission = big(18);
      const r = computeEpochRewards({ emission, tokenPrice: { price: 1n + big(9), decimals: 8 }, hotspots, params });

      expect(totalOut(r)).toBe(emission);
      for (const h of r.hotspots) {
        expect(h.beaconAmount >= 0n && h.witnessAmount >= 0n && h.dataAmount >= 0n).toBe(true);
        expect(h.beaconAmount + h.witnessAmount + h.dataAmount > 0n).toBe(true);
      }
      expect(r.unallocated.poc >= 0n && r.unallocated.rounding >= 0n && r.unallocated.rounding < 4n).toBe(true);
      const sum = (k: 'beaconAmount' | 'witnessAmount' | 'dataAmount') => r.hotspots.reduce((a, h) => a + h[k], 0n);
      const ceil = (text: string) => toScaled(parseDecimal(text), 0, 'up');
      expect(sum('beaconAmount') <= ceil(r.pools.beacon)).toBe(true);
      expect(sum('witnessAmount') <= ceil(r.pools.witness)).toBe(true);
      expect(sum('dataAmount') <= ceil(r.pools.dataPaid)).toBe(true);
      expect([...r.hotspots].map((h) => h.address)).toEqual(r.hotspots.map((h) => h.address).sort());
    }
  });

  it('pays each hotspot exactly the value of its data credits when the cap does not bind', () => {
    // $1 per HNT (price 10^8, 8 decimals): 1 DC = $0.00001 = 1 000 bones.
    const r = computeEpochRewards({
      emission: 10n ** 12n,
      tokenPrice: { price: 100_000_000n, decimals: 8 },
      hotspots: [
        { address: 'a', beaconShares: 0n, witnessShares: 0n, dataDc: 7n },
        { address: 'b', beaconShares: 0n, witnessShares: 0n, dataDc: 1_000n },
      ],
    });
    expect(r.hotspots.map((h) => h.dataAmount)).toEqual([7_000n, 1_000_000n]);
    expect(r.rates.dataPerDc.text).toBe('1000.000000000000000');
  });

  it('rejects bad parameters and inputs', () => {
    const base = { emission: 1n, tokenPrice: { price: 1n, decimals: 8 }, hotspots: [] };
    expect(() => computeEpochRewards({ ...base, params: { ...HELIUM_IOT_POOL_PARAMS, beaconBp: 5000 } })).toThrow(/100 %/);
    expect(() => computeEpochRewards({ ...base, params: { ...HELIUM_IOT_POOL_PARAMS, unusedDataToBeaconsBp: 1 } })).toThrow(/unused/);
    expect(() => computeEpochRewards({ ...base, emission: -1n })).toThrow(RangeError);
    expect(() => computeEpochRewards({ ...base, tokenPrice: { price: 0n, decimals: 8 } })).toThrow(RangeError);
    expect(() => computeEpochRewards({ ...base, hotspots: [{ address: 'a', beaconShares: -1n, witnessShares: 0n, dataDc: 0n }] })).toThrow(RangeError);
  });
});
