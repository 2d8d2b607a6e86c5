/** The world and the simulation settings a set of CLI options describes (shared with the demo). */
import { AREA_PRESETS, polygonAreaFromFile } from '../world/area';
import { buildWorld, type SimWorld } from '../world/world';
import type { SimulationOptions } from '../scenario/simulation';
import { UsageError, type SimCliOptions } from './options';

export function worldFor(o: SimCliOptions): SimWorld {
  const preset = o.scenario.area ? AREA_PRESETS[o.scenario.area] : undefined;
  const area = o.areaFile ? polygonAreaFromFile(o.areaFile) : preset;
  if (!area) throw new UsageError('no area: give --area FILE');
  return buildWorld({
    seed: o.seed,
    area,
    hotspotCount: o.hotspots,
    deviceCount: o.devices,
    dataOnlyShare: o.dataOnlyShare,
    httpShare: o.httpShare,
    cheaterShares: o.cheaterShares,
    orgCount: o.orgCount,
    uplinkIntervalMs: o.uplinkIntervalMs,
    confirmedShare: o.confirmedShare,
  });
}

export function simulationOptions(o: SimCliOptions): SimulationOptions {
  return {
    durationMs: o.durationMs,
    makerName: `sim ${o.scenario.name} seed ${o.seed}`,
    setupConcurrency: 16,
    beaconIntervalMs: o.beaconIntervalMs,
    entropyValidityMs: o.entropyValidityMs,
    gwmpKeepaliveMs: o.keepaliveMs,
    gwmpStatIntervalMs: o.statIntervalMs,
    appDownlinkShare: o.appDownlinkShare,
  };
}

