import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ed25519PublicKey } from '@cov/shared/rewards/manifest-canonical';
import { verifySignedManifest } from './manifest-verification';
import { signManifest, type SignedManifest } from './reward-manifest';
import { SAMPLE_SECRET_KEY, sampleManifest } from './testing/sample-manifest';

const good = (): SignedManifest => JSON.parse(sampleManifest().text) as SignedManifest;
const failing = (doc: unknown, expectedPublicKey?: string) =>
  verifySignedManifest(doc, { expectedPublicKey })
    .checks.filter((c) => !c.ok)
    .map((c) => c.name);
const resigned = (s: SignedManifest): SignedManifest => signManifest(s.manifest, SAMPLE_SECRET_KEY).signed;

describe('verifySignedManifest', () => {
  it('passes a good manifest, pinned to its key or not', () => {
    expect(failing(good())).toEqual([]);
    expect(failing(good(), bytesToHex(ed25519PublicKey(SAMPLE_SECRET_KEY)))).toEqual([]);
    expect(verifySignedManifest(good()).checks.find((c) => c.name === 'signature')?.detail).toMatch(/embedded key/);
  });

  it.each<[string, (s: SignedManifest) => SignedManifest, string[]]>([
    ['an edited amount', (s) => ((s.manifest.hotspots[0]!.beaconAmount = '1'), s), ['hash', 'amounts', 'sums']],
    ['an edited amount, re-signed', (s) => resigned(((s.manifest.hotspots[0]!.beaconAmount = '1'), s)), ['amounts', 'sums']],
    ['a flipped signature', (s) => ((s.signature = `${s.signature[0] === 'a' ? 'b' : 'a'}${s.signature.slice(1)}`), s), ['signature']],
    ['a stated hash that does not match', (s) => ((s.hash = '00'.repeat(32)), s), ['hash', 'signature']],
    ['a carried lifetime, re-signed', (s) => resigned(((s.manifest.lifetime.carried[0]!.amount = '556'), s)), ['merkle_root']],
    ['a wrong leaf count, re-signed', (s) => resigned(((s.manifest.lifetime.leaves += 1), s)), ['merkle_root']],
    ['more unallocated than the parts, re-signed', (s) => resigned(((s.manifest.unallocated.total = '1'), s)), ['sums']],
    ['an emission other than the parameters, re-signed', (s) => resigned(((s.manifest.parameters.values.emissionPerEpoch = '5'), s)), ['sums']],
    ['unsorted hotspots, re-signed', (s) => resigned((s.manifest.hotspots.reverse(), s)), ['amounts']],
    ['a lifetime below the epoch amount, re-signed', (s) => resigned(((s.manifest.hotspots[0]!.lifetimeAmount = '0'), s)), ['merkle_root', 'amounts']],
  ])('fails %s', (_what, tamper, expected) => {
    expect(failing(tamper(good()))).toEqual(expected);
  });

  it('fails a manifest signed by another key when the oracle key is pinned', () => {
    expect(failing(good(), 'ab'.repeat(32))).toEqual(['signature']);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an array', []],
    ['a manifest of another format', { ...good(), manifest: { ...good().manifest, format: 'other' } }],
    ['a negative amount', (() => ((s) => ((s.manifest.operations = '-1'), s))(good()))()],
    ['a non-hex signature', { ...good(), signature: 'zz' }],
  ])('reports %s as a format failure without throwing', (_what, doc) => {
    const result = verifySignedManifest(doc);
    expect(result.ok).toBe(false);
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([['format', false]]);
  });
});
