/**
 * A small signed manifest built by the real pure code path (pools → manifest → signature), for
 * unit tests that need one without a database.
 */
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { computeEpochRewards } from '@cov/shared/rewards/pools';
import { loadConfig } from '@cov/shared/config/config';
import { epochWindow } from '../epoch-window';
import type { HotspotInputRow } from '../hotspot-input-row';
import { emissionOf, parameterSetFromConfig, parameterSetHash, tokenPriceOf } from '../parameter-set';
import { buildRewardManifest, signManifest, type BuiltManifest, type SignedManifest } from '../reward-manifest';

export const SAMPLE_SECRET_KEY = new Uint8Array(32).fill(9);

export function sampleAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => keypairFromLabel(`sample-manifest/${i}`).address);
}

export function sampleManifest(): { built: BuiltManifest; signed: SignedManifest; text: string; rows: HotspotInputRow[] } {
  const values = parameterSetFromConfig(loadConfig({}));
  const [a, b, c, d, e] = sampleAddresses(5) as [string, string, string, string, string];
  const rows: HotspotInputRow[] = [
    { address: a, beacons: 2, beaconSharesE8: 3333n * 10000n, witnesses: 5, witnessSharesE8: 3333n * 50000n, dataDc: 0n },
    { address: b, beacons: 1, beaconSharesE8: 10000n * 7500n, witnesses: 1, witnessSharesE8: 10000n * 10000n, dataDc: 120n },
    { address: c, beacons: 0, beaconSharesE8: 0n, witnesses: 3, witnessSharesE8: 5000n * 30000n, dataDc: 0n },
    { address: d, beacons: 0, beaconSharesE8: 0n, witnesses: 0, witnessSharesE8: 0n, dataDc: 7n },
  ];
  const rewards = computeEpochRewards({
    emission: emissionOf(values),
    tokenPrice: tokenPriceOf(values),
    params: values.rewards.pools,
    hotspots: rows.map((r) => ({ address: r.address, beaconShares: r.beaconSharesE8, witnessShares: r.witnessSharesE8, dataDc: r.dataDc })),
  });
  const built = buildRewardManifest({
    window: epochWindow(20_000, values.epochLengthMs),
    parameters: { setId: 1, hash: parameterSetHash(values), effectiveFromEpoch: 0, values },
    inputs: { digest: 'ab'.repeat(32), interactiveHotspots: 3, skippedCells: 0, rewardedBeacons: 3, rewardedWitnesses: 9, hotspotsWithInputs: 4, dataDc: '127', flagged: [] },
    rows,
    rewards,
    // b and e were paid before; e is not paid this epoch, so its leaf is carried over.
    lifetimeBefore: new Map([
      [b, 1_000n],
      [e, 555n],
    ]),
  });
  const { signed, text } = signManifest(built.manifest, SAMPLE_SECRET_KEY);
  return { built, signed, text, rows };
}
