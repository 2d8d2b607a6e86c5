/**
 * Runs a world against a target: setup (a hotspot maker onboards every hotspot, owners sign their
 * location assertions, hotspots open ingest connections and packet forwarders, device makers get
 * organisations and routes), then simulated time: beacons and witnesses, device joins, uplinks and
 * downlinks, keepalives. Events run in simulated-time order; the clock decides how that maps to
 * real time.
 */
import { latLngToCell } from 'h3-js';
import { beaconRegionPlanFrom } from '@cov/shared/beacon/beacon';
import { toBase64 } from '@cov/shared/helium/bytes';
import { bytesToHex } from '@cov/shared/lorawan/bytes';
import { sign } from '@cov/shared/helium/keys';
import { locationAssertionBytes } from '@cov/shared/registry/location-assertion';
import { getRegionPlan } from '@cov/shared/regions/region-plan';
import { HotspotAgent } from '../hotspot/hotspot-agent';
import { PacketForwarder } from '../hotspot/packet-forwarder';
import { DeviceMakerLns } from '../lns/device-maker-lns';
import { SeededRandom } from '../random/seeded-random';
import { hotspotRadio } from '../radio/endpoints';
import { RadioChannel } from '../radio/radio-channel';
import type { SimDevice } from '../world/devices';
import type { SimWorld } from '../world/world';
import { DeviceTraffic } from './device-traffic';
import { EventQueue } from './event-queue';
import { PocTraffic } from './poc-traffic';
import type { Recorder } from './recorder';
import type { SimClock } from './sim-clock';
import type { SimContext, TrafficSettings } from './sim-context';
import { SimStats } from './sim-stats';
import type { OrgSetup, RegisteredHotspot, SimTarget } from './target';

export interface SimulationOptions extends TrafficSettings {
  durationMs: number;
  makerName: string;
  /** Parallel registry calls and session opens during setup. */
  setupConcurrency: number;
}

export type SimProgress =
  | { phase: 'setup'; step: string; done: number; total: number }
  | { phase: 'run'; simNowMs: number; startMs: number; endMs: number; stats: SimStats };

export interface SetupReport {
  makerCreated: boolean;
  onboarded: number;
  alreadyOnboarded: number;
  onboardFailed: Record<string, number>;
  locationsAsserted: number;
  /** Hotspots a backend already held where the world puts them (a restart): nothing asserted again. */
  locationsUnchanged: number;
  assertFailed: Record<string, number>;
  ingestOpened: number;
  ingestFailed: number;
  forwarders: number;
  orgs: OrgSetup | null;
}

export class Simulation {
  readonly stats = new SimStats();
  private readonly queue = new EventQueue();
  private readonly pending = new Set<Promise<void>>();
  readonly ctx: SimContext;
  readonly hotspotAgents: HotspotAgent[];
  private readonly poc: PocTraffic;
  private readonly devices: DeviceTraffic;
  setupReport: SetupReport | null = null;
  private startRealMs = 0;
  realElapsedMs = 0;

  constructor(
    readonly world: SimWorld,
    readonly target: SimTarget,
    readonly clock: SimClock,
    private readonly recorder: Recorder,
    readonly options: SimulationOptions,
    private readonly onProgress: (p: SimProgress) => void = () => {},
  ) {
    const rng = new SeededRandom(world.seed, 'run');
    const regionPlan = getRegionPlan(world.region);
    const startMs = clock.nowMs();
    this.ctx = {
      world,
      clock,
      schedule: (atMs, label, run) => this.queue.push(atMs, label, run),
      record: (m) => recorder.record(m),
      stats: this.stats,
      channel: new RadioChannel(
        world.seed,
        world.hotspots.map(hotspotRadio),
      ),
      regionPlan,
      beaconPlan: beaconRegionPlanFrom(regionPlan),
      rng,
      settings: options,
      startMs,
      endMs: startMs + options.durationMs,
    };
    this.hotspotAgents = world.hotspots.map((h) => new HotspotAgent(h, this.ctx));
    this.poc = new PocTraffic(this.ctx, this.hotspotAgents);
    this.devices = new DeviceTraffic(this.ctx, world.devices, this.hotspotAgents);
    target.attach?.({ nowMs: () => clock.nowMs(), schedule: this.ctx.schedule, region: world.region });
  }

  get startMs(): number {
    return this.ctx.startMs;
  }

  get endMs(): number {
    return this.ctx.endMs;
  }

