/**
 * Use case: verify a batch of beacons and all their witnesses in ONE transaction. Either every
 * verdict of the batch is written and its beacons marked verified, or (on any error) nothing is,
 * and the job is retried. Verdicts are computed from stored data only, so a retry, a concurrent
 * duplicate job or a deliberate re-verification writes the same rows.
 */
import type { HotspotInfo } from '@cov/shared/poc/context';
import type { Sql } from '@cov/shared/db/client';
import {
  beaconerWitnessEvidence,
  lockBeacons,
  matchedWitnesses,
  payloadOwners,
  previousBeacons,
  registryHotspots,
  witnessBeaconEvidence,
  writeVerdicts,
} from './batch-repository';
import type { DenylistCache } from './denylist-repository';
import { toHotspotInfo } from './hotspot-info';
import { reciprocityEvidenceRange } from './readiness';
import { hex } from './sql';
import { verifyPoc, type BeaconVerdictRow, type WitnessVerdictRow } from './verify-poc';
import { pocThresholdsFrom, type VerifierSettings } from './verifier-settings';

export interface VerifyBatchDeps {
  sql: Sql;
  settings: VerifierSettings;
  denylist: DenylistCache;
  nowMs(): number;
}

export interface VerifyBatchOptions {
  /** Recompute beacons already verified (re-running a window); their rows are rewritten in place. */
  reverify?: boolean;
  /** Test hook: runs after every write, before the commit. Throwing rolls the whole batch back. */
  beforeCommit?: () => void | Promise<void>;
}

export interface VerifyBatchResult {
  beacons: BeaconVerdictRow[];
  witnesses: WitnessVerdictRow[];
  /** Ids that were not verified here (unknown, or already verified by someone else). */
  skipped: string[];
}

/** The latest time in `ascending` strictly inside (after, before), or null. */
function latestWithin(ascending: readonly number[] | undefined, afterMs: number, beforeMs: number): number | null {
  if (!ascending) return null;
  for (let i = ascending.length - 1; i >= 0; i--) {
    const t = ascending[i]!;
    if (t < beforeMs) return t > afterMs ? t : null;
  }
  return null;
}

export async function verifyBeaconBatch(deps: VerifyBatchDeps, beaconIds: readonly string[], options: VerifyBatchOptions = {}): Promise<VerifyBatchResult> {
  const { settings } = deps;
  const pocSettings = {
    maxWitnessesPerPoc: settings.maxWitnessesPerPoc,
    epochLengthMs: settings.epochLengthMs,
    reciprocityWindowMs: settings.reciprocityWindowMs,
    thresholds: pocThresholdsFrom(settings),
  };
  return deps.sql.begin(async (tx) => {
    const beacons = await lockBeacons(tx, beaconIds, options.reverify ?? false);
    const found = new Set(beacons.map((b) => b.id));
    const skipped = beaconIds.filter((id) => !found.has(id));
    if (beacons.length === 0) return { beacons: [], witnesses: [], skipped };

    const denylist = await deps.denylist.current(tx);
    const owners = await payloadOwners(tx, beacons.map((b) => b.payload));
    const owning = beacons.filter((b) => owners.get(hex(b.payload)) === b.id);
    const witnessesByBeacon = await matchedWitnesses(tx, owning, settings);
    const allWitnesses = [...witnessesByBeacon.values()].flat();
    // Independent reads, pipelined on the transaction's connection.
    const [previous, beaconerEvidence, witnessEvidence, registry] = await Promise.all([
      previousBeacons(tx, beacons),
      beaconerWitnessEvidence(tx, beacons, settings),
      witnessBeaconEvidence(tx, allWitnesses, settings),
      registryHotspots(tx, [...beacons.map((b) => b.hotspotAddress), ...allWitnesses.map((w) => w.hotspotAddress)]),
    ]);

    const infos = new Map<string, HotspotInfo | null>();
    const hotspot = (address: string): HotspotInfo | null => {
      let info = infos.get(address);
      if (info === undefined) {
        const row = registry.get(address);
        info = row ? toHotspotInfo(row, denylist) : null;
        infos.set(address, info);
      }
      return info;
    };
    const witnessLastBeaconAtMs = (address: string, atMs: number): number | null => {
      const range = reciprocityEvidenceRange(atMs, settings);
      return latestWithin(witnessEvidence.get(address), range.afterMs, range.beforeMs);
    };

    const beaconRows: BeaconVerdictRow[] = [];
    const witnessRows: WitnessVerdictRow[] = [];
    for (const beacon of beacons) {
      const owner = owners.get(hex(beacon.payload)) ?? beacon.id;
      const verdict = verifyPoc(
        {
          beacon,
          entropy: beacon.entropy,
          previousBeaconAtMs: previous.get(beacon.id) ?? null,
          payloadOwnerBeaconId: owner === beacon.id ? null : owner,
          witnesses: witnessesByBeacon.get(beacon.id) ?? [],
          hotspot,
          denylist,
          beaconerLastWitnessAtMs: beaconerEvidence.get(beacon.id) ?? null,
          witnessLastBeaconAtMs,
        },
        pocSettings,
      );
      beaconRows.push(verdict.beacon);
      witnessRows.push(...verdict.witnesses);
    }
    await writeVerdicts(tx, beaconRows, witnessRows, deps.nowMs(), { copy: settings.copyWitnessVerdicts });
    await options.beforeCommit?.();
    return { beacons: beaconRows, witnesses: witnessRows, skipped };
  });
}
