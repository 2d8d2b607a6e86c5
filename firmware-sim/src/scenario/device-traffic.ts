/**
 * LoRaWAN device traffic over the simulated air. Devices join (retrying with back-off and a fresh
 * DevNonce), then send uplinks on a random channel of the region's plan at the fastest data rate
 * their best hotspot still hears with a 10 dB margin (what ADR would settle on). Every hotspot
 * whose radio demodulates a frame forwards it over GWMP. Downlinks come back through a hotspot's
 * PULL_RESP; a device hears one only in its RX1 or RX2 window, on the right frequency and data
 * rate, and above its sensitivity.
 */
import type { Txpk } from '@cov/shared/gwmp/types';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import { receiverSensitivityDbm } from '@cov/shared/rf/receiver';
import { parseLoRaDataRateName, type LoRaDataRate, type SpreadingFactor } from '@cov/shared/regions/region-plan';
import { EndDevice } from '../device/end-device';
import { JOIN_ACCEPT_DELAY1_MS, RECEIVE_DELAY1_MS, rx1Window, rx2Window, windowCatches, type ReceiveWindow } from '../device/rx-windows';
import { concentratorTmst, gatewayTime } from '../hotspot/hotspot-time';
import type { HotspotAgent } from '../hotspot/hotspot-agent';
import type { SeededRandom } from '../random/seeded-random';
import { frameAirtimeMs } from '../radio/airtime';
import { deviceRadio } from '../radio/endpoints';
import type { Receiver } from '../radio/radio-channel';
import type { SimDevice } from '../world/devices';
import type { SimContext } from './sim-context';

/** Margin over sensitivity a device wants on its best link before it speeds up. */
const DATA_RATE_MARGIN_DB = 10;
const FIRST_JOIN_SPREAD_MS = 120_000;
const JOIN_RETRY_BASE_MS = 30_000;
const JOIN_RETRY_MAX_MS = 3_600_000;

interface Listening {
  rx1: ReceiveWindow;
  rx2: ReceiveWindow;
  closesAtMs: number;
}

export class DeviceAgent {
  readonly device: EndDevice;
  readonly radio: Receiver;
  readonly rng: SeededRandom;
  dataRate: LoRaDataRate;
  joinAttempts = 0;
  listening: Listening | null = null;

  constructor(
    readonly spec: SimDevice,
    dataRate: LoRaDataRate,
    rng: SeededRandom,
  ) {
    this.rng = rng;
    this.dataRate = dataRate;
    this.device = new EndDevice({ devEui: spec.devEui, joinEui: spec.joinEui, appKey: spec.appKey }, rng.int(0, 0xffff));
    this.radio = deviceRadio(spec);
  }
}

/** Whether a downlink is visibly for this device (its DevAddr). */
function addressedTo(agent: DeviceAgent, phy: Uint8Array): boolean {
  const frame = parsePhyPayload(phy);
  if (!frame.ok) return false;
  // A join-accept is encrypted: nobody but its device can tell whom it is for, so it never counts as a miss.
  if (frame.value.kind === 'join_accept') return false;
  return frame.value.kind === 'data' && frame.value.devAddr === agent.device.session?.devAddr;
}

export class DeviceTraffic {
  readonly agents: DeviceAgent[];
  private readonly forwarders: Map<string, HotspotAgent>;
  private readonly listening = new Set<DeviceAgent>();
  private readonly uplinkRates: LoRaDataRate[];

  constructor(
    private readonly ctx: SimContext,
    devices: readonly SimDevice[],
    hotspotAgents: readonly HotspotAgent[],
  ) {
    this.forwarders = new Map(hotspotAgents.map((a) => [a.hotspot.id, a]));
    // Uplink data rates of the plan at 125 kHz, fastest first, up to the highest ADR would use.
    this.uplinkRates = ctx.regionPlan.dataRates
      .filter((dr): dr is LoRaDataRate => dr.modulation === 'lora' && dr.direction !== 'down' && dr.bandwidthHz === 125_000)
      .filter((dr) => ctx.regionPlan.uplinkChannels.some((c) => c.dataRateIndexes.includes(dr.index)))
      .sort((a, b) => b.index - a.index);
    this.agents = devices.map((d) => new DeviceAgent(d, this.chooseDataRate(d), ctx.rng.fork(`device-agent/${d.index}`)));
  }

