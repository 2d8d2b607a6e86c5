/**
 * A stand-in backend inside the simulator process, for runs with `--target dry`: the registry
 * accepts everything, ingest acknowledges every report, entropy is derived from the seed each
 * interval, and a minimal router answers GWMP (acks, one copy per uplink after a dedup window,
 * downlinks from the device makers' network servers into RX1). It checks nothing: it exists so a
 * world and its traffic can be generated, recorded and unit-tested without a database.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeGwmpPacket, parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { Rxpk } from '@cov/shared/gwmp/types';
import { bytesToHex } from '@cov/shared/lorawan/bytes';
import { channelIndexForFrequency, findDataRateByName, parseLoRaDataRateName, type RegionId } from '@cov/shared/regions/region-plan';
import type { EntropyReport } from '@cov/shared/helium/reports';
import { toBase64 } from '@cov/shared/helium/bytes';
import type { InitBuilder } from '../hotspot/ingest-clients';
import { rx1Window } from '../device/rx-windows';
import type { LnsHandler } from '../lns/device-maker-lns';
import type { SimHotspot, SimWorld } from '../world/world';
import type { CallResult, DatagramSocket, DeviceMakerPort, IngestConnection, LnsEndpoint, OrgSetup, RegistryPort, ReportAck, SimTarget } from './target';

export interface DryAttachment {
  nowMs(): number;
  schedule(atMs: number, label: string, run: () => void): void;
  lns: LnsHandler | null;
  region: RegionId;
}

const DEDUP_WINDOW_MS = 200;
/** Helium's free NetID (type 6, 1 024 addresses): DevAddr blocks of 64 per organisation. */
const DRY_NET_ID = 'c00053';
const DRY_DEVADDR_START = 0xfc014c00;
const BLOCK_SIZE = 64;

class DryRouter {
  private readonly sockets = new Map<string, DrySocket>();
  private readonly windows = new Map<string, { rxpk: Rxpk; eui: string }[]>();
  attachment: DryAttachment | null = null;

  register(eui: string, socket: DrySocket): void {
    this.sockets.set(eui, socket);
  }

  receive(eui: string, datagram: Uint8Array, reply: (d: Uint8Array) => void): void {
    const parsed = parseGwmpPacket(datagram);
    if (!parsed.ok) return;
    const packet = parsed.value;
    const ack = packet.type === 'PUSH_DATA' ? { type: 'PUSH_ACK' as const, token: packet.token } : packet.type === 'PULL_DATA' ? { type: 'PULL_ACK' as const, token: packet.token } : null;
    if (ack) {
      const encoded = encodeGwmpPacket(ack);
      if (encoded.ok) this.later(() => reply(encoded.value));
    }
    if (packet.type !== 'PUSH_DATA') return;
    for (const rxpk of packet.rxpk) this.collect(eui, rxpk);
  }

  private collect(eui: string, rxpk: Rxpk): void {
    const a = this.attachment;
    if (!a) return;
    const copies = this.windows.get(rxpk.data);
    if (copies) {
      copies.push({ rxpk, eui });
      return;
    }
    this.windows.set(rxpk.data, [{ rxpk, eui }]);
    a.schedule(a.nowMs() + DEDUP_WINDOW_MS, 'dry-router.dedup', () => this.route(rxpk.data));
  }

  private route(data: string): void {
    const copies = this.windows.get(data) ?? [];
    this.windows.delete(data);
    const a = this.attachment;
    const best = copies.reduce<(typeof copies)[number] | undefined>((b, c) => (!b || (c.rxpk.rssi ?? -999) > (b.rxpk.rssi ?? -999) ? c : b), undefined);
    if (!a?.lns || !best) return;
    const answer = a.lns.handle(new Uint8Array(Buffer.from(data, 'base64')));
    const downlink = answer.kind === 'join_accept' ? answer.phyPayload : answer.kind === 'uplink' ? answer.downlink : null;
    if (!downlink || answer.kind === 'rejected') return;
    const datr = String(best.rxpk.datr);
    const upDr = findDataRateByName(a.region, datr);
    const freqHz = Math.round(best.rxpk.freq * 1e6);
    const channel = channelIndexForFrequency(a.region, freqHz, { dataRate: datr });
    const rate = parseLoRaDataRateName(datr);
    if (!upDr || channel === null || !rate) return;
    const window = rx1Window({ region: a.region, uplinkEndMs: 0, delayMs: answer.delayS * 1000, uplinkChannelIndex: channel, uplinkFrequencyHz: freqHz, uplinkDataRateIndex: upDr.index });
    const token = (best.rxpk.tmst ^ 0x5a5a) & 0xffff;
    const pullResp = encodeGwmpPacket({
      type: 'PULL_RESP',
      token,
      txpk: {
        imme: false,
        tmst: (best.rxpk.tmst + answer.delayS * 1_000_000) % 2 ** 32,
        freq: window.frequencyHz / 1e6,
        rfch: 0,
        powe: a.region === 'EU868' ? 14 : 27,
        modu: 'LORA',
        datr: window.dataRate,
        codr: '4/5',
        ipol: true,
        size: downlink.length,
        data: Buffer.from(downlink).toString('base64'),
      },
    });
    const socket = this.sockets.get(best.eui);
    if (pullResp.ok && socket) this.later(() => socket.deliver(pullResp.value));
  }