  async setup(): Promise<SetupReport> {
    const { world, target } = this;
    const report: SetupReport = {
      makerCreated: false,
      onboarded: 0,
      alreadyOnboarded: 0,
      onboardFailed: {},
      locationsAsserted: 0,
      locationsUnchanged: 0,
      assertFailed: {},
      ingestOpened: 0,
      ingestFailed: 0,
      forwarders: 0,
      orgs: null,
    };
    this.setupReport = report;
    // A backend that already holds the world (a restart on the same data) needs no new maker, and
    // hotspots still where the world puts them need no new location assertion in their history.
    const registered = new Map<string, RegisteredHotspot | null>();
    await this.forEachLimited(world.hotspots, 'looking up hotspots', async (h) => void registered.set(h.address, await target.registry.registeredHotspot(h.address)));
    let apiKey: string | null = null;
    if (world.hotspots.some((h) => !registered.get(h.address))) {
      // Unique per run start, so runs against one backend never collide on the maker name.
      const makerBody = { name: `${this.options.makerName} @ ${new Date(this.ctx.startMs).toISOString()}` };
      this.ctx.record({ kind: 'registry.create_maker', simTimeMs: this.clock.nowMs(), hotspot: null, body: makerBody });
      const maker = await target.registry.createMaker(makerBody.name);
      if (!maker.ok || !maker.apiKey) throw new Error(`could not create the hotspot maker: ${maker.status} ${maker.code ?? ''} ${maker.message ?? ''}`);
      report.makerCreated = true;
      apiKey = maker.apiKey;
    }
    const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

    await this.forEachLimited(world.hotspots, 'onboarding hotspots', async (h) => {
      const known = registered.get(h.address) ?? null;
      if (known) report.alreadyOnboarded++;
      else {
        const body = { address: h.address, ownerAddress: world.owners[h.owner]!.address, capability: h.capability, gatewayEui: h.gatewayEui };
        this.ctx.record({ kind: 'registry.onboard_hotspot', simTimeMs: this.clock.nowMs(), hotspot: h.address, body });
        const onboarded = await target.registry.onboardHotspot(apiKey!, body);
        if (onboarded.ok) report.onboarded++;
        else if (onboarded.code === 'hotspots.already_onboarded') report.alreadyOnboarded++;
        else return void bump(report.onboardFailed, onboarded.code ?? String(onboarded.status));
      }
      if (known?.location && isSameLocation(known.location, h.asserted)) return void report.locationsUnchanged++;
      const owner = world.owners[h.owner]!;
      // The nonce must beat the last accepted one: simulated time in ms only grows, even across runs.
      const nowMs = this.clock.nowMs();
      const fields = { hotspot: h.address, owner: owner.address, ...h.asserted, nonce: nowMs, timestampMs: nowMs };
      const body2 = { owner: owner.address, ...h.asserted, nonce: nowMs, timestampMs: nowMs, signature: toBase64(sign(locationAssertionBytes(fields), owner.keypair.secretKey)) };
      this.ctx.record({ kind: 'registry.assert_location', simTimeMs: nowMs, hotspot: h.address, body: body2 });
      const asserted = await target.registry.assertLocation(h.address, body2);
      if (asserted.ok) report.locationsAsserted++;
      else bump(report.assertFailed, asserted.code ?? String(asserted.status));
    });

    const full = this.hotspotAgents.filter((a) => a.hotspot.capability === 'full');
    await this.forEachLimited(full, 'opening ingest connections', async (agent) => {
      const opened = await agent.openIngest(target.ingest(agent.hotspot, (nonce) => agent.buildInit(nonce)));
      if (opened) report.ingestOpened++;
      else report.ingestFailed++;
    });

    const near = this.devices.hotspotsNearDevices();
    const forwarding = this.hotspotAgents.filter((a) => near.has(a.hotspot.id));
    await this.forEachLimited(forwarding, 'starting packet forwarders', async (agent) => {
      const socket = await target.gwmpSocket(agent.hotspot);
      agent.forwarder = new PacketForwarder(
        agent.hotspot,
        socket,
        {
          nowMs: () => this.clock.nowMs(),
          schedule: this.ctx.schedule,
          record: this.ctx.record,
          stats: this.stats,
          transmit: (_h, txpk, startMs) => this.devices.downlink(agent, txpk, startMs),
        },
        this.ctx.rng.fork(`forwarder/${agent.hotspot.index}`),
        { keepaliveMs: this.options.gwmpKeepaliveMs, statIntervalMs: this.options.gwmpStatIntervalMs },
      );
      report.forwarders++;
    });

    if (world.devices.length > 0) {
      this.onProgress({ phase: 'setup', step: 'device makers: organisations and routes', done: 0, total: 1 });
      const devicesByOrg: SimDevice[][] = Array.from({ length: world.orgCount }, () => []);
      for (const d of world.devices) devicesByOrg[d.org]?.push(d);
      const endpoint = await target.lnsEndpoint();
      const orgs = await target.deviceMaker.provision(world, devicesByOrg, endpoint, (kind, body) =>
        this.ctx.record({ kind, simTimeMs: this.clock.nowMs(), hotspot: null, body }),
      );
      report.orgs = orgs;
      if (orgs.ok) {
        const rx2 = this.ctx.regionPlan.rx2.dataRateIndex;
        const lns = new DeviceMakerLns(devicesByOrg, orgs, { rx1DelayS: 1, rx2DataRate: rx2, appDownlinkShare: this.options.appDownlinkShare }, this.ctx.rng.fork('lns'));
        // The network server's answers to the router are messages the simulator sends too.
        target.setLnsHandler({
          handle: (phy) => {
            const answer = lns.handle(phy);
            this.stats.inc(`lns.${answer.kind}`);
            const downlink = answer.kind === 'join_accept' ? answer.phyPayload : answer.kind === 'uplink' ? answer.downlink : null;
            this.ctx.record({ kind: 'lns.answer', simTimeMs: this.clock.nowMs(), hotspot: null, body: { kind: answer.kind, ...(answer.kind === 'rejected' ? { reason: answer.reason } : { devEui: answer.devEui }) }, ...(downlink ? { hex: bytesToHex(downlink) } : {}) });
            return answer;
          },
        });
      }
      this.onProgress({ phase: 'setup', step: 'device makers: organisations and routes', done: 1, total: 1 });
    }
    return report;
  }

