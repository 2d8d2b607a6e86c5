import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@cov/shared/rewards/manifest-canonical';
import { verifyMerkleProof } from '@cov/shared/rewards/merkle';
import { canonicalManifestJson, manifestFileName } from './reward-manifest';
import { verifySignedManifest } from './manifest-verification';
import { sampleAddresses, sampleManifest } from './testing/sample-manifest';

describe('reward manifest', () => {
  const { built, signed, text } = sampleManifest();
  const m = built.manifest;
  const [a, b, c, d, e] = sampleAddresses(5);

  it('lists paid hotspots sorted, with lifetime = before + this epoch', () => {
    expect(m.hotspots.map((h) => h.address)).toEqual([a, b, c, d].sort());
    const hb = m.hotspots.find((h) => h.address === b)!;
    expect(BigInt(hb.lifetimeAmount)).toBe(1_000n + BigInt(hb.beaconAmount) + BigInt(hb.witnessAmount) + BigInt(hb.dataAmount));
    expect(m.lifetime.carried).toEqual([{ address: e, amount: '555' }]);
    expect(m.lifetime.leaves).toBe(5);
  });

  it('adds up to the emission exactly, and the totals say so', () => {
    const parts = m.hotspots.reduce((n, h) => n + BigInt(h.beaconAmount) + BigInt(h.witnessAmount) + BigInt(h.dataAmount), 0n);
    expect(parts).toBe(BigInt(m.totals.hotspots));
    expect(parts + BigInt(m.operations) + BigInt(m.oracles) + BigInt(m.unallocated.total)).toBe(BigInt(m.totals.emission));
    expect(m.totals.emission).toBe(m.parameters.values.emissionPerEpoch);
  });

  it('prices burned data credits at $0.00001 and the emission at the token price', () => {
    expect(m.accounting.dcBurned).toBe('127');
    expect(m.accounting.dcBurnedUsd).toBe('0.00127');
    // 1 643 835 616 438 356 base units at 8 decimals × $3
    expect(m.accounting.tokensEmittedUsd).toBe('49315068.49315068');
  });

  it('publishes exactly canonicalJson(signed), which verifies', () => {
    expect(text).toBe(canonicalJson(signed));
    const result = verifySignedManifest(JSON.parse(text));
    expect(result.ok).toBe(true);
    expect(result.epoch).toBe(20_000);
  });

  it('gives every leaf a Merkle proof against the root', () => {
    for (const leaf of built.tree.leaves) {
      expect(verifyMerkleProof({ root: m.lifetime.merkleRoot, leaf, proof: built.tree.proof(leaf.address)! })).toBe(true);
    }
  });

  it('is deterministic: building again gives the same bytes', () => {
    expect(sampleManifest().text).toBe(text);
  });

  it('names files by zero-padded epoch so they sort', () => {
    expect(manifestFileName(20_412)).toBe('epoch-00020412.manifest.json');
    expect([manifestFileName(999), manifestFileName(1000)].sort()).toEqual([manifestFileName(999), manifestFileName(1000)]);
  });
});

describe('canonicalManifestJson', () => {
  it('gives exactly canonicalJson(manifest), with and without carried leaves and flags', () => {
    const { built } = sampleManifest();
    const m = built.manifest;
    const variants = [
      m,
      { ...m, lifetime: { ...m.lifetime, carried: [] } },
      { ...m, hotspots: [] },
      { ...m, inputs: { ...m.inputs, flagged: [{ address: 'x', kinds: ['ring', 'é"\\'], action: 'exclude' as const }] } },
    ];
    for (const v of variants) expect(canonicalManifestJson(v)).toBe(canonicalJson(v));
  });

  it('falls back to the plain serialisation if a slot marker appears elsewhere', () => {
    const m = sampleManifest().built.manifest;
    const odd = { ...m, inputs: { ...m.inputs, flagged: [{ address: '\u0000hotspots\u0000', kinds: [], action: 'ignore' as const }] } };
    expect(canonicalManifestJson(odd)).toBe(canonicalJson(odd));
  });
});
