// Public shapes of the rewards API.
import { Type, type Static } from 'typebox';
import type { HotspotEpochRow, RewardEpochRow } from './rewards-read-repository';

const Amount = (description?: string) => Type.String({ pattern: '^[0-9]+$', description: description ?? 'Token base units.' });

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
  };
}

export function toHotspotEpochReward(row: HotspotEpochRow): HotspotEpochReward {
  return {
    address: row.hotspotAddress,
    epoch: row.epoch,
    start: iso(row.startMs),
    end: iso(row.endMs),
    beaconAmount: row.beaconAmount.toString(),
    witnessAmount: row.witnessAmount.toString(),
    dataAmount: row.dataAmount.toString(),
    totalAmount: (row.beaconAmount + row.witnessAmount + row.dataAmount).toString(),
    lifetimeAmount: row.lifetimeAmount.toString(),
    beaconShares: shares(row.beaconSharesE8),
    witnessShares: shares(row.witnessSharesE8),
    dataDc: row.dataDc.toString(),
  };
}