  /** Answers go through the event queue at the current simulated time, so dry runs stay reproducible. */
  private later(run: () => void): void {
    const a = this.attachment;
    if (a) a.schedule(a.nowMs(), 'dry-router.reply', run);
    else queueMicrotask(run);
  }
}

class DrySocket implements DatagramSocket {
  private handler: ((d: Uint8Array) => void) | undefined;
  constructor(
    private readonly eui: string,
    private readonly router: DryRouter,
  ) {
    router.register(eui, this);
  }
  send(datagram: Uint8Array): void {
    this.router.receive(this.eui, datagram, (d) => this.deliver(d));
  }
  onMessage(handler: (d: Uint8Array) => void): void {
    this.handler = handler;
  }
  deliver(d: Uint8Array): void {
    this.handler?.(d);
  }
  async close(): Promise<void> {}
}

class DryIngest implements IngestConnection {
  readonly isOpen = true;
  constructor(
    readonly transport: 'ws' | 'http',
    private readonly entropy: () => EntropyReport,
    private readonly nowMs: () => number,
    private readonly buildInit: InitBuilder,
  ) {}
  async open(): Promise<CallResult> {
    // Sign an init as a session would, so a dry record shows the same handshake a live one does.
    if (this.transport === 'ws') this.buildInit(toBase64(sha256(new TextEncoder().encode(`dry-nonce|${this.nowMs()}`))), this.nowMs());
    return { ok: true, status: 200 };
  }
  async send(_kind: 'beacon' | 'witness', encoded: Uint8Array): Promise<ReportAck> {
    return { accepted: true, id: bytesToHex(sha256(new Uint8Array([...encoded, ...new TextEncoder().encode(String(this.nowMs()))]))) };
  }
  async latestEntropy(): Promise<EntropyReport | null> {
    return this.entropy();
  }
  async close(): Promise<void> {}
}

export class DryTarget implements SimTarget {
  readonly name = 'dry';
  readonly description = 'dry run (in-process stand-in backend; nothing is verified)';
  private readonly router = new DryRouter();

  constructor(
    private readonly seed: string,
    private readonly entropyIntervalMs: number,
  ) {}

  attach(attachment: Omit<DryAttachment, 'lns'>): void {
    this.router.attachment = { ...attachment, lns: this.router.attachment?.lns ?? null };
  }

  async lnsEndpoint(): Promise<LnsEndpoint | null> {
    return null;
  }

  setLnsHandler(handler: LnsHandler): void {
    if (this.router.attachment) this.router.attachment.lns = handler;
  }

  /** Deterministic "oracle" entropy: one value per interval, derived from the seed. */
  private entropyAt(nowMs: number): EntropyReport {
    const timestampSec = Math.floor(nowMs / this.entropyIntervalMs) * (this.entropyIntervalMs / 1000);
    return { data: sha256(new TextEncoder().encode(`cov-sim-dry-entropy|${this.seed}|${timestampSec}`)), timestampSec: Math.floor(timestampSec), version: 1 };
  }

  readonly registry: RegistryPort = {
    registeredHotspot: async () => null,
    createMaker: async () => ({ ok: true, status: 201, apiKey: 'mk_dry' }),
    onboardHotspot: async () => ({ ok: true, status: 201 }),
    assertLocation: async () => ({ ok: true, status: 200 }),
  };

  readonly deviceMaker: DeviceMakerPort = {
    provision: async (_world: SimWorld, devicesByOrg, _lns, record): Promise<OrgSetup> => {
      record('orgs.create', { organisations: devicesByOrg.length });
      return {
      ok: true,
      netId: DRY_NET_ID,
      devAddrBlocks: devicesByOrg.map((_, org) => ({ start: DRY_DEVADDR_START + org * BLOCK_SIZE, end: DRY_DEVADDR_START + (org + 1) * BLOCK_SIZE - 1 })),
      orgIds: devicesByOrg.map((_, org) => `dry-org-${org}`),
      };
    },
  };

  ingest(hotspot: SimHotspot, buildInit: InitBuilder): IngestConnection {
    const now = () => this.router.attachment?.nowMs() ?? 0;
    return new DryIngest(hotspot.transport, () => this.entropyAt(now()), now, buildInit);
  }

  async gwmpSocket(hotspot: SimHotspot): Promise<DatagramSocket> {
    return new DrySocket(hotspot.gatewayEui.toLowerCase(), this.router);
  }

  async close(): Promise<void> {}
}
