/**
 * Merkle tree over cumulative lifetime rewards, so a distributor (on-chain or not) can check one
 * hotspot's total against the manifest's root without the whole manifest.
 *
 * Byte layout (all integers big-endian):
 *   leaf bytes = u16 len(address_utf8) || address_utf8 || u64 amount
 *   leaf hash  = sha256(0x00 || leaf bytes)
 *   node hash  = sha256(0x01 || left || right)
 * The 0x00 / 0x01 prefixes keep a leaf from ever being passed off as an inner node (second
 * pre-image attacks). Leaves are sorted by the bytes of their address, addresses are unique; each
 * level pairs neighbours left to right and an unpaired last node moves up unchanged. The root of
 * an empty tree is 32 zero bytes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export interface MerkleLeaf {
  /** Hotspot address exactly as written in the manifest (Helium base58check). */
  address: string;
  /** Cumulative lifetime amount in token base units, 0 <= amount < 2^64. */
  amount: bigint;
}

export interface MerkleProofStep {
  /** Which side the sibling sits on when hashing with the running value. */
  side: 'left' | 'right';
  /** Sibling hash, lower-case hex. */
  hash: string;
}

export interface MerkleTree {
  root: Uint8Array;
  rootHex: string;
  /** The leaves in tree order (sorted by address bytes). */
  leaves: readonly MerkleLeaf[];
  /** Proof for the leaf with this address, or undefined if the tree has no such leaf. */
  proof(address: string): MerkleProofStep[] | undefined;
}

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
const MAX_AMOUNT = 2n ** 64n;
const utf8 = new TextEncoder();

export const EMPTY_ROOT = new Uint8Array(32);

export function encodeLeaf(leaf: MerkleLeaf): Uint8Array {
  const address = utf8.encode(leaf.address);
  if (address.length === 0 || address.length > 0xffff) throw new RangeError(`address length ${address.length} out of range 1..65535`);
  if (leaf.amount < 0n || leaf.amount >= MAX_AMOUNT) throw new RangeError(`amount ${leaf.amount} does not fit a u64`);
  const out = new Uint8Array(2 + address.length + 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, address.length);
  out.set(address, 2);
  view.setBigUint64(2 + address.length, leaf.amount);
  return out;
}

export function hashLeaf(leaf: MerkleLeaf): Uint8Array {
  const body = encodeLeaf(leaf);
  const input = new Uint8Array(1 + body.length);
  input[0] = LEAF_PREFIX;
  input.set(body, 1);
  return sha256(input);
}

export function hashNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(65);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 33);
  return sha256(input);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Builds the tree in O(n log n) (the sort); throws on a duplicate address or an out-of-range leaf. */
export function buildMerkleTree(input: readonly MerkleLeaf[]): MerkleTree {
  const keyed = input.map((leaf) => ({ leaf, key: utf8.encode(leaf.address) }));
  keyed.sort((a, b) => compareBytes(a.key, b.key));
  for (let i = 1; i < keyed.length; i++) {
    if (compareBytes(keyed[i - 1]!.key, keyed[i]!.key) === 0) throw new RangeError(`duplicate address ${keyed[i]!.leaf.address}`);
  }
  const leaves = keyed.map((k) => k.leaf);
  const levels: Uint8Array[][] = [leaves.map(hashLeaf)];
  while (levels[levels.length - 1]!.length > 1) {
    const below = levels[levels.length - 1]!;
    const above: Uint8Array[] = [];
    for (let i = 0; i < below.length; i += 2) above.push(i + 1 < below.length ? hashNode(below[i]!, below[i + 1]!) : below[i]!);
    levels.push(above);
  }
  const root = levels[levels.length - 1]![0] ?? EMPTY_ROOT;
  const indexOf = new Map(leaves.map((l, i) => [l.address, i]));

  return {
    root,
    rootHex: bytesToHex(root),
    leaves,
    proof(address) {
      let index = indexOf.get(address);
      if (index === undefined) return undefined;
      const steps: MerkleProofStep[] = [];
      for (const level of levels.slice(0, -1)) {
        const sibling = index ^ 1;
        // An unpaired last node is promoted, so that level contributes no step.
        if (sibling < level.length) steps.push({ side: sibling < index ? 'left' : 'right', hash: bytesToHex(level[sibling]!) });
        index >>= 1;
      }
      return steps;
    },
  };
}

const HEX_32 = /^[0-9a-f]{64}$/;

/** True when `proof` leads from `leaf` to `root` (hex). Malformed input is simply not a valid proof. */
export function verifyMerkleProof(args: { root: string; leaf: MerkleLeaf; proof: readonly MerkleProofStep[] }): boolean {
  if (!HEX_32.test(args.root)) return false;
  let hash: Uint8Array;
  try {
    hash = hashLeaf(args.leaf);
  } catch {
    return false;
  }
  for (const step of args.proof) {
    if (!HEX_32.test(step.hash) || (step.side !== 'left' && step.side !== 'right')) return false;
    const sibling = hexToBytes(step.hash);
    hash = step.side === 'left' ? hashNode(sibling, hash) : hashNode(hash, sibling);
  }
  return bytesToHex(hash) === args.root;
}
