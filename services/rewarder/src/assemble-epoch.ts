/**
 * Computes one epoch's manifest from the database, without writing anything: reads the inputs
 * (interactive hotspots, PoC shares aggregated in SQL, data credits, fraud flags), builds the
 * density map, splits the emission, and builds, signs and serialises the manifest. Both the
 * rewarder (inside its paying transaction) and `verify-manifest --recompute` run exactly this.
 */
import { computeHexDensity } from '@cov/shared/rewards/hex-density';
import { computeEpochRewards } from '@cov/shared/rewards/pools';
import { pocRewardUnits } from '@cov/shared/rewards/reward-units';
import { dataTransferDc } from './data-transfer-input';
import { interactiveHotspotsAt } from '@cov/shared/coverage/interactive-hotspots';
import { densityCells, scaleTable } from './density-cells';
import { fraudFlagsOf, maxSelectedWitnesses, pocShares, rewardedBeaconCells, type UnitsRow } from './epoch-inputs-repository';
import type { EpochWindow } from './epoch-window';
import { applyFraudPolicy } from './fraud-policy';
import { heliumExportFiles, type ExportFile } from './helium-export';
import { mergeInputRows } from './hotspot-input-row';
import { inputDigest } from './input-digest';
import { densityCellsOf, emissionOf, tokenPriceOf } from './parameter-set';
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
  const density = values.rewards.hexDensity;

  const flags = await fraudFlagsOf(sql, window.epoch);
  const excluded = values.fraudPolicy === 'exclude' ? flags : new Map<string, string[]>();
  // Excluded hotspots do not count as interactive: they would otherwise dilute honest neighbours.
  const interactive = (await interactiveHotspotsAt(sql, window.endMs, values.interactivityWindowMs, args.epochLengthMs)).filter((h) => !excluded.has(h.address));
  const rule = densityCellsOf(values);
  const beaconCells = rule === 'latest-beacon' ? [] : await rewardedBeaconCells(sql, window.epoch);
  lap('interactiveSeconds');
  const counted = densityCells(interactive, beaconCells, rule, density.countResolution);
  const map = computeHexDensity(counted.counted, density);
  if (!map.ok) throw map.error; // cannot happen: cells were validated above
  const scales = scaleTable(map.value, beaconCells, rule);
  lap('densitySeconds');

  const units: UnitsRow[] = [];
  const maxW = await maxSelectedWitnesses(sql, window.epoch);
  for (let w = 1; w <= maxW; w++) units.push({ witnesses: w, ...pocRewardUnits(w, values.rewards.rewardUnits) });

  const poc = await pocShares(sql, window.epoch, scales, units, density.defaultScaleE4);
  lap('pocSharesSeconds');
  const data = await dataTransferDc(sql, window);
  const rows = mergeInputRows(poc.rows, data);
  const policy = applyFraudPolicy(rows, flags, values.fraudPolicy, density.defaultScaleE4);

  lap('dataTransferSeconds');
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
  const rewards = computeEpochRewards({
    emission: emissionOf(values),
    tokenPrice: tokenPriceOf(values),
    params: values.rewards.pools,
    hotspots: policy.rows.map((r) => ({ address: r.address, beaconShares: r.beaconSharesE8, witnessShares: r.witnessSharesE8, dataDc: r.dataDc })),
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
