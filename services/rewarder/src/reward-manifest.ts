/**
 * The reward manifest of one epoch: what every hotspot is paid and why (shares, rates, pools,
 * parameters, a digest of the inputs), operations, oracles, what stayed unallocated, burn-and-mint
 * accounting, and the Merkle root over every hotspot's cumulative lifetime amount.
 *
 * The published file is the RFC 8785 canonical JSON of a SignedManifest: the manifest, the sha256
 * of the manifest's canonical JSON, and an Ed25519 signature by the oracle key over those 32 bytes.
 * Nothing in it depends on when or where it was computed (no wall-clock time, no host), so
 * computing the same epoch from the same rows gives the same bytes.
 *
 * Amounts, shares and data credits are decimal integer strings (token base units pass 2^53).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalJson, ed25519PublicKey, signManifestHash } from '@cov/shared/rewards/manifest-canonical';
import { buildMerkleTree, type MerkleLeaf, type MerkleTree } from '@cov/shared/rewards/merkle';
import type { EpochRewards } from '@cov/shared/rewards/pools';
import type { EpochWindow } from './epoch-window';
import type { FraudAction } from './fraud-policy';
import type { HotspotInputRow } from './hotspot-input-row';
import { compareAddresses } from './hotspot-input-row';
import { dataCreditValueUsd, tokenValueUsd, type ProtocolParameterSet } from './parameter-set';

export const MANIFEST_FORMAT = 'cov-reward-manifest-v1';
export const SIGNATURE_ALGORITHM = 'ed25519 over sha256 of the RFC 8785 canonical JSON of manifest';

export interface ManifestHotspot {
  address: string;
  beacons: number;
  beaconSharesE8: string;
  witnesses: number;
  witnessSharesE8: string;
  dataDc: string;
  beaconAmount: string;
  witnessAmount: string;
  dataAmount: string;
  /** Cumulative lifetime amount after this epoch (the Merkle leaf). */
  lifetimeAmount: string;
}

export interface LifetimeLeaf {
  address: string;
  amount: string;
}

export interface ManifestParameters {
  setId: number;
  hash: string;
  effectiveFromEpoch: number;
  values: ProtocolParameterSet;
}

export interface ManifestInputs {
  digest: string;
  interactiveHotspots: number;
  /** Cells of interactive hotspots the density map could not use (not valid H3 at res >= 11). */
  skippedCells: number;
  /**
   * Cells hotspots that moved during the epoch were also counted in, for their rewarded beacons
   * from there (`densityCells` rule `latest-and-rewarded-beacons` only; absent under the older rule).
   */
  proofCells?: number;
  /** Valid beacons with at least one rewarded witness. */
  rewardedBeacons: number;
  rewardedWitnesses: number;
  hotspotsWithInputs: number;
  dataDc: string;
  flagged: FraudAction[];
}

export interface RewardManifest {
  format: typeof MANIFEST_FORMAT;
  epoch: number;
  startMs: number;
  endMs: number;
  parameters: ManifestParameters;
  inputs: ManifestInputs;
  /** Token base units per share (15 decimals, half-even) and per data credit. */
  rates: { beaconPerShare: string; witnessPerShare: string; dataPerDc: string };
  /** Exact pool sizes in base units. */
  pools: EpochRewards['pools'];
  /** Hotspots paid anything this epoch, sorted by address. */
  hotspots: ManifestHotspot[];
  operations: string;
  oracles: string;
  unallocated: { poc: string; unscheduled: string; rounding: string; total: string };
  totals: { emission: string; hotspots: string; beacon: string; witness: string; data: string; operations: string; oracles: string; unallocated: string };
  accounting: { dcBurned: string; dcBurnedUsd: string; tokenPriceUsd: string; tokensEmitted: string; tokensEmittedUsd: string };
  lifetime: {
    merkleRoot: string;
    leaves: number;
    /** Lifetime amounts of hotspots not paid this epoch, sorted by address; with hotspots[].lifetimeAmount these are the leaves. */
    carried: LifetimeLeaf[];
  };
}

