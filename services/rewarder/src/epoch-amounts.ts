/**
 * What an epoch pays each hotspot, from the database, without writing anything: reads the inputs
 * (interactive hotspots, PoC shares aggregated in SQL, data credits, fraud flags), builds the
 * density map and splits the emission. The paid epoch (assemble-epoch.ts, inside the paying
 * transaction) and the provisional rewards of epochs not paid yet (provisional-rewards.ts) both run
 * exactly this; only the instant the inputs are read up to and the emission differ.
 */
import { computeHexDensity } from '@cov/shared/rewards/hex-density';
import { computeEpochRewards, type EpochRewards } from '@cov/shared/rewards/pools';
import { pocRewardUnits } from '@cov/shared/rewards/reward-units';
import { interactiveHotspotsAt, type InteractiveHotspot } from '@cov/shared/coverage/interactive-hotspots';
import { dataTransferDc } from './data-transfer-input';
import { densityCells, scaleTable, type DensityCells } from './density-cells';
import { fraudFlagsOf, maxSelectedWitnesses, pocShares, rewardedBeaconCells, type PocShares, type UnitsRow } from './epoch-inputs-repository';
import type { EpochWindow } from './epoch-window';
import { applyFraudPolicy } from './fraud-policy';
import { mergeInputRows, type HotspotInputRow } from './hotspot-input-row';
import { densityCellsOf, tokenPriceOf } from './parameter-set';
import type { Queryable } from './queryable';
import type { StoredParameterSet } from './rewards-repository';

export interface EpochAmounts {
  interactive: InteractiveHotspot[];
  counted: DensityCells;
  rule: ReturnType<typeof densityCellsOf>;
  poc: PocShares;
  data: HotspotInputRow[];
  /** PoC and data inputs merged per hotspot, before the fraud policy. */
  rows: HotspotInputRow[];
  policy: ReturnType<typeof applyFraudPolicy>;
  rewards: EpochRewards;
}

export async function epochAmounts(
  sql: Queryable,
  args: {
    window: EpochWindow;
    /** Inputs are read up to this instant (the window's end for a paid epoch). */
    inputsUntilMs: number;
    epochLengthMs: number;
    parameterSet: StoredParameterSet;
    emission: bigint;
    /** Called after each phase with its name, for the timings the rewarder logs. */
    lap?: (phase: string) => void;
  },
): Promise<EpochAmounts> {
  const { window, parameterSet } = args;
  const values = parameterSet.params;
  const lap = args.lap ?? (() => {});
  const density = values.rewards.hexDensity;

  const flags = await fraudFlagsOf(sql, window.epoch);
  const excluded = values.fraudPolicy === 'exclude' ? flags : new Map<string, string[]>();
  // Excluded hotspots do not count as interactive: they would otherwise dilute honest neighbours.
  const interactive = (await interactiveHotspotsAt(sql, args.inputsUntilMs, values.interactivityWindowMs, args.epochLengthMs)).filter((h) => !excluded.has(h.address));
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
  const data = await dataTransferDc(sql, { ...window, endMs: Math.min(window.endMs, args.inputsUntilMs) });
  const rows = mergeInputRows(poc.rows, data);
  const policy = applyFraudPolicy(rows, flags, values.fraudPolicy, density.defaultScaleE4);
  lap('dataTransferSeconds');

  const rewards = computeEpochRewards({
    emission: args.emission,
    tokenPrice: tokenPriceOf(values),
    params: values.rewards.pools,
    hotspots: policy.rows.map((r) => ({ address: r.address, beaconShares: r.beaconSharesE8, witnessShares: r.witnessSharesE8, dataDc: r.dataDc })),
  });
  return { interactive, counted, rule, poc, data, rows, policy, rewards };
}
