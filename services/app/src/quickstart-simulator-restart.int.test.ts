/**
 * `npm start` twice on one DATA_DIR: the simulator's device makers remember their organisations,
 * so the second run creates none, points the remembered routes at its own network server (the
 * first run's port is closed by then) and gets its devices' packets delivered through them. A
 * route an older simulator run left behind is set inactive; a look-alike of the user's is not.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@cov/shared/config/config';
import { createLogger } from '@cov/shared/logger';
import { serviceNames } from '@cov/shared/runtime/service';
import { readDeviceMakerState, type RememberedOrg } from '@cov/firmware-sim/scenario/device-maker-state';
import { startNode, type RunningNode } from './compose';
import { deviceMakerStatePath, startQuickstartSimulator } from './quickstart-simulator';

interface RouteView {
  id: string;
  endpoint: { protocol: string; url?: string; hasAuthHeader?: boolean };
  active: boolean;
  delivery: { backingOff: boolean } | null;
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>, tries = 400, pauseMs = 500): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await attempt();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function get(node: RunningNode, path: string, apiKey: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${node.httpBaseUrl}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
  return { status: res.status, body: await res.json() };
}

async function post(node: RunningNode, path: string, apiKey: string, body: unknown): Promise<any> {
  const res = await fetch(`${node.httpBaseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return res.json();
}

/** An organisation with one route to a closed port, as a run before the state file left them. */
async function orgWithDeadRoute(node: RunningNode, adminKey: string, orgName: string): Promise<{ orgId: string; routeId: string }> {
  const created = await post(node, '/v1/admin/orgs', adminKey, { name: orgName });
  const route = await post(node, `/v1/orgs/${created.org.id}/routes`, created.apiKey, { name: 'simulated network server', endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/lns/uplink' } });
  return { orgId: created.org.id, routeId: route.id };
}

const route = async (node: RunningNode, org: RememberedOrg): Promise<RouteView> => (await get(node, `/v1/orgs/${org.orgId}/routes/${org.routeId}`, org.apiKey)).body;

async function orgCount(node: RunningNode): Promise<number> {
  const [row] = await node.ctx.database.sql<{ n: number }[]>`select count(*)::int as n from orgs`;
  return row!.n;
}

/** Hotspot makers and location assertions stored: a restart of the same world adds neither. */
async function registryRows(node: RunningNode): Promise<{ makers: number; assertions: number }> {
  const [row] = await node.ctx.database.sql<{ makers: number; assertions: number }[]>`
    select (select count(*)::int from makers) as makers, (select count(*)::int from location_assertions) as assertions`;
  return row!;
}

const HOTSPOTS = 6;

describe('the quickstart simulator restarted on the same data', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cov-quickstart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    PORT: '0',
    GWMP_PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_API_KEY: 'test-admin-key',
    RATE_LIMIT_PER_MINUTE: '1000000',
    SIMULATOR_HOTSPOTS: String(HOTSPOTS),
    SIMULATOR_DEVICES: '2',
    SIMULATOR_SCENARIO: 'city-eu',
  });
  const logger = createLogger({ LOG_LEVEL: 'silent' });
  const statePath = deviceMakerStatePath(config);
  const rememberedOrgs = () => readDeviceMakerState(statePath).state.orgs;

  it('reuses its organisations and routes them to the new run, whose device packets are delivered', async () => {
    const first = await startNode(config, { services: serviceNames, logger });
    let firstRun: { orgs: RememberedOrg[]; urls: Map<string, string | undefined>; orgCount: number; registry: { makers: number; assertions: number } };
    const adminKey = first.ctx.adminApiKey;
    // One route left by a simulator run from before the state file, and one of a device maker of
    // the user's that merely looks alike (its organisation is not named as the simulator names them).
    const leftBehind = await orgWithDeadRoute(first, adminKey, 'Blue Meters (2026-01-02T03:04:05.678Z)');
    const users = await orgWithDeadRoute(first, adminKey, 'Blue Meters of my own');
    const routeActive = async (node: RunningNode, r: { orgId: string; routeId: string }) => (await get(node, `/v1/orgs/${r.orgId}/routes/${r.routeId}`, adminKey)).body.active as boolean;
    try {
      const simulator = startQuickstartSimulator(first, config, logger);
      try {
        const orgs = await until('the first run to remember its organisations', async () => {
          const remembered = rememberedOrgs();
          return remembered.length === 2 ? remembered : undefined;
        });
        const urls = new Map<string, string | undefined>();
        for (const org of orgs) urls.set(org.routeId, (await route(first, org)).endpoint.url);
        firstRun = { orgs, urls, orgCount: await orgCount(first), registry: await until('the first run to assert its hotspots', async () => {
          const rows = await registryRows(first);
          return rows.assertions >= HOTSPOTS ? rows : undefined;
        }) };
        expect(await routeActive(first, leftBehind)).toBe(false);
        expect(await routeActive(first, users)).toBe(true);
      } finally {
        await simulator.stop();
      }
    } finally {
      await first.stop();
    }
    // The simulator's two and the two made above.
    expect(firstRun.orgCount).toBe(4);
    // The file holds API keys.
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    const firstWrittenAtMs = statSync(statePath).mtimeMs;

    const second = await startNode(config, { services: serviceNames, logger });
    const secondStartedAtMs = Date.now();
    const simulator = startQuickstartSimulator(second, config, logger);
    try {
      // The device makers write their state once their organisations are set up.
      await until('the second run to set up its device makers', async () => (statSync(statePath).mtimeMs > firstWrittenAtMs ? true : undefined));
      expect(await orgCount(second)).toBe(firstRun.orgCount);
      expect(rememberedOrgs()).toEqual(firstRun.orgs);
      const routes = await Promise.all(firstRun.orgs.map((org) => route(second, org)));
      for (const view of routes) {
        expect(view).toMatchObject({ active: true, endpoint: { protocol: 'http', hasAuthHeader: true } });
        expect(view.endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lns\/uplink$/);
        expect(view.endpoint.url).not.toBe(firstRun.urls.get(view.id));
      }
      // Both organisations' routes lead to the one network server of this run.
      expect(new Set(routes.map((v) => v.endpoint.url)).size).toBe(1);

      // A device packet (a join at first) bought and answered by this run's network server: the
      // first run's is stopped, so only the new endpoint can have taken it.
      const delivered = await until('a packet of the second run forwarded on a remembered route', async () => {
        for (const org of firstRun.orgs) {
          const { body } = await get(second, `/v1/orgs/${org.orgId}/routes/${org.routeId}/packets?status=forwarded&limit=1`, org.apiKey);
          const packet = body.data[0] as { receivedAt: string; kind: string } | undefined;
          if (packet && Date.parse(packet.receivedAt) >= secondStartedAtMs) return packet;
        }
        return undefined;
      });
      expect(delivered.kind).toMatch(/join|uplink/);
      // Its hotspots were found where the world puts them: no second maker, no repeated assertions.
      expect(await registryRows(second)).toEqual(firstRun.registry);
      for (const org of firstRun.orgs) {
        const view = await route(second, org);
        expect(view.delivery?.backingOff ?? false).toBe(false);
      }
      // The remembered routes were not taken for left-behind ones.
      expect(routes.every((v) => v.active)).toBe(true);
      expect(await routeActive(second, leftBehind)).toBe(false);
      expect(await orgCount(second)).toBe(firstRun.orgCount);
    } finally {
      await simulator.stop();
      await second.stop();
    }
  }, 300_000);
});
