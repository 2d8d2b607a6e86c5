/**
 * The run summary (`--summary-json`, and what `npm run sim` prints): what the world held, what was
 * set up, and what every kind of message achieved, from the run's counters.
 */
import { CHEATER_KINDS, type CheaterKind } from '../cheaters/cheater-kinds';
import type { SimWorld } from '../world/world';
import type { SetupReport } from './simulation';
import type { SimStats } from './sim-stats';

export interface ReportTally {
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  notConnected: number;
  replayed: number;
}

export interface RunSummary {
  scenario: string;
  seed: string;
  target: string;
  region: string;
  area: string;
  simulated: { start: string; end: string; durationMs: number; speed: number | null; beaconIntervalMs: number };
  realElapsedMs: number;
  world: {
    hotspots: number;
    fullHotspots: number;
    dataOnlyHotspots: number;
    owners: number;
    devices: number;
    orgs: number;
    rings: number;
    cheaters: Record<CheaterKind, number>;
  };
  setup: SetupReport | null;
  beacons: ReportTally & { transmitted: number; skippedNoFreshEntropy: number };
  witnesses: ReportTally & { heardOverTheAir: number; fabricatedByRings: number; selfWitnesses: number };
  devices: { joinRequests: number; joined: number; uplinks: number; uplinkCopiesForwarded: number; downlinksReceived: number; idleReason: string | null };
  recordedMessages: number;
  counters: Record<string, number>;
}

function tally(stats: Record<string, number>, plural: string): ReportTally {
  const rejected: Record<string, number> = {};
  const prefix = `${plural}.rejected.`;
  for (const [k, v] of Object.entries(stats)) if (k.startsWith(prefix)) rejected[k.slice(prefix.length)] = v;
  return {
    sent: stats[`${plural}.sent`] ?? 0,
    accepted: stats[`${plural}.accepted`] ?? 0,
    rejected,
    notConnected: stats[`${plural}.not_connected`] ?? 0,
    replayed: stats[`${plural}.replayed`] ?? 0,
  };
}

export function buildRunSummary(input: {
  scenario: string;
  world: SimWorld;
  target: string;
  startMs: number;
  endMs: number;
  speed: number | null;
  beaconIntervalMs: number;
  realElapsedMs: number;
  setup: SetupReport | null;
  stats: SimStats;
  recordedMessages: number;
}): RunSummary {
  const { world } = input;
  const c = input.stats.toJSON();
  const n = (k: string) => c[k] ?? 0;
  const cheaters = Object.fromEntries(CHEATER_KINDS.map((k) => [k, world.hotspots.filter((h) => h.cheat?.kind === k).length])) as Record<CheaterKind, number>;
  const orgs = input.setup?.orgs;
  return {
    scenario: input.scenario,
    seed: world.seed,
    target: input.target,
    region: world.region,
    area: world.area.name,
    simulated: {
      start: new Date(input.startMs).toISOString(),
      end: new Date(input.endMs).toISOString(),
      durationMs: input.endMs - input.startMs,
      speed: input.speed,
      beaconIntervalMs: input.beaconIntervalMs,
    },
    realElapsedMs: Math.round(input.realElapsedMs),
    world: {
      hotspots: world.hotspots.length,
      fullHotspots: world.hotspots.filter((h) => h.capability === 'full').length,
      dataOnlyHotspots: world.hotspots.filter((h) => h.capability === 'data_only').length,
      owners: world.owners.length,
      devices: world.devices.length,
      orgs: world.orgCount,
      rings: world.rings.length,
      cheaters,
    },
    setup: input.setup,
    beacons: { ...tally(c, 'beacons'), transmitted: n('beacons.transmitted'), skippedNoFreshEntropy: n('beacons.skipped_no_fresh_entropy') },
    witnesses: { ...tally(c, 'witnesses'), heardOverTheAir: n('witnesses.heard_over_the_air'), fabricatedByRings: n('witnesses.fabricated_by_ring'), selfWitnesses: n('witnesses.self') },
    devices: {
      joinRequests: n('devices.join_requests'),
      joined: n('devices.joined'),
      uplinks: n('devices.uplinks.confirmed') + n('devices.uplinks.unconfirmed'),
      uplinkCopiesForwarded: n('gwmp.push_data.rxpk'),
      downlinksReceived: n('devices.downlinks.ack') + n('devices.downlinks.data'),
      idleReason: world.devices.length > 0 && orgs && !orgs.ok ? (orgs.unavailableReason ?? 'organisation setup failed') : null,
    },
    recordedMessages: input.recordedMessages,
    counters: c,
  };
}
