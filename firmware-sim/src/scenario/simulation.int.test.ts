/**
 * End to end: a small simulated network against the embedded all-in-one backend over the real
 * protocols (registry REST, ingest WebSocket sessions and HTTP batches, entropy, the device-maker
 * API, GWMP to the router, the router's webhook to the simulated network server, PULL_RESP back to
 * a hotspot and over the air to the device), on an accelerated clock shared by both sides.
 * Assertions are on what the backend stored and answered, never on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, isNotNull } from 'drizzle-orm';
import { ScaledClock } from '@cov/shared/clock';
import { beaconReports, hotspots, witnessReports } from '@cov/shared/db/schema/index';
import { decodeBeaconReport } from '@cov/shared/helium/reports';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import type { RouterServiceModule } from '@cov/router/service';
import { NO_CHEATERS } from '../cheaters/cheater-kinds';
import { AREA_PRESETS } from '../world/area';
import { buildWorld, type SimWorld } from '../world/world';
import { MemoryRecorder } from './recorder';
import { runLiveSimulation } from './run-live-simulation';
import type { RunSummary } from './run-summary';
import type { Simulation } from './simulation';
import type { LiveTarget } from './live-target';

const T0 = Date.UTC(2026, 10, 3, 8, 0, 0);
const SPEED = 10;
const MINUTE = 60_000;

describe('firmware-sim against the embedded backend', () => {
  let node: TestNode;
  let world: SimWorld;
  let summary: RunSummary;
  let simulation: Simulation;
  let recorder: MemoryRecorder;

  beforeAll(async () => {
    const clock = new ScaledClock(T0, SPEED);
    node = await startTestNode('embedded', { clock, overrides: { BEACON_INTERVAL_MS: String(MINUTE), ROUTER_DEDUP_WINDOW_MS: '20' } });
    const router = node.modules.find((m) => m.name === 'router') as RouterServiceModule;
    world = buildWorld({
      seed: 'int-test',
      area: AREA_PRESETS.munich!,
      hotspotCount: 24,
      deviceCount: 6,
      dataOnlyShare: 0.15,
      httpShare: 0.3,
      cheaterShares: { ...NO_CHEATERS, tx_power_over_reporter: 0.05, self_witness: 0.05 },
      orgCount: 2,
      uplinkIntervalMs: MINUTE,
      confirmedShare: 0.5,
    });
    recorder = new MemoryRecorder();
    ({ summary, simulation } = await runLiveSimulation({
      scenario: 'int-test',
      world,
      backend: { baseUrl: node.httpBaseUrl, adminApiKey: node.adminKey, gwmpHost: '127.0.0.1', gwmpPort: router.router.gwmpPort, clock },
      speed: SPEED,
      durationMs: 4 * MINUTE,
      makerName: 'int-test maker',
      beaconIntervalMs: MINUTE,
      entropyValidityMs: 180_000,
      recorder,
    }));
  }, 240_000);

  afterAll(async () => {
    await node?.destroy();
  });

  it('onboards every hotspot with the maker key and asserts every location with the owner key', async () => {
    expect(summary.setup).toMatchObject({ makerCreated: true, onboarded: world.hotspots.length, locationsAsserted: world.hotspots.length, onboardFailed: {}, assertFailed: {} });
    const db = node.ctx.database.db;
    const [asserted] = await db.select({ n: count() }).from(hotspots).where(isNotNull(hotspots.locationCell));
    expect(asserted?.n).toBe(world.hotspots.length);
    const [dataOnly] = await db.select({ n: count() }).from(hotspots).where(eq(hotspots.capability, 'data_only'));
    expect(dataOnly?.n).toBe(world.hotspots.filter((h) => h.capability === 'data_only').length);
  });

  it('opens a session or HTTP link for every full hotspot, and ingest stores every report it acknowledged', async () => {
    const full = world.hotspots.filter((h) => h.capability === 'full').length;
    expect(summary.setup?.ingestOpened).toBe(full);
    expect(summary.counters['ingest.ws.opened']).toBeGreaterThan(0);
    expect(summary.counters['ingest.http.opened']).toBeGreaterThan(0);
    expect(summary.beacons.sent).toBeGreaterThan(0);
    expect(summary.beacons.accepted).toBe(summary.beacons.sent);
    expect(summary.witnesses.accepted).toBe(summary.witnesses.sent);
    const db = node.ctx.database.db;
    const [b] = await db.select({ n: count() }).from(beaconReports);
    const [w] = await db.select({ n: count() }).from(witnessReports);
    expect(b?.n).toBe(summary.beacons.accepted);
    expect(w?.n).toBe(summary.witnesses.accepted);
  });

  it('stores beacons byte for byte as the hotspots signed them', async () => {
    const sent = recorder.lines.map((l) => JSON.parse(l) as { kind: string; hex?: string }).filter((m) => m.kind === 'ingest.beacon');
    const stored = await node.ctx.database.db.select({ encoded: beaconReports.encoded }).from(beaconReports);
    const storedHex = new Set(stored.map((r) => Buffer.from(r.encoded).toString('hex')));
    for (const m of sent) {
      expect(storedHex.has(m.hex!)).toBe(true);
      expect(decodeBeaconReport(new Uint8Array(Buffer.from(m.hex!, 'hex'))).ok).toBe(true);
    }
  });

  it('sets up the device makers and their devices join through the router', () => {
    expect(summary.setup?.orgs?.ok).toBe(true);
    // Each organisation had the router test its route against the simulated network server first.
    expect(summary.setup?.orgs?.routesTested).toBe(2);
    // Each signs its webhooks, and its network server checked every signed message: none failed.
    expect(summary.setup?.orgs?.webhooksSigned).toBe(2);
    const lns = (simulation.target as LiveTarget).lnsStats;
    expect(lns.signed).toBeGreaterThanOrEqual(2);
    expect(lns.rejected.bad_signature).toBeUndefined();
    expect(summary.counters['gwmp.pull_ack.received']).toBeGreaterThan(0);
    expect(summary.counters['gwmp.push_ack.received']).toBeGreaterThan(0);
    expect(summary.devices.joinRequests).toBeGreaterThan(0);
    // Join-accepts went network server -> router -> PULL_RESP -> hotspot -> air -> device.
    expect(summary.devices.joined).toBeGreaterThan(0);
    expect(summary.counters['gwmp.tx_ack.sent']).toBeGreaterThan(0);
  });
});