  /** Hotspots within radio horizon of any device: the ones that need a packet forwarder running. */
  hotspotsNearDevices(): Set<string> {
    const near = new Set<string>();
    for (const a of this.agents) for (const r of this.ctx.channel.candidates(a.radio.position)) near.add(r.id);
    return near;
  }

  private chooseDataRate(device: SimDevice): LoRaDataRate {
    const radio = deviceRadio(device);
    let bestMarginOverSf7 = -Infinity;
    const sf7 = this.uplinkRates[0]!;
    for (const r of this.ctx.channel.candidates(device.position)) {
      const rx = this.ctx.channel.receive({ transmitter: radio, txPowerDbm: device.txPowerDbm, frequencyHz: this.ctx.regionPlan.uplinkChannels[0]!.frequencyHz, spreadingFactor: 7, bandwidthHz: 125_000 }, r, null);
      if (rx) bestMarginOverSf7 = Math.max(bestMarginOverSf7, rx.signalDbm - receiverSensitivityDbm(7, 125_000, r.noiseFigureDb));
    }
    for (const dr of this.uplinkRates) {
      const extra = receiverSensitivityDbm(7, 125_000) - receiverSensitivityDbm(dr.spreadingFactor, 125_000);
      if (bestMarginOverSf7 + extra >= DATA_RATE_MARGIN_DB) return dr;
    }
    return this.uplinkRates[this.uplinkRates.length - 1] ?? sf7;
  }

  start(): void {
    for (const agent of this.agents) {
      const atMs = this.ctx.startMs + agent.rng.int(0, this.ctx.settings.firstJoinSpreadMs ?? FIRST_JOIN_SPREAD_MS);
      this.ctx.schedule(atMs, 'device.join', () => this.join(agent, atMs));
    }
  }

  private join(agent: DeviceAgent, atMs: number): void {
    if (agent.device.joined || atMs > this.ctx.endMs) return;
    const request = agent.device.joinRequest();
    if (!request.ok) return;
    agent.joinAttempts++;
    this.ctx.stats.inc('devices.join_requests');
    this.transmit(agent, request.value.phyPayload, atMs, JOIN_ACCEPT_DELAY1_MS, 'join');
    const backoffMs = Math.min(JOIN_RETRY_MAX_MS, JOIN_RETRY_BASE_MS * 2 ** Math.min(agent.joinAttempts - 1, 8));
    const retryAtMs = atMs + backoffMs + agent.rng.int(0, 10_000);
    this.ctx.schedule(retryAtMs, 'device.join', () => this.join(agent, retryAtMs));
  }

  private uplink(agent: DeviceAgent, atMs: number): void {
    if (atMs > this.ctx.endMs) return;
    const next = atMs + Math.round(agent.spec.uplinkIntervalMs * agent.rng.uniform(0.8, 1.2));
    this.ctx.schedule(next, 'device.uplink', () => this.uplink(agent, next));
    const confirmed = agent.rng.chance(agent.spec.confirmedShare);
    const maxBytes = Math.min(agent.spec.payloadBytes, agent.dataRate.maxAppPayloadBytes);
    const up = agent.device.uplink({ payload: agent.rng.bytes(maxBytes), fPort: agent.spec.fPort, confirmed });
    if (!up.ok) return;
    this.ctx.stats.inc(confirmed ? 'devices.uplinks.confirmed' : 'devices.uplinks.unconfirmed');
    this.transmit(agent, up.value.phyPayload, atMs, agent.device.session!.rx1DelayS * 1000 || RECEIVE_DELAY1_MS, 'uplink');
  }

