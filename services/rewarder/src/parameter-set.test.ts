import { describe, expect, it } from 'vitest';
import { loadConfig } from '@cov/shared/config/config';
import { HELIUM_IOT_REWARD_PARAMS } from '@cov/shared/rewards/protocol-params';
import { dataCreditValueUsd, emissionOf, parameterSetFromConfig, parameterSetHash, tokenPriceOf, tokenValueUsd } from './parameter-set';

describe('protocol parameter set', () => {
  const set = parameterSetFromConfig(loadConfig({}));

  it('bundles the settings with Helium’s reward rules', () => {
    expect(set).toMatchObject({
      epochLengthMs: 86_400_000,
      emissionPerEpoch: '1643835616438356',
      token: { priceUsd: '3', decimals: 8 },
      interactivityWindowMs: 216_000_000,
      fraudPolicy: 'exclude',
      rewards: HELIUM_IOT_REWARD_PARAMS,
      poc: { maxWitnessesPerPoc: 14 },
    });
    expect(emissionOf(set)).toBe(1_643_835_616_438_356n);
  });

  it('hashes canonically: equal sets hash equal, any change changes the hash', () => {
    expect(parameterSetHash(set)).toMatch(/^[0-9a-f]{64}$/);
    expect(parameterSetHash(JSON.parse(JSON.stringify(set)))).toBe(parameterSetHash(set));
    expect(parameterSetHash(parameterSetFromConfig(loadConfig({ REWARD_EMISSION_PER_EPOCH: '1' })))).not.toBe(parameterSetHash(set));
    expect(parameterSetHash(parameterSetFromConfig(loadConfig({ FRAUD_POLICY: 'ignore' })))).not.toBe(parameterSetHash(set));
    expect(parameterSetHash(parameterSetFromConfig(loadConfig({ MAX_WITNESSES_PER_POC: '10' })))).not.toBe(parameterSetHash(set));
  });

  it.each<[string, number, bigint]>([
    ['3', 8, 300_000_000n],
    ['0.0359', 8, 3_590_000n],
    ['2.5', 6, 2_500_000n],
  ])('turns $%s with %s decimals into the oracle price %s', (priceUsd, decimals, price) => {
    expect(tokenPriceOf({ token: { priceUsd, decimals } })).toEqual({ price, decimals });
  });

  it('refuses a price finer than the token base unit, or zero', () => {
    expect(() => tokenPriceOf({ token: { priceUsd: '0.001', decimals: 2 } })).toThrow(/more decimals/);
    expect(() => tokenPriceOf({ token: { priceUsd: '0', decimals: 8 } })).toThrow(/positive/);
    expect(() => parameterSetFromConfig(loadConfig({ REWARD_TOKEN_PRICE_USD: '0.001', REWARD_TOKEN_DECIMALS: '2' }))).toThrow();
  });

  it('values tokens and data credits in exact USD', () => {
    expect(tokenValueUsd(set, 150_000_000n)).toBe('4.5');
    expect(dataCreditValueUsd(set, 1_235n)).toBe('0.01235');
  });
});
