/**
 * Computes one epoch's manifest from the database, without writing anything: the amounts
 * (epoch-amounts.ts), then the input digest, and the manifest built, signed and serialised. Both the
 * rewarder (inside its paying transaction) and `verify-manifest --recompute` run exactly this.
 */
import { epochAmounts } from './epoch-amounts';
import type { EpochWindow } from './epoch-window';
import { heliumExportFiles, type ExportFile } from './helium-export';
import { inputDigest } from './input-digest';
import { emissionOf } from './parameter-set';
import type { Queryable } from './queryable';
import { buildRewardManifest, manifestFileName, signManifest, type BuiltManifest, type SignedManifest } from './reward-manifest';
import type { StoredParameterSet } from './rewards-repository';

export interface AssembledEpoch {
  built: BuiltManifest;
  signed: SignedManifest;
  /** The published manifest file's exact text. */
  text: string;
  fileName: string;
  heliumFiles: ExportFile[];
  /** Seconds spent per phase, and the process RSS (MB) after each, for logs and the benchmark. */
  timings: Record<string, number>;
  rssMb: Record<string, number>;
}

export async function assembleEpoch(
  sql: Queryable,
  args: { window: EpochWindow; epochLengthMs: number; parameterSet: StoredParameterSet; lifetimeBefore: ReadonlyMap<string, bigint>; secretKey: Uint8Array },
): Promise<AssembledEpoch> {
  const { window, parameterSet } = args;
  const values = parameterSet.params;
  const timings: Record<string, number> = {};
  const rssMb: Record<string, number> = {};
  let mark = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    timings[phase] = (now - mark) / 1000;
    rssMb[phase] = Math.round(process.memoryUsage.rss() / 1_048_576);
    mark = now;
  };
  const { interactive, counted, rule, poc, data, rows, policy, rewards } = await epochAmounts(sql, {
    window,
    inputsUntilMs: window.endMs,
    epochLengthMs: args.epochLengthMs,
    parameterSet,
    emission: emissionOf(values),
    lap,
  });
  const digest = inputDigest({
    epoch: window.epoch,
    startMs: window.startMs,
    endMs: window.endMs,
    parameterSetHash: parameterSet.paramsHash,
    interactive,
    proofCells: counted.proofCells,
    rows,
    flags: policy.actions,
  });
  const built = buildRewardManifest({
    window,
    parameters: { setId: parameterSet.id, hash: parameterSet.paramsHash, effectiveFromEpoch: parameterSet.effectiveFromEpoch, values },
    inputs: {
      digest,
      interactiveHotspots: interactive.length,
      skippedCells: counted.skipped,
      ...(rule === 'latest-beacon' ? {} : { proofCells: counted.proofCells.length }),
      rewardedBeacons: poc.rewardedBeacons,
      rewardedWitnesses: poc.rewardedWitnesses,
      hotspotsWithInputs: rows.length,
      dataDc: data.reduce((n, r) => n + r.dataDc, 0n).toString(),
      flagged: policy.actions,
    },
    rows: policy.rows,
    rewards,
    lifetimeBefore: args.lifetimeBefore,
  });
  lap('manifestSeconds');
  const { signed, text } = signManifest(built.manifest, args.secretKey);
  lap('signSeconds');
  const heliumFiles = heliumExportFiles(built.manifest);
  lap('heliumExportSeconds');
  return { built, signed, text, fileName: manifestFileName(window.epoch), heliumFiles, timings, rssMb };
}