  /** One frame over the air: every hotspot that demodulates it forwards an rxpk. */
  private transmit(agent: DeviceAgent, phy: Uint8Array, atMs: number, rxDelayMs: number, kind: 'join' | 'uplink'): void {
    const { ctx } = this;
    const channels = ctx.regionPlan.uplinkChannels.filter((c) => c.dataRateIndexes.includes(agent.dataRate.index));
    const channel = agent.rng.pick(channels);
    const endMs = atMs + frameAirtimeMs(phy.length, agent.dataRate.name);
    const heard = ctx.channel.heardBy(
      { transmitter: agent.radio, txPowerDbm: agent.spec.txPowerDbm, frequencyHz: channel.frequencyHz, spreadingFactor: agent.dataRate.spreadingFactor as SpreadingFactor, bandwidthHz: 125_000 },
      agent.rng,
    );
    ctx.stats.inc(`devices.${kind}.copies_heard`, heard.length);
    if (heard.length === 0) ctx.stats.inc(`devices.${kind}.heard_by_nobody`);
    for (const { receiver, reception } of heard) {
      const hotspot = this.forwarders.get(receiver.id);
      const forwarder = hotspot?.forwarder;
      if (!hotspot || !forwarder) continue;
      forwarder.forward(
        {
          time: gatewayTime(hotspot.hotspot, endMs, 'rxpk'),
          tmst: concentratorTmst(hotspot.hotspot, endMs),
          freq: channel.frequencyHz / 1e6,
          chan: ctx.regionPlan.uplinkChannels.indexOf(channel),
          rfch: 0,
          stat: 1,
          modu: 'LORA',
          datr: agent.dataRate.name,
          codr: '4/5',
          rssi: reception.reportedRssiDbm,
          lsnr: reception.reportedSnrDb,
          size: phy.length,
          data: Buffer.from(phy).toString('base64'),
        },
        endMs,
      );
    }
    const region = ctx.world.region;
    agent.listening = {
      rx1: rx1Window({ region, uplinkEndMs: endMs, delayMs: rxDelayMs, uplinkChannelIndex: channel.index, uplinkFrequencyHz: channel.frequencyHz, uplinkDataRateIndex: agent.dataRate.index }),
      rx2: rx2Window({ region, uplinkEndMs: endMs, delayMs: rxDelayMs }),
      closesAtMs: endMs + rxDelayMs + 1_000 + 500,
    };
    this.listening.add(agent);
  }

  /** A hotspot transmitted a downlink: the listening devices in reach may hear it. */
  downlink(hotspot: HotspotAgent, txpk: Txpk, startMs: number): void {
    const { ctx } = this;
    ctx.stats.inc('downlinks.transmitted');
    const rate = typeof txpk.datr === 'string' ? parseLoRaDataRateName(txpk.datr) : null;
    if (!rate) return;
    const phy = new Uint8Array(Buffer.from(txpk.data, 'base64'));
    const frequencyHz = Math.round(txpk.freq * 1e6);
    let delivered = false;
    for (const agent of [...this.listening]) {
      const l = agent.listening;
      if (!l || startMs > l.closesAtMs) {
        this.listening.delete(agent);
        continue;
      }
      const verdicts = [windowCatches(l.rx1, startMs, frequencyHz, String(txpk.datr)), windowCatches(l.rx2, startMs, frequencyHz, String(txpk.datr))];
      if (!verdicts.includes('ok')) {
        // Only a frame meant for this device is a miss; other devices' downlinks just pass by.
        const miss = verdicts.find((v) => v !== 'wrong_time');
        if (miss && addressedTo(agent, phy)) ctx.stats.inc(`downlinks.missed.${miss}`);
        continue;
      }
      const reception = ctx.channel.receive(
        { transmitter: hotspot.radio, txPowerDbm: txpk.powe ?? 14, frequencyHz, spreadingFactor: rate.spreadingFactor, bandwidthHz: rate.bandwidthHz },
        agent.radio,
        agent.rng,
      );
      if (!reception?.heard) {
        ctx.stats.inc('downlinks.missed.too_weak');
        continue;
      }
      const outcome = agent.device.receive(phy);
      if (outcome.kind === 'ignored') continue;
      delivered = true;
      agent.listening = null;
      this.listening.delete(agent);
      if (outcome.kind === 'join_accepted') {
        ctx.stats.inc('devices.joined');
        const firstUplinkMs = startMs + agent.rng.int(5_000, 60_000);
        ctx.schedule(firstUplinkMs, 'device.uplink', () => this.uplink(agent, firstUplinkMs));
      } else {
        ctx.stats.inc(outcome.ack ? 'devices.downlinks.ack' : 'devices.downlinks.data');
        if (outcome.payload.length > 0) ctx.stats.inc('devices.downlinks.with_payload');
      }
    }
    if (!delivered) ctx.stats.inc('downlinks.not_received_by_any_device');
  }
}