  private async forEachLimited<T>(items: readonly T[], step: string, fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let done = 0;
    this.onProgress({ phase: 'setup', step, done, total: items.length });
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await fn(item);
        done++;
        this.onProgress({ phase: 'setup', step, done, total: items.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.setupConcurrency, items.length) }, worker));
  }

  /**
   * Runs simulated time from now to the end, or until `signal` aborts; resolves once every message
   * sent has its answer.
   */
  async run(signal?: AbortSignal): Promise<void> {
    this.startRealMs = performance.now();
    const { startMs, endMs } = this.ctx;
    this.poc.scheduleBeacons();
    if (this.setupReport?.orgs?.ok) this.devices.start();
    else if (this.world.devices.length > 0) this.stats.inc('devices.idle_no_org_setup', this.world.devices.length);
    for (const agent of this.hotspotAgents) agent.forwarder?.start(startMs + agent.rng.lag.int(0, 5_000), endMs);

    let lastProgressReal = 0;
    const aborted = signal ? new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }))) : null;
    for (let event = this.queue.pop(); event && event.atMs <= endMs && !signal?.aborted; event = this.queue.pop()) {
      // Virtual time: let everything the previous moment set off settle before time moves on, so
      // a dry run does not depend on how fast this machine is.
      if (this.clock.virtual && event.atMs > this.clock.nowMs()) await new Promise((r) => setImmediate(r));
      await (aborted ? Promise.race([this.clock.sleepUntil(event.atMs), aborted]) : this.clock.sleepUntil(event.atMs));
      if (signal?.aborted) break;
      try {
        const result = event.run();
        if (result instanceof Promise) this.track(result);
      } catch (e) {
        this.stats.inc(`errors.${event.label}`);
        if (this.stats.get(`errors.${event.label}`) === 1) process.stderr.write(`simulator: ${event.label} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      }
      const realNow = performance.now();
      if (realNow - lastProgressReal > 200) {
        lastProgressReal = realNow;
        this.onProgress({ phase: 'run', simNowMs: event.atMs, startMs, endMs, stats: this.stats });
      }
    }
    if (!signal?.aborted) await this.clock.sleepUntil(endMs);
    await this.drain();
    this.onProgress({ phase: 'run', simNowMs: endMs, startMs, endMs, stats: this.stats });
    this.realElapsedMs = performance.now() - this.startRealMs;
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((e: unknown) => {
      this.stats.inc('errors.async');
      if (this.stats.get('errors.async') === 1) process.stderr.write(`simulator: ${e instanceof Error ? e.message : String(e)}\n`);
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled(this.hotspotAgents.map((a) => a.close()));
    await this.target.close();
    await this.recorder.close();
  }
}

/** The backend's asserted location is the one the world asserts (same res-12 cell, gain and elevation). */
export function isSameLocation(held: NonNullable<RegisteredHotspot['location']>, asserted: { lat: number; lng: number; gainDbiX10: number; elevationM: number }): boolean {
  return held.cell === latLngToCell(asserted.lat, asserted.lng, 12) && held.gainDbiX10 === asserted.gainDbiX10 && held.elevationM === asserted.elevationM;
}
