/**
 * The world of a named scenario at a chosen size: its area, shares and rates, with the hotspot and
 * device counts (and seed) of the run.
 */
import { AREA_PRESETS } from '../world/area';
import { buildWorld, type SimWorld } from '../world/world';
import type { ScenarioDefaults } from './scenarios';

export function buildScenarioWorld(scenario: ScenarioDefaults, size: { seed: string; hotspotCount: number; deviceCount: number }): SimWorld {
  if (scenario.area === null) throw new Error(`scenario ${scenario.name} has no preset area`);
  return buildWorld({
    seed: size.seed,
    area: AREA_PRESETS[scenario.area]!,
    hotspotCount: size.hotspotCount,
    deviceCount: size.deviceCount,
    dataOnlyShare: scenario.dataOnlyShare,
    httpShare: scenario.httpShare,
    cheaterShares: scenario.cheaterShares,
    orgCount: scenario.orgCount,
    uplinkIntervalMs: scenario.uplinkIntervalMs,
    confirmedShare: scenario.confirmedShare,
  });
}
