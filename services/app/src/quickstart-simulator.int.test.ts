/**
 * `npm start` on the embedded default runs the simulated network against itself: its hotspots are
 * onboarded and asserted over the REST API and its full hotspots hold ingest sessions.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '@cov/shared/config/config';
import { startTestNode, type TestNode } from './testing/test-node';
import { simulatorOffReason, startQuickstartSimulator } from './quickstart-simulator';

describe('the quickstart simulator', () => {
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode('embedded', { overrides: { SIMULATOR_HOTSPOTS: '6', SIMULATOR_DEVICES: '2', SIMULATOR_SCENARIO: 'city-eu' } });
  }, 120_000);

  afterAll(async () => {
    await node?.destroy();
  });

  it('onboards, asserts and connects its hotspots to the node it runs beside', async () => {
    const simulator = startQuickstartSimulator(node, node.config, node.ctx.logger);
    onTestFinished(() => simulator.stop());
    expect(simulator.description).toMatch(/^6 hotspots and 2 devices of firmware-sim's city-eu scenario/);
    let stats: { hotspots: { total: number; asserted: number; full: number } } | undefined;
    for (let i = 0; i < 60; i++) {
      stats = (await node.call('GET', '/v1/stats')).body;
      if (stats?.hotspots.asserted === 6) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(stats?.hotspots).toMatchObject({ total: 6, asserted: 6 });
    let sessions = 0;
    for (let i = 0; i < 60 && sessions === 0; i++) {
      const metrics = await (await fetch(`${node.httpBaseUrl}/metrics`)).text();
      sessions = Number(/^cov_ingest_sessions\{[^}]*\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
      if (sessions === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(sessions).toBeGreaterThan(0);
    expect(sessions).toBeLessThanOrEqual(stats!.hotspots.full);
  }, 60_000);

  it('refuses an unknown scenario by name', () => {
    const config = loadConfig({ ...process.env, SIMULATOR_SCENARIO: 'atlantis' });
    expect(() => startQuickstartSimulator(node, config, node.ctx.logger)).toThrow(/SIMULATOR_SCENARIO must be one of .*city-us/);
  });
});

describe('when the quickstart simulator runs', () => {
  it.each([
    ['embedded, every service', {}, 6, null],
    ['a database URL', { DATABASE_URL: 'postgres://db/x' }, 6, 'DATABASE_URL is set (a real deployment)'],
    ['one service', {}, 1, 'not every service runs in this process'],
    ['no simulated hotspots', { SIMULATOR_HOTSPOTS: '0' }, 6, 'SIMULATOR_HOTSPOTS=0'],
  ])('%s -> %s', (_name, env, servicesRun, reason) => {
    expect(simulatorOffReason(loadConfig({ DATABASE_URL: '', ...env }), servicesRun, 6)).toBe(reason);
  });
});
