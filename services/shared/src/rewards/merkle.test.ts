import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildMerkleTree, EMPTY_ROOT, encodeLeaf, verifyMerkleProof, type MerkleLeaf, type MerkleProofStep } from './merkle';

const leavesOf = (n: number): MerkleLeaf[] =>
  Array.from({ length: n }, (_, i) => ({ address: `11hotspot${String((i * 7919) % 1000).padStart(4, '0')}x${i}`, amount: BigInt(i) * 1_000_003n + 1n }));

const nodeSha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('encodeLeaf', () => {
  it('writes u16 length, UTF-8 address and u64 amount, big-endian', () => {
    expect(Buffer.from(encodeLeaf({ address: 'ab', amount: 258n })).toString('hex')).toBe('0002' + '6162' + '0000000000000102');
  });

  it.each([
    ['an empty address', { address: '', amount: 1n }],
    ['a negative amount', { address: 'a', amount: -1n }],
    ['an amount of 2^64', { address: 'a', amount: 2n ** 64n }],
  ])('rejects %s', (_n, leaf) => {
    expect(() => encodeLeaf(leaf)).toThrow(RangeError);
  });
});

describe('buildMerkleTree', () => {
  it('matches an independent node:crypto computation of the documented layout for three leaves', () => {
    const leaves = [
      { address: 'c', amount: 3n },
      { address: 'a', amount: 1n },
      { address: 'b', amount: 2n },
    ];
    const leafHash = (l: MerkleLeaf) => nodeSha(Buffer.from([0]), Buffer.from(encodeLeaf(l)));
    const [a, b, c] = [leaves[1]!, leaves[2]!, leaves[0]!].map(leafHash);
    const ab = nodeSha(Buffer.from([1]), a!, b!);
    const expected = nodeSha(Buffer.from([1]), ab, c!); // c is unpaired at level 0 and promoted
    expect(buildMerkleTree(leaves).rootHex).toBe(expected.toString('hex'));
  });

  it('uses 32 zero bytes as the root of an empty tree and the leaf hash for a single leaf', () => {
    expect(buildMerkleTree([]).root).toEqual(EMPTY_ROOT);
    const one = buildMerkleTree([{ address: 'a', amount: 5n }]);
    expect(one.rootHex).toBe(nodeSha(Buffer.from([0]), Buffer.from(encodeLeaf({ address: 'a', amount: 5n }))).toString('hex'));
    expect(one.proof('a')).toEqual([]);
  });

  it('does not depend on input order', () => {
    const leaves = leavesOf(17);
    expect(buildMerkleTree([...leaves].reverse()).rootHex).toBe(buildMerkleTree(leaves).rootHex);
  });

  it('sorts by address bytes, not by locale', () => {
    const tree = buildMerkleTree([
      { address: 'b', amount: 1n },
      { address: 'B', amount: 1n },
      { address: 'a', amount: 1n },
    ]);
    expect(tree.leaves.map((l) => l.address)).toEqual(['B', 'a', 'b']);
  });

  it('rejects duplicate addresses', () => {
    expect(() => buildMerkleTree([{ address: 'a', amount: 1n }, { address: 'a', amount: 2n }])).toThrow(/duplicate/);
  });

  it('returns no proof for an unknown address', () => {
    expect(buildMerkleTree(leavesOf(3)).proof('nope')).toBeUndefined();
  });
});

describe('Merkle proofs', () => {
  for (let size = 1; size <= 33; size++) {
    it(`verify for every leaf of a ${size}-leaf tree, and fail once tampered`, () => {
      const leaves = leavesOf(size);
      const tree = buildMerkleTree(leaves);
      for (const leaf of leaves) {
        const proof = tree.proof(leaf.address)!;
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
        expect(verifyMerkleProof({ root: tree.rootHex, leaf, proof })).toBe(true);

        expect(verifyMerkleProof({ root: tree.rootHex, leaf: { ...leaf, amount: leaf.amount + 1n }, proof })).toBe(false);
        if (proof.length > 0) {
          const flipped: MerkleProofStep[] = proof.map((s, i) => (i === 0 ? { ...s, hash: (s.hash[0] === '0' ? '1' : '0') + s.hash.slice(1) } : s));
          expect(verifyMerkleProof({ root: tree.rootHex, leaf, proof: flipped })).toBe(false);
          const swapped: MerkleProofStep[] = proof.map((s, i) => (i === proof.length - 1 ? { ...s, side: s.side === 'left' ? 'right' : 'left' } : s));
          expect(verifyMerkleProof({ root: tree.rootHex, leaf, proof: swapped })).toBe(false);
          expect(verifyMerkleProof({ root: tree.rootHex, leaf, proof: proof.slice(1) })).toBe(false);
        }
      }
    });
  }

  it('rejects malformed roots and steps instead of throwing', () => {
    const tree = buildMerkleTree(leavesOf(4));
    const leaf = tree.leaves[0]!;
    const proof = tree.proof(leaf.address)!;
    expect(verifyMerkleProof({ root: 'xyz', leaf, proof })).toBe(false);
    expect(verifyMerkleProof({ root: tree.rootHex, leaf, proof: [{ side: 'left', hash: 'zz' }] })).toBe(false);
    expect(verifyMerkleProof({ root: tree.rootHex, leaf: { address: '', amount: 1n }, proof })).toBe(false);
  });
});
