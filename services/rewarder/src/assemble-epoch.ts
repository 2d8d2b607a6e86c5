/**
 * Computes one epoch's manifest from the database, without writing anything: reads the inputs
 * (interactive hotspots, PoC shares aggregated in SQL, data credits, fraud flags), builds the
 * density map, splits the emission, and builds, signs and serialises the manifest. Both the
 * rewarder (inside its paying transaction) and `verify-manifest --recompute` run exactly this.
 */
import { getResolution, isValidCell } from 'h3-js';
import { computeHexDensity, normalizeCell } from '@cov/shared/rewards/hex-density';
import { computeEpochRewards } from '@cov/shared/rewards/pools';
import { pocRewardUnits } from '@cov/shared/rewards/reward-units';
import { dataTransferDc } from './data-transfer-input';
import { interactiveHotspotsAt } from '@cov/shared/coverage/interactive-hotspots';
import { fraudFlagsOf, maxSelectedWitnesses, pocShares, type UnitsRow } from './epoch-inputs-repository';
import type { EpochWindow } from './epoch-window';
import { applyFraudPolicy } from './fraud-policy';
import { heliumExportFiles, type ExportFile } from './helium-export';
import { mergeInputRows } from './hotspot-input-row';
import { inputDigest } from './input-digest';
import { emissionOf, tokenPriceOf } from './parameter-set';
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

function usableCell(cell: string, countResolution: number): string | undefined {
  const c = normalizeCell(cell);
  return c.length === 15 && isValidCell(c) && getResolution(c) >= countResolution ? c : undefined;
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
  lap('interactiveSeconds');
  const cells: string[] = [];
  for (const h of interactive) {
    const c = usableCell(h.cell, density.countResolution);
    if (c) cells.push(c);
  }
  const map = computeHexDensity(cells, density);
  if (!map.ok) throw map.error; // cannot happen: cells were validated above
  lap('densitySeconds');
  const scaleCells: string[] = [];
  const scalesE4: number[] = [];
  for (const [cell, scale] of map.value.scales) {
    scaleCells.push(cell);
    scalesE4.push(scale.scaleE4);
  }

  const units: UnitsRow[] = [];
  const maxW = await maxSelectedWitnesses(sql, window.epoch);
  for (let w = 1; w <= maxW; w++) units.push({ witnesses: w, ...pocRewardUnits(w, values.rewards.rewardUnits) });

  const poc = await pocShares(sql, window.epoch, { cells: scaleCells, scalesE4 }, units, density.defaultScaleE4);
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
      skippedCells: interactive.length - cells.length,
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
