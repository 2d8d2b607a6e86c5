// Public shapes of the rewards API.
import { RewardStandingSchema } from '@cov/shared/alerts/notice-schemas';
import { Type, type Static } from 'typebox';
import { rewardStanding, type RewardDistribution } from '@cov/shared/rewards/reward-distribution';
import type { HotspotEpochRow, RewardEpochRow } from './rewards-read-repository';

export const Amount = (description?: string) => Type.String({ pattern: '^[0-9]+$', description: description ?? 'Token base units.' });

/** How the epoch's rewards spread over the hotspots it paid (shared/rewards/reward-distribution.ts). */
export const PerHotspotRewards = Type.Union(
  [
    Type.Object({
      hotspots: Type.Integer({ description: 'Hotspots paid something in the epoch (those paid nothing are not counted).' }),
      mean: Amount('Mean total per paid hotspot (rounded down).'),
      p10: Amount(),
      p25: Amount(),
      median: Amount(),
      p75: Amount(),
      p90: Amount(),
      max: Amount(),
    }),
    Type.Null(),
  ],
  {
    description:
      "Totals (beacon + witness + data) per paid hotspot: mean and nearest-rank quantiles (each an amount some hotspot was paid). null for an epoch paid before these were recorded, until the rewarder has filled them in from the epoch's rows.",
  },
);

const STANDING_DESCRIPTION = "Where the hotspot's total falls among the epoch's paid hotspots, by their quantiles (p90, p75, median, p25).";
/** shared/rewards/reward-distribution.ts's RewardStanding, as the API and the owners' epoch rewards notices document it. */
export const StandingSchema = RewardStandingSchema;

export const EpochSummary = Type.Object(
  {
    epoch: Type.Integer(),
    start: Type.String({ format: 'date-time' }),
    end: Type.String({ format: 'date-time', description: 'Exclusive.' }),
    manifest: Type.Object({
      file: Type.String({ description: 'Published file name under the manifests directory.' }),
      hash: Type.String({ description: 'sha256 of the RFC 8785 canonical JSON of the manifest.' }),
      signature: Type.String({ description: 'ed25519 by the oracle key over the 32 hash bytes.' }),
      oraclePublicKey: Type.String(),
      merkleRoot: Type.String({ description: 'Root over (hotspot address, cumulative lifetime amount).' }),
    }),
    parameters: Type.Object({ setId: Type.Integer(), hash: Type.String(), effectiveFromEpoch: Type.Integer() }),
    rates: Type.Object({ beaconPerShare: Type.String(), witnessPerShare: Type.String(), dataPerDc: Type.String() }),
    hotspotsRewarded: Type.Integer(),
    totals: Type.Object({
      emission: Amount(),
      beacon: Amount(),
      witness: Amount(),
      data: Amount(),
      operations: Amount(),
      oracles: Amount(),
      unallocated: Amount('Burned: pools nobody earned, the unscheduled share and rounding.'),
    }),
    accounting: Type.Object({
      dcBurned: Amount('Data credits burned for packets carried in the epoch.'),
      dcBurnedUsd: Type.String(),
      tokenPriceUsd: Type.String(),
      tokensEmitted: Amount(),
      tokensEmittedUsd: Type.String(),
    }),
    inputs: Type.Record(Type.String(), Type.Unknown(), { description: 'Input digest and counts behind the amounts.' }),
    perHotspot: PerHotspotRewards,
  },
  { $id: 'EpochSummary' },
);
export type EpochSummary = Static<typeof EpochSummary>;

