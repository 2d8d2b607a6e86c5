/**
 * On the embedded default, `npm start` is the whole system with its simulator: after the node is up,
 * firmware-sim's simulated network (SIMULATOR_SCENARIO, SIMULATOR_HOTSPOTS, SIMULATOR_DEVICES)
 * registers its hotspots and device makers over the REST API, opens ingest sessions, beacons and
 * witnesses, and sends device uplinks over GWMP, in real time, against this very node. A newcomer
 * sees hotspots on the map, PoC verdicts and routed packets without setting anything up. With
 * DATABASE_URL (a real deployment, real hotspots) it never runs.
 *
 * The world is seeded, so a restart on the same DATA_DIR finds its hotspots already onboarded and
 * goes on with them. Its device makers remember their organisations (id, API key, route) in
 * DATA_DIR/simulator/device-makers.json, so a restart reuses them too and points their routes at
 * the network server of the new run, instead of creating more organisations and leaving routes
 * aimed at the port the previous run closed.
 */
import { join } from 'node:path';
import type { Config } from '@cov/shared/config/config';
import type { Logger } from '@cov/shared/logger';
import type { RouterServiceModule } from '@cov/router/service';
import { callJson } from '@cov/firmware-sim/scenario/call-json';
import { readDeviceMakerState } from '@cov/firmware-sim/scenario/device-maker-state';
import { isForgottenSimulatorRoute } from '@cov/firmware-sim/scenario/http-device-maker';
import { runLiveSimulation } from '@cov/firmware-sim/scenario/run-live-simulation';
import { buildScenarioWorld } from '@cov/firmware-sim/scenario/scenario-world';
import { SCENARIOS } from '@cov/firmware-sim/scenario/scenarios';
import type { RunningNode } from './compose';

/** Long enough to be "until stopped"; beacons are scheduled up front, so not unbounded. */
const SIMULATED_SPAN_MS = 30 * 86_400_000;

export interface QuickstartSimulator {
  description: string;
  /** Resolves when the simulated span ends (or the run fails; failures are logged, never thrown). */
  done: Promise<void>;
  /** Ends the run: simulated time stops, sessions and sockets close, the network server stops. */
  stop(): Promise<void>;
}

/** Where the simulator's device makers remember their organisations (the file holds API keys: 0600). */
export const deviceMakerStatePath = (config: Pick<Config, 'DATA_DIR'>) => join(config.DATA_DIR, 'simulator', 'device-makers.json');

/** Why the simulator does not run, or null when it should. */
export function simulatorOffReason(config: Config, servicesRun: number, allServices: number): string | null {
  if (config.mode !== 'embedded') return 'DATABASE_URL is set (a real deployment)';
  if (servicesRun !== allServices) return 'not every service runs in this process';
  if (config.SIMULATOR_HOTSPOTS === 0) return 'SIMULATOR_HOTSPOTS=0';
  return null;
}

/**
 * Before the device makers kept a state file, every start made new organisations and left the
 * previous run's routes active on its closed network-server port. Such routes, recognised by the
 * simulator's route and organisation names and endpoint path and not remembered in the state
 * file, are set inactive through the API (the admin key may change any org's route), so a data
 * folder from then stops logging failing endpoints. Organisations and their DC stay as they were.
 */
async function retireForgottenRoutes(node: RunningNode, statePath: string, logger: Logger): Promise<void> {
  const remembered = new Set(readDeviceMakerState(statePath).state.orgs.map((o) => o.routeId));
  const rows = await node.ctx.database.sql<{ routeId: string; orgId: string; routeName: string; orgName: string; endpointUrl: string | null }[]>`
    select r.id as "routeId", r.org_id as "orgId", r.name as "routeName", o.name as "orgName", r.endpoint->>'url' as "endpointUrl"
    from routes r join orgs o on o.id = r.org_id
    where r.active and not r.locked`;
  const forgotten = rows.filter((r) => isForgottenSimulatorRoute(r, remembered));
  for (const r of forgotten) {
    const res = await callJson(`${node.httpBaseUrl}/v1/orgs/${r.orgId}/routes/${r.routeId}`, { method: 'PATCH', apiKey: node.ctx.adminApiKey, body: { active: false } });
    if (!res.ok) logger.warn({ route: r.routeId, status: res.status, code: res.code }, 'could not deactivate a route an earlier simulator run left behind');
  }
  if (forgotten.length > 0) {
    logger.warn({ routes: forgotten.map((r) => r.routeId) }, `deactivated ${forgotten.length} route(s) earlier simulator runs left pointing at their closed network servers`);
  }
}

export const QUICKSTART_FIRST_JOIN_SPREAD_MS = 15_000;

export function startQuickstartSimulator(node: RunningNode, config: Config, logger: Logger): QuickstartSimulator {
  const scenario = SCENARIOS[config.SIMULATOR_SCENARIO];
  if (!scenario || scenario.area === null) {
    const names = Object.keys(SCENARIOS).filter((n) => SCENARIOS[n]!.area !== null);
    throw new Error(`SIMULATOR_SCENARIO must be one of ${names.join(', ')}, got "${config.SIMULATOR_SCENARIO}"`);
  }
  const router = node.modules.find((m) => m.name === 'router') as RouterServiceModule | undefined;
  if (!router) throw new Error('the quickstart simulator needs the router in this process');
  const stopping = new AbortController();
  const world = buildScenarioWorld(scenario, { seed: 'quickstart', hotspotCount: config.SIMULATOR_HOTSPOTS, deviceCount: config.SIMULATOR_DEVICES });
  const statePath = deviceMakerStatePath(config);
  const runSimulator = () =>
    runLiveSimulation({
      scenario: scenario.name,
      world,
      backend: { baseUrl: node.httpBaseUrl, adminApiKey: node.ctx.adminApiKey, gwmpHost: '127.0.0.1', gwmpPort: router.router.gwmpPort, clock: node.ctx.clock },
      speed: 1,
      durationMs: SIMULATED_SPAN_MS,
      makerName: 'quickstart simulator',
      beaconIntervalMs: config.BEACON_INTERVAL_MS,
      entropyValidityMs: config.ENTROPY_VALIDITY_MS,
      appDownlinkShare: 0.05,
      // Devices join within 15 s of the start rather than the simulator's two minutes: someone who
      // just ran `npm start` sees device packets (and a maker's stats) within seconds.
      firstJoinSpreadMs: QUICKSTART_FIRST_JOIN_SPREAD_MS,
      deviceMakerStatePath: statePath,
      note: (message) => logger.warn(message),
      signal: stopping.signal,
    });
  const done = retireForgottenRoutes(node, statePath, logger)
    .catch((e: unknown) => logger.warn({ err: e }, 'could not look for routes earlier simulator runs left behind'))
    .then(runSimulator)
    .then(
      ({ summary }) =>
        logger.info({ beacons: summary.beacons, witnesses: summary.witnesses }, stopping.signal.aborted ? 'quickstart simulator stopped' : 'quickstart simulator finished its simulated span'),
      (e: unknown) => logger.error({ err: e }, 'quickstart simulator failed'),
    );
  return {
    description: `${world.hotspots.length} hotspots and ${world.devices.length} devices of firmware-sim's ${scenario.name} scenario (${scenario.description}), real time; SIMULATOR_HOTSPOTS=0 turns it off`,
    done,
    stop: () => {
      stopping.abort();
      return done;
    },
  };
}
