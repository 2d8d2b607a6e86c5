/**
 * Use case: the Merkle proof of one hotspot's cumulative lifetime amount in an epoch's manifest, so
 * a distributor (or the owner) can check a claim against the signed root without the whole
 * manifest. The tree is rebuilt from the manifest the rewarder stored (the published bytes), so the
 * proof is always against exactly what was signed; the last few trees are kept, since owners ask
 * about the latest epoch.
 */
import { gunzipSync } from 'node:zlib';
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import { buildMerkleTree, type MerkleProofStep, type MerkleTree } from '@cov/shared/rewards/merkle';
import type { SignedManifest } from '@cov/rewarder/reward-manifest';
import { findEpochDocumentGz } from './rewards-read-repository';

export interface LifetimeProof {
  epoch: number;
  root: string;
  leaf: { address: string; amount: string };
  proof: MerkleProofStep[];
}

export class LifetimeProofs {
  private readonly trees = new Map<number, Promise<MerkleTree | undefined>>();

  constructor(
    private readonly db: Db,
    private readonly cachedEpochs = 3,
  ) {}

  private tree(epoch: number): Promise<MerkleTree | undefined> {
    let tree = this.trees.get(epoch);
    if (!tree) {
      tree = this.load(epoch);
      this.trees.set(epoch, tree);
      tree.then((t) => t ?? this.trees.delete(epoch), () => this.trees.delete(epoch));
      while (this.trees.size > this.cachedEpochs) this.trees.delete(this.trees.keys().next().value!);
    }
    return tree;
  }

  private async load(epoch: number): Promise<MerkleTree | undefined> {
    const gz = await findEpochDocumentGz(this.db, epoch);
    if (!gz) return undefined;
    const { manifest } = JSON.parse(gunzipSync(gz).toString('utf8')) as SignedManifest;
    return buildMerkleTree([
      ...manifest.hotspots.map((h) => ({ address: h.address, amount: BigInt(h.lifetimeAmount) })),
      ...manifest.lifetime.carried.map((c) => ({ address: c.address, amount: BigInt(c.amount) })),
    ]);
  }

  async proofOf(epoch: number, address: string): Promise<LifetimeProof> {
    const tree = await this.tree(epoch);
    if (!tree) throw new AppError('rewards.epoch_not_found', `epoch ${epoch} has no published manifest`);
    const proof = tree.proof(address);
    const leaf = proof && tree.leaves.find((l) => l.address === address);
    if (!proof || !leaf) throw new AppError('rewards.not_in_manifest', `hotspot ${address} has no lifetime amount in the manifest of epoch ${epoch}`);
    return { epoch, root: tree.rootHex, leaf: { address, amount: leaf.amount.toString() }, proof };
  }
}
