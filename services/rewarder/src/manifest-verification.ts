/**
 * Checks a published manifest on its own, with no database: the file's shape, its hash, the oracle
 * signature, the Merkle root over the lifetime leaves, that every amount is floor(rate × shares),
 * and that the parts add up to the emission exactly. Used by `verify-manifest` and the tests.
 * Never throws on bad input: every problem is a failed check with a reason.
 */
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { hexToBytes } from '@noble/hashes/utils.js';
import { manifestHash, verifyManifestSignature } from '@cov/shared/rewards/manifest-canonical';
import { buildMerkleTree } from '@cov/shared/rewards/merkle';
import { RATE_DECIMALS, SHARE_DECIMALS } from '@cov/shared/rewards/pools';
import { parseDecimal, toScaled } from '@cov/shared/rewards/rational';
import { MANIFEST_FORMAT, SIGNATURE_ALGORITHM, type SignedManifest } from './reward-manifest';

const UInt = Type.String({ pattern: '^(0|[1-9][0-9]*)$' });
const Hex = (bytes: number) => Type.String({ pattern: `^[0-9a-f]{${bytes * 2}}$` });
const Decimal = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' });
const Count = Type.Integer({ minimum: 0 });

/** Structural schema of a published file (the manifest's own fields; parameter values are checked loosely). */
export const SignedManifestSchema = Type.Object({
  algorithm: Type.Literal(SIGNATURE_ALGORITHM),
  hash: Hex(32),
  publicKey: Hex(32),
  signature: Hex(64),
  manifest: Type.Object({
    format: Type.Literal(MANIFEST_FORMAT),
    epoch: Count,
    startMs: Count,
    endMs: Count,
    parameters: Type.Object({ setId: Count, hash: Hex(32), effectiveFromEpoch: Count, values: Type.Object({ emissionPerEpoch: UInt }) }),
    inputs: Type.Object({ digest: Hex(32) }),
    rates: Type.Object({ beaconPerShare: Decimal, witnessPerShare: Decimal, dataPerDc: Decimal }),
    pools: Type.Object({}),
    hotspots: Type.Array(
      Type.Object({
        address: Type.String({ minLength: 1 }),
        beacons: Count,
        beaconSharesE8: UInt,
        witnesses: Count,
        witnessSharesE8: UInt,
        dataDc: UInt,
        beaconAmount: UInt,
        witnessAmount: UInt,
        dataAmount: UInt,
        lifetimeAmount: UInt,
      }),
    ),
    operations: UInt,
    oracles: UInt,
    unallocated: Type.Object({ poc: UInt, unscheduled: UInt, rounding: UInt, total: UInt }),
    totals: Type.Object({ emission: UInt, hotspots: UInt, beacon: UInt, witness: UInt, data: UInt, operations: UInt, oracles: UInt, unallocated: UInt }),
    accounting: Type.Object({ dcBurned: UInt, dcBurnedUsd: Decimal, tokenPriceUsd: Decimal, tokensEmitted: UInt, tokensEmittedUsd: Decimal }),
    lifetime: Type.Object({ merkleRoot: Hex(32), leaves: Count, carried: Type.Array(Type.Object({ address: Type.String({ minLength: 1 }), amount: UInt })) }),
  }),
});
export type CheckedSignedManifest = Static<typeof SignedManifestSchema>;

export interface VerificationCheck {
  name: 'format' | 'hash' | 'signature' | 'merkle_root' | 'amounts' | 'sums';
  ok: boolean;
  detail?: string;
}

export interface VerificationResult {
  ok: boolean;
  epoch?: number;
  checks: VerificationCheck[];
}

const rateE15 = (text: string): bigint => toScaled(parseDecimal(text), RATE_DECIMALS, 'down');
const amountOf = (rate: bigint, sharesE8: bigint): bigint => (rate * sharesE8) / 10n ** BigInt(RATE_DECIMALS + SHARE_DECIMALS);

function checkAmounts(m: SignedManifest['manifest']): VerificationCheck {
  const rates = { beacon: rateE15(m.rates.beaconPerShare), witness: rateE15(m.rates.witnessPerShare), data: rateE15(m.rates.dataPerDc) };
  let previous: string | undefined;
  for (const h of m.hotspots) {
    if (previous !== undefined && !(previous < h.address)) return { name: 'amounts', ok: false, detail: `hotspots not sorted by address or duplicated at ${h.address}` };
    previous = h.address;
    const expected = {
      beaconAmount: amountOf(rates.beacon, BigInt(h.beaconSharesE8)),
      witnessAmount: amountOf(rates.witness, BigInt(h.witnessSharesE8)),
      dataAmount: amountOf(rates.data, BigInt(h.dataDc) * 10n ** BigInt(SHARE_DECIMALS)),
    };
    for (const [field, value] of Object.entries(expected)) {
      const observed = BigInt(h[field as keyof typeof expected]);
      if (observed !== value) return { name: 'amounts', ok: false, detail: `${h.address} ${field} is ${observed}, floor(rate × shares) is ${value}` };
    }
    const total = expected.beaconAmount + expected.witnessAmount + expected.dataAmount;
    if (total === 0n) return { name: 'amounts', ok: false, detail: `${h.address} is listed with nothing paid` };
    if (BigInt(h.lifetimeAmount) < total) return { name: 'amounts', ok: false, detail: `${h.address} lifetime ${h.lifetimeAmount} is below this epoch's ${total}` };
  }
  return { name: 'amounts', ok: true, detail: `${m.hotspots.length} hotspots, every amount = floor(rate × shares)` };
}