export interface SignedManifest {
  algorithm: typeof SIGNATURE_ALGORITHM;
  /** sha256 (hex) of canonicalJson(manifest). */
  hash: string;
  manifest: RewardManifest;
  /** Raw 32-byte Ed25519 public key of the oracle (hex). */
  publicKey: string;
  /** 64-byte Ed25519 signature over the 32 hash bytes (hex). */
  signature: string;
}

export interface BuildManifestInput {
  window: EpochWindow;
  parameters: ManifestParameters;
  inputs: ManifestInputs;
  /** Input rows after the fraud policy, i.e. the shares that were paid. */
  rows: readonly HotspotInputRow[];
  rewards: EpochRewards;
  /** Cumulative lifetime amount of every hotspot before this epoch (absent: 0). */
  lifetimeBefore: ReadonlyMap<string, bigint>;
}

export interface BuiltManifest {
  manifest: RewardManifest;
  tree: MerkleTree;
  /** Per hotspot paid: amounts and lifetime after, as bigints, for the database rows. */
  paid: Array<{ row: HotspotInputRow; beaconAmount: bigint; witnessAmount: bigint; dataAmount: bigint; lifetimeAmount: bigint }>;
}

const sum = (values: Iterable<bigint>): bigint => {
  let total = 0n;
  for (const v of values) total += v;
  return total;
};

export function buildRewardManifest(input: BuildManifestInput): BuiltManifest {
  const { rewards, window, parameters } = input;
  const rowOf = new Map(input.rows.map((r) => [r.address, r]));
  const paid: BuiltManifest['paid'] = rewards.hotspots.map((h) => {
    const row = rowOf.get(h.address);
    if (!row) throw new Error(`reward for ${h.address} without an input row`);
    const total = h.beaconAmount + h.witnessAmount + h.dataAmount;
    return { row, beaconAmount: h.beaconAmount, witnessAmount: h.witnessAmount, dataAmount: h.dataAmount, lifetimeAmount: (input.lifetimeBefore.get(h.address) ?? 0n) + total };
  });
  paid.sort((a, b) => compareAddresses(a.row.address, b.row.address));
  const paidAddresses = new Set(paid.map((p) => p.row.address));
  const carried: LifetimeLeaf[] = [...input.lifetimeBefore]
    .filter(([address, amount]) => amount > 0n && !paidAddresses.has(address))
    .sort(([a], [b]) => compareAddresses(a, b))
    .map(([address, amount]) => ({ address, amount: amount.toString() }));

  const leaves: MerkleLeaf[] = [
    ...paid.map((p) => ({ address: p.row.address, amount: p.lifetimeAmount })),
    ...carried.map((c) => ({ address: c.address, amount: BigInt(c.amount) })),
  ];
  const tree = buildMerkleTree(leaves);

  const beacon = sum(paid.map((p) => p.beaconAmount));
  const witness = sum(paid.map((p) => p.witnessAmount));
  const data = sum(paid.map((p) => p.dataAmount));
  const dcBurned = sum(input.rows.map((r) => r.dataDc));
  const values = parameters.values;

  const manifest: RewardManifest = {
    format: MANIFEST_FORMAT,
    epoch: window.epoch,
    startMs: window.startMs,
    endMs: window.endMs,
    parameters,
    inputs: input.inputs,
    rates: { beaconPerShare: rewards.rates.beaconPerShare.text, witnessPerShare: rewards.rates.witnessPerShare.text, dataPerDc: rewards.rates.dataPerDc.text },
    pools: rewards.pools,
    hotspots: paid.map((p) => ({
      address: p.row.address,
      beacons: p.row.beacons,
      beaconSharesE8: p.row.beaconSharesE8.toString(),
      witnesses: p.row.witnesses,
      witnessSharesE8: p.row.witnessSharesE8.toString(),
      dataDc: p.row.dataDc.toString(),
      beaconAmount: p.beaconAmount.toString(),
      witnessAmount: p.witnessAmount.toString(),
      dataAmount: p.dataAmount.toString(),
      lifetimeAmount: p.lifetimeAmount.toString(),
    })),
    operations: rewards.operations.toString(),
    oracles: rewards.oracles.toString(),
    unallocated: {
      poc: rewards.unallocated.poc.toString(),
      unscheduled: rewards.unallocated.unscheduled.toString(),
      rounding: rewards.unallocated.rounding.toString(),
      total: rewards.unallocated.total.toString(),
    },
    totals: {
      emission: rewards.emission.toString(),
      hotspots: (beacon + witness + data).toString(),
      beacon: beacon.toString(),
      witness: witness.toString(),
      data: data.toString(),
      operations: rewards.operations.toString(),
      oracles: rewards.oracles.toString(),
      unallocated: rewards.unallocated.total.toString(),
    },
    accounting: {
      dcBurned: dcBurned.toString(),
      dcBurnedUsd: dataCreditValueUsd(values, dcBurned),
      tokenPriceUsd: values.token.priceUsd,
      tokensEmitted: rewards.emission.toString(),
      tokensEmittedUsd: tokenValueUsd(values, rewards.emission),
    },
    lifetime: { merkleRoot: tree.rootHex, leaves: leaves.length, carried },
  };
  return { manifest, tree, paid };
}

