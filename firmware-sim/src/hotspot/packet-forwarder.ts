/**
 * A hotspot's Semtech packet forwarder, GWMP v2 over UDP, as lora_pkt_fwd behaves toward a network
 * server: PULL_DATA at start and every keepalive so the router knows where to send downlinks,
 * PUSH_DATA with one rxpk per received LoRaWAN frame (and a periodic stat object), counting
 * PUSH_ACK/PULL_ACK for its `ackr`; a PULL_RESP is checked against the concentrator counter
 * (TOO_LATE / TOO_EARLY), its power clamped to what the radio can do (a TX_POWER warning), answered
 * with a TX_ACK echoing its token, and transmitted at the requested counter value.
 */
import { encodeGwmpPacket, parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { GatewayStat, GwmpPacket, Rxpk, Txpk, TxpkAck } from '@cov/shared/gwmp/types';
import { bytesToHex } from '@cov/shared/lorawan/bytes';
import type { SeededRandom } from '../random/seeded-random';
import { sampleLagMs } from '../radio/backhaul';
import type { RecordedMessage } from '../scenario/recorder';
import type { SimStats } from '../scenario/sim-stats';
import type { DatagramSocket } from '../scenario/target';
import type { SimHotspot } from '../world/world';
import { concentratorTmst, gatewayTime } from './hotspot-time';

export interface ForwarderContext {
  nowMs(): number;
  schedule(atMs: number, label: string, run: () => void | Promise<void>): void;
  record(message: RecordedMessage): void;
  stats: SimStats;
  /** The radio sends `txpk` starting at `startMs` (simulated). */
  transmit(hotspot: SimHotspot, txpk: Txpk, startMs: number): void;
}

export interface ForwarderSettings {
  keepaliveMs: number;
  statIntervalMs: number;
}

/** lora_pkt_fwd refuses downlinks scheduled further ahead than its just-in-time queue holds. */
const MAX_TX_ADVANCE_US = 300_000_000;
/** Time the concentrator needs to start a transmission. */
const TX_START_DELAY_US = 1_500;

export class PacketForwarder {
  private nextToken: number;
  private readonly pending = new Map<number, 'push' | 'pull'>();
  private counters = { rxnb: 0, rxok: 0, rxfw: 0, dwnb: 0, txnb: 0, upSent: 0, upAcked: 0 };
  private closed = false;

  constructor(
    readonly hotspot: SimHotspot,
    private readonly socket: DatagramSocket,
    private readonly ctx: ForwarderContext,
    private readonly rng: SeededRandom,
    private readonly settings: ForwarderSettings,
  ) {
    this.nextToken = rng.int(0, 0xffff);
    socket.onMessage((d) => this.onDatagram(d));
  }

  private get eui(): string {
    return this.hotspot.gatewayEui.toLowerCase();
  }

  private token(): number {
    this.nextToken = (this.nextToken + 1) & 0xffff;
    return this.nextToken;
  }

  /** Starts the keepalive and stat loops at `atMs`, stopping at `untilMs`. */
  start(atMs: number, untilMs: number): void {
    const keepalive = (t: number) => {
      if (this.closed || t > untilMs) return;
      this.send({ type: 'PULL_DATA', token: this.token(), gatewayEui: this.eui }, 'gwmp.pull_data');
      this.ctx.schedule(t + this.settings.keepaliveMs, 'gwmp.keepalive', () => keepalive(t + this.settings.keepaliveMs));
    };
    const stat = (t: number) => {
      if (this.closed || t > untilMs) return;
      this.send({ type: 'PUSH_DATA', token: this.token(), gatewayEui: this.eui, rxpk: [], stat: this.stat(t) }, 'gwmp.push_data');
      this.ctx.schedule(t + this.settings.statIntervalMs, 'gwmp.stat', () => stat(t + this.settings.statIntervalMs));
    };
    this.ctx.schedule(atMs, 'gwmp.keepalive', () => keepalive(atMs));
    this.ctx.schedule(atMs + this.rng.int(0, this.settings.statIntervalMs), 'gwmp.stat', () => stat(this.ctx.nowMs()));
  }

  /** A LoRaWAN frame the radio received; it reaches the router after this hotspot's backhaul lag. */
  forward(rxpk: Rxpk, receivedAtMs: number): void {
    this.counters.rxnb++;
    this.counters.rxok++;
    const lagMs = sampleLagMs(this.hotspot.hardware.backhaul, this.rng);
    this.ctx.schedule(receivedAtMs + lagMs, 'gwmp.push_data', () => {
      this.counters.rxfw++;
      this.ctx.stats.inc('gwmp.push_data.rxpk');
      this.send({ type: 'PUSH_DATA', token: this.token(), gatewayEui: this.eui, rxpk: [rxpk], stat: null }, 'gwmp.push_data');
    });
  }

  private stat(atMs: number): GatewayStat {
    const ackr = this.counters.upSent === 0 ? 0 : Math.round((1000 * this.counters.upAcked) / this.counters.upSent) / 10;
    const { rxnb, rxok, rxfw, dwnb, txnb } = this.counters;
    return { time: gatewayTime(this.hotspot, atMs, 'stat'), rxnb, rxok, rxfw, ackr, dwnb, txnb };
  }

  private send(packet: GwmpPacket, kind: string): void {
    if (this.closed) return;
    const encoded = encodeGwmpPacket(packet);
    if (!encoded.ok) {
      this.ctx.stats.inc('gwmp.encode_failed');
      return;
    }
    if (packet.type === 'PUSH_DATA' || packet.type === 'PULL_DATA') {
      this.pending.set(packet.token, packet.type === 'PUSH_DATA' ? 'push' : 'pull');
      if (packet.type === 'PUSH_DATA') this.counters.upSent++;
    }
    this.ctx.record({ kind, simTimeMs: this.ctx.nowMs(), hotspot: this.hotspot.address, hex: bytesToHex(encoded.value) });
    this.ctx.stats.inc(`${kind}.sent`);
    this.socket.send(encoded.value);
  }

  private onDatagram(datagram: Uint8Array): void {
    const parsed = parseGwmpPacket(datagram);
    if (!parsed.ok) {
      this.ctx.stats.inc('gwmp.malformed_received');
      return;
    }
    const packet = parsed.value;
    switch (packet.type) {
      case 'PUSH_ACK':
        if (this.pending.get(packet.token) === 'push') this.counters.upAcked++;
        this.pending.delete(packet.token);
        this.ctx.stats.inc('gwmp.push_ack.received');
        return;
      case 'PULL_ACK':
        this.pending.delete(packet.token);
        this.ctx.stats.inc('gwmp.pull_ack.received');
        return;
      case 'PULL_RESP':
        this.ctx.stats.inc('gwmp.pull_resp.received');
        this.counters.dwnb++;
        if (packet.txpk) this.onPullResp(packet.token, packet.txpk);
        return;
      default:
        this.ctx.stats.inc('gwmp.unexpected_received');
    }
  }

  private onPullResp(token: number, txpk: Txpk): void {
    const nowMs = this.ctx.nowMs();
    let ack: TxpkAck = { error: 'NONE' };
    let startMs = nowMs;
    if (!txpk.imme) {
      if (txpk.tmst === undefined) ack = { error: 'GPS_UNLOCKED' }; // only GPS-timed (`time`) requests lack tmst; we have no GPS
      else {
        const aheadUs = signedDifferenceUs(txpk.tmst, concentratorTmst(this.hotspot, nowMs));
        if (aheadUs < TX_START_DELAY_US) ack = { error: 'TOO_LATE' };
        else if (aheadUs > MAX_TX_ADVANCE_US) ack = { error: 'TOO_EARLY' };
        else startMs = nowMs + aheadUs / 1000;
      }
    }
    let powerDbm = txpk.powe ?? this.hotspot.hardware.maxTxPowerDbm;
    if (ack.error === 'NONE' && powerDbm > this.hotspot.hardware.maxTxPowerDbm) {
      powerDbm = this.hotspot.hardware.maxTxPowerDbm;
      ack = { warn: 'TX_POWER', value: powerDbm };
    }
    this.ctx.stats.inc(`gwmp.tx_ack.${ack.error ?? ack.warn ?? 'NONE'}`);
    this.send({ type: 'TX_ACK', token, gatewayEui: this.eui, txpkAck: ack }, 'gwmp.tx_ack');
    if (ack.error === undefined || ack.error === 'NONE') {
      this.counters.txnb++;
      const sent: Txpk = { ...txpk, powe: powerDbm };
      this.ctx.schedule(startMs, 'radio.downlink', () => this.ctx.transmit(this.hotspot, sent, startMs));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.socket.close();
  }
}

/** a − b for two wrapping u32 µs counters, as a signed number of µs. */
export function signedDifferenceUs(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return d >= 2 ** 31 ? d - 2 ** 32 : d;
}