function checkSums(m: SignedManifest['manifest']): VerificationCheck {
  const fail = (detail: string): VerificationCheck => ({ name: 'sums', ok: false, detail });
  let beacon = 0n;
  let witness = 0n;
  let data = 0n;
  for (const h of m.hotspots) {
    beacon += BigInt(h.beaconAmount);
    witness += BigInt(h.witnessAmount);
    data += BigInt(h.dataAmount);
  }
  const t = m.totals;
  const u = m.unallocated;
  const pairs: [string, bigint, bigint][] = [
    ['totals.beacon', BigInt(t.beacon), beacon],
    ['totals.witness', BigInt(t.witness), witness],
    ['totals.data', BigInt(t.data), data],
    ['totals.hotspots', BigInt(t.hotspots), beacon + witness + data],
    ['totals.operations', BigInt(t.operations), BigInt(m.operations)],
    ['totals.oracles', BigInt(t.oracles), BigInt(m.oracles)],
    ['unallocated.total', BigInt(u.total), BigInt(u.poc) + BigInt(u.unscheduled) + BigInt(u.rounding)],
    ['totals.unallocated', BigInt(t.unallocated), BigInt(u.total)],
    ['totals.emission', BigInt(t.emission), beacon + witness + data + BigInt(m.operations) + BigInt(m.oracles) + BigInt(u.total)],
    ['parameters emission', BigInt(m.parameters.values.emissionPerEpoch), BigInt(t.emission)],
    ['accounting.tokensEmitted', BigInt(m.accounting.tokensEmitted), BigInt(t.emission)],
  ];
  for (const [name, stated, computed] of pairs) if (stated !== computed) return fail(`${name} is ${stated}, the parts add up to ${computed}`);
  return { name: 'sums', ok: true, detail: `hotspots + operations + oracles + unallocated = emission ${t.emission}` };
}

function checkMerkle(m: SignedManifest['manifest']): VerificationCheck {
  try {
    const tree = buildMerkleTree([
      ...m.hotspots.map((h) => ({ address: h.address, amount: BigInt(h.lifetimeAmount) })),
      ...m.lifetime.carried.map((c) => ({ address: c.address, amount: BigInt(c.amount) })),
    ]);
    if (tree.leaves.length !== m.lifetime.leaves) return { name: 'merkle_root', ok: false, detail: `${tree.leaves.length} leaves, manifest says ${m.lifetime.leaves}` };
    if (tree.rootHex !== m.lifetime.merkleRoot) return { name: 'merkle_root', ok: false, detail: `root over the lifetime leaves is ${tree.rootHex}, manifest says ${m.lifetime.merkleRoot}` };
    return { name: 'merkle_root', ok: true, detail: `${tree.leaves.length} leaves` };
  } catch (e) {
    return { name: 'merkle_root', ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * `expectedPublicKey` (hex) pins the oracle key; without it the embedded key is checked for
 * consistency only, and the detail says so.
 */
export function verifySignedManifest(document: unknown, options: { expectedPublicKey?: string } = {}): VerificationResult {
  if (!Value.Check(SignedManifestSchema, document)) {
    const first = [...Value.Errors(SignedManifestSchema, document)][0];
    return { ok: false, checks: [{ name: 'format', ok: false, detail: `${first?.instancePath || '(root)'}: ${first?.message ?? 'not a signed manifest'}` }] };
  }
  const signed = document as unknown as SignedManifest;
  const m = signed.manifest;
  const checks: VerificationCheck[] = [{ name: 'format', ok: true, detail: MANIFEST_FORMAT }];

  const hash = manifestHash(m);
  checks.push(hash.hex === signed.hash ? { name: 'hash', ok: true, detail: hash.hex } : { name: 'hash', ok: false, detail: `sha256 of the canonical manifest is ${hash.hex}, file says ${signed.hash}` });

  const keyMatches = options.expectedPublicKey === undefined || options.expectedPublicKey.toLowerCase() === signed.publicKey;
  // Over the hash the file states: whether that hash matches the content is the hash check's job.
  const signatureOk = verifyManifestSignature({ hash: hexToBytes(signed.hash), signature: hexToBytes(signed.signature), publicKey: hexToBytes(signed.publicKey) });
  checks.push({
    name: 'signature',
    ok: keyMatches && signatureOk,
    detail: !keyMatches
      ? `signed by ${signed.publicKey}, expected ${options.expectedPublicKey}`
      : !signatureOk
        ? 'signature does not verify over the stated hash'
        : options.expectedPublicKey
          ? `valid, by the expected oracle key`
          : `valid, by the embedded key ${signed.publicKey} (pass --public-key to pin the oracle key)`,
  });
  checks.push(checkMerkle(m), checkAmounts(m), checkSums(m));
  return { ok: checks.every((c) => c.ok), epoch: m.epoch, checks };
}
