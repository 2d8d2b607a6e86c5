/**
 * Digest of everything an epoch's amounts were computed from, at the granularity the rewarder reads
 * it: the interactive hotspots and the cells the density map was built from, each hotspot's
 * aggregated shares and data credits (before the fraud policy), and the fraud flags. Anyone with
 * database access can rebuild these lines (verify-manifest --recompute does) and see whether the
 * inputs changed since the manifest was signed.
 *
 * sha256 over UTF-8 lines, each a JSON array of strings and numbers followed by "\n", in this order:
 *   ["epoch", epoch, startMs, endMs, parameterSetHash]
 *   ["interactive", address, cell]                      sorted by address
 *   ["proofCell", address, cell]                        sorted by address, then cell (only hotspots that moved)
 *   ["hotspot", address, beacons, beaconSharesE8, witnesses, witnessSharesE8, dataDc]   sorted by address
 *   ["flag", address, kind, kind...]                    sorted by address, kinds sorted
 * (share and DC values are decimal strings).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { InteractiveHotspot } from '@cov/shared/coverage/interactive-hotspots';
import type { HotspotCell } from './density-cells';
import type { FraudAction } from './fraud-policy';
import type { HotspotInputRow } from './hotspot-input-row';
import { compareAddresses } from './hotspot-input-row';


export interface DigestInput {
  epoch: number;
  startMs: number;
  endMs: number;
  parameterSetHash: string;
  interactive: readonly InteractiveHotspot[];
  /** Extra density-map cells of hotspots that moved (`density-cells.ts`); none under the older rule. */
  proofCells?: readonly HotspotCell[];
  rows: readonly HotspotInputRow[];
  flags: readonly FraudAction[];
}

const encoder = new TextEncoder();

export function inputDigest(input: DigestInput): string {
  const hash = sha256.create();
  // Lines are batched into larger updates: one update per line costs more than the hashing itself.
  let pending: string[] = [];
  const line = (values: (string | number)[]) => {
    pending.push(`${JSON.stringify(values)}\n`);
    if (pending.length >= 4096) flush();
  };
  const flush = () => {
    if (pending.length) hash.update(encoder.encode(pending.join('')));
    pending = [];
  };
  line(['epoch', input.epoch, input.startMs, input.endMs, input.parameterSetHash]);
  for (const h of [...input.interactive].sort((a, b) => compareAddresses(a.address, b.address))) line(['interactive', h.address, h.cell]);
  for (const c of input.proofCells ?? []) line(['proofCell', c.address, c.cell]);
  for (const r of [...input.rows].sort((a, b) => compareAddresses(a.address, b.address))) {
    line(['hotspot', r.address, r.beacons, r.beaconSharesE8.toString(), r.witnesses, r.witnessSharesE8.toString(), r.dataDc.toString()]);
  }
  for (const f of [...input.flags].sort((a, b) => compareAddresses(a.address, b.address))) line(['flag', f.address, ...[...f.kinds].sort()]);
  flush();
  return bytesToHex(hash.digest());
}