/**
 * Signs the manifest and returns the published text: canonicalJson(signed), assembled around the
 * manifest's canonical text so a large manifest is serialised once for both the hash and the file
 * (the envelope's keys are already in RFC 8785 order; a unit test checks the two agree).
 */
export function signManifest(manifest: RewardManifest, secretKey: Uint8Array): { signed: SignedManifest; text: string } {
  const canonical = canonicalManifestJson(manifest);
  const hashBytes = sha256(new TextEncoder().encode(canonical));
  const signed: SignedManifest = {
    algorithm: SIGNATURE_ALGORITHM,
    hash: bytesToHex(hashBytes),
    manifest,
    publicKey: bytesToHex(ed25519PublicKey(secretKey)),
    signature: bytesToHex(signManifestHash(hashBytes, secretKey)),
  };
  const j = JSON.stringify;
  const text = `{"algorithm":${j(signed.algorithm)},"hash":${j(signed.hash)},"manifest":${canonical},"publicKey":${j(signed.publicKey)},"signature":${j(signed.signature)}}`;
  return { signed, text };
}

const HOTSPOTS_SLOT = '\u0000hotspots\u0000';
const CARRIED_SLOT = '\u0000carried\u0000';

/**
 * canonicalJson(manifest), built without deep-copying the whole document: the two long lists
 * (hundreds of thousands of hotspots) are serialised element by element into the canonical
 * skeleton of everything else. Same bytes (a unit test compares), a fraction of the peak memory.
 */
export function canonicalManifestJson(manifest: RewardManifest): string {
  const skeleton = canonicalJson({ ...manifest, hotspots: [HOTSPOTS_SLOT], lifetime: { ...manifest.lifetime, carried: [CARRIED_SLOT] } });
  const list = (items: readonly object[]) => items.map((item) => canonicalJson(item)).join(',');
  const hotspots = skeleton.split(JSON.stringify(HOTSPOTS_SLOT));
  const carried = skeleton.split(JSON.stringify(CARRIED_SLOT));
  // Each slot must occur exactly once (a marker inside another string would break this): else fall back.
  if (hotspots.length !== 2 || carried.length !== 2) return canonicalJson(manifest);
  // Keys are sorted, so "hotspots" comes before "lifetime".carried.
  const [head, rest] = hotspots as [string, string];
  const [middle, tail] = rest.split(JSON.stringify(CARRIED_SLOT)) as [string, string];
  return `${head}${list(manifest.hotspots)}${middle}${list(manifest.lifetime.carried)}${tail}`;
}

/** Published name of an epoch's manifest: sorts by epoch. */
export function manifestFileName(epoch: number): string {
  return `epoch-${String(epoch).padStart(8, '0')}.manifest.json`;
}