export const HotspotEpochReward = Type.Object(
  {
    address: Type.String(),
    epoch: Type.Integer(),
    start: Type.String({ format: 'date-time' }),
    end: Type.String({ format: 'date-time' }),
    beaconAmount: Amount(),
    witnessAmount: Amount(),
    dataAmount: Amount(),
    totalAmount: Amount(),
    lifetimeAmount: Amount('Cumulative after this epoch (the Merkle leaf).'),
    beaconShares: Type.String({ description: 'Σ hex scale × beacon units (8 decimals).' }),
    witnessShares: Type.String({ description: 'Σ beaconer hex scale × witness units (8 decimals).' }),
    dataDc: Type.String({ description: 'Data credits of the packets carried.' }),
    standing: Type.Union([StandingSchema, Type.Null()], { description: `${STANDING_DESCRIPTION} null while the epoch's spread is not recorded yet.` }),
    network: Type.Optional(
      Type.Union(
        [
          Type.Object({
            hotspots: Type.Integer({ description: 'Hotspots paid something in the epoch.' }),
            median: Amount('Median total per paid hotspot.'),
            mean: Amount('Mean total per paid hotspot (rounded down).'),
            p90: Amount('A total at the edge of the top 10 %.'),
          }),
          Type.Null(),
        ],
        { description: "What the epoch paid the network's other hotspots, to compare this one with (in a hotspot's own epochs; the epoch summary has the full spread)." },
      ),
    ),
  },
  { $id: 'HotspotEpochReward' },
);
export type HotspotEpochReward = Static<typeof HotspotEpochReward>;

const iso = (ms: number) => new Date(ms).toISOString();
const shares = (e8: bigint) => `${e8 / 100_000_000n}.${(e8 % 100_000_000n).toString().padStart(8, '0')}`;

export function toEpochSummary(row: RewardEpochRow): EpochSummary {
  const s = row.summary as { parameters: EpochSummary['parameters']; rates: EpochSummary['rates']; inputs: Record<string, unknown> };
  return {
    epoch: row.epoch,
    start: iso(row.startMs),
    end: iso(row.endMs),
    manifest: { file: row.fileName, hash: row.manifestHash, signature: row.signature, oraclePublicKey: row.oraclePublicKey, merkleRoot: row.merkleRoot },
    parameters: s.parameters,
    rates: s.rates,
    hotspotsRewarded: row.hotspotsRewarded,
    totals: {
      emission: row.emission.toString(),
      beacon: row.beaconAmount.toString(),
      witness: row.witnessAmount.toString(),
      data: row.dataAmount.toString(),
      operations: row.operationsAmount.toString(),
      oracles: row.oraclesAmount.toString(),
      unallocated: row.unallocatedAmount.toString(),
    },
    accounting: {
      dcBurned: row.dcBurned.toString(),
      dcBurnedUsd: row.dcBurnedUsd,
      tokenPriceUsd: row.tokenPriceUsd,
      tokensEmitted: row.emission.toString(),
      tokensEmittedUsd: row.emittedUsd,
    },
    inputs: s.inputs,
    perHotspot: (row.summary as { perHotspot?: RewardDistribution }).perHotspot ?? null,
  };
}

/** A paid hotspot's epoch; with `withNetwork`, what the epoch paid the others too (a hotspot's own list). */
export function toHotspotEpochReward(row: HotspotEpochRow, withNetwork = false): HotspotEpochReward {
  const total = row.beaconAmount + row.witnessAmount + row.dataAmount;
  const d = row.perHotspot;
  return {
    address: row.hotspotAddress,
    epoch: row.epoch,
    start: iso(row.startMs),
    end: iso(row.endMs),
    beaconAmount: row.beaconAmount.toString(),
    witnessAmount: row.witnessAmount.toString(),
    dataAmount: row.dataAmount.toString(),
    totalAmount: total.toString(),
    lifetimeAmount: row.lifetimeAmount.toString(),
    beaconShares: shares(row.beaconSharesE8),
    witnessShares: shares(row.witnessSharesE8),
    dataDc: row.dataDc.toString(),
    standing: d ? rewardStanding(total, d) : null,
    ...(withNetwork ? { network: d ? { hotspots: d.hotspots, median: d.median, mean: d.mean, p90: d.p90 } : null } : {}),
  };
}
