/**
 * A running backend, reached over its real protocols: the registry REST API (maker created with the
 * admin key, hotspots onboarded with the maker key, owner-signed location assertions), ingest over
 * WebSocket sessions or HTTP batches, entropy from GET /v1/entropy/latest or session pushes, one
 * GWMP UDP socket per packet forwarder toward the router, and an HTTP endpoint where the device
 * makers' network servers answer the router.
 */
import dgram from 'node:dgram';
import { EntropyFeed, HttpIngest, WebSocketIngest, type InitBuilder } from '../hotspot/ingest-clients';
import type { LnsHandler } from '../lns/device-maker-lns';
import { LnsHttpServer, type LnsServerStats } from '../lns/lns-http-server';
import type { SimHotspot } from '../world/world';
import { randomBytes } from 'node:crypto';
import { callJson } from './call-json';
import { HttpDeviceMaker } from './http-device-maker';
import type { DatagramSocket, DeviceMakerPort, IngestConnection, LnsEndpoint, RegistryPort, SimTarget } from './target';

export interface LiveTargetOptions {
  /** e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  adminApiKey: string;
  gwmpHost: string;
  gwmpPort: number;
  /** Address the device makers' network server listens on, as the router will reach it. */
  lnsHost: string;
  /** Simulated now, for the entropy cache. */
  nowMs: () => number;
  /** How old a cached entropy value may get before HTTP hotspots fetch again (simulated ms). */
  entropyRefreshMs: number;
  /** File where the device makers remember their organisations across runs (http-device-maker.ts); none: new ones every run. */
  deviceMakerStatePath?: string | null;
  /** Where the device makers say what they did with their remembered organisations. */
  note?: (message: string) => void;
}

class UdpSocket implements DatagramSocket {
  private constructor(private readonly socket: dgram.Socket) {}

  static async connect(host: string, port: number): Promise<UdpSocket> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // An ICMP "port unreachable" (router not up yet) surfaces as an error event: count, do not crash.
    socket.on('error', () => {});
    return new UdpSocket(socket);
  }

  send(datagram: Uint8Array): void {
    this.socket.send(datagram, (e) => void e);
  }

  onMessage(handler: (d: Uint8Array) => void): void {
    this.socket.on('message', (msg) => handler(new Uint8Array(msg)));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export class LiveTarget implements SimTarget {
  readonly name = 'live';
  private readonly entropyFeed: EntropyFeed;
  private readonly lns: LnsHttpServer;
  readonly deviceMaker: DeviceMakerPort;

  constructor(private readonly options: LiveTargetOptions) {
    this.entropyFeed = new EntropyFeed(options.baseUrl, options.nowMs, options.entropyRefreshMs);
    // A per-run secret the router presents on every webhook call, as a real LNS would require.
    const authHeader = `Bearer lns_${randomBytes(18).toString('base64url')}`;
    this.lns = new LnsHttpServer(options.lnsHost, authHeader, options.nowMs);
    this.deviceMaker = new HttpDeviceMaker(
      options.baseUrl,
      options.adminApiKey,
      authHeader,
      () => new Date(options.nowMs()).toISOString(),
      options.deviceMakerStatePath ?? null,
      options.note,
      (routeId, secret) => this.lns.trustSignatures(routeId, secret),
    );
  }

  /** What the simulated network server was sent: packets, tests, signatures checked, refusals. */
  get lnsStats(): LnsServerStats {
    return this.lns.stats;
  }

  get description(): string {
    return `${this.options.baseUrl} (GWMP ${this.options.gwmpHost}:${this.options.gwmpPort})`;
  }

  readonly registry: RegistryPort = {
    registeredHotspot: async (address) => {
      // The admin key: a large simulated fleet's lookups must not run into the public rate limit.
      const r = await callJson(`${this.options.baseUrl}/v1/hotspots/${encodeURIComponent(address)}`, { method: 'GET', apiKey: this.options.adminApiKey });
      if (!r.ok) return null;
      const location = (r.body as { location?: { cell: string; gainDbiX10: number; elevationM: number } | null } | null)?.location ?? null;
      return { location: location && { cell: location.cell, gainDbiX10: location.gainDbiX10, elevationM: location.elevationM } };
    },
    createMaker: async (name) => {
      const r = await callJson(`${this.options.baseUrl}/v1/admin/makers`, { method: 'POST', body: { name }, apiKey: this.options.adminApiKey });
      const apiKey = (r.body as { apiKey?: string } | null)?.apiKey;
      return apiKey ? { ...r, apiKey } : r;
    },
    onboardHotspot: (makerApiKey, body) => callJson(`${this.options.baseUrl}/v1/hotspots`, { method: 'POST', body, apiKey: makerApiKey }),
    assertLocation: (address, body) => callJson(`${this.options.baseUrl}/v1/hotspots/${encodeURIComponent(address)}/location`, { method: 'POST', body }),
  };

  ingest(hotspot: SimHotspot, buildInit: InitBuilder): IngestConnection {
    if (hotspot.transport === 'ws') return new WebSocketIngest(`${this.options.baseUrl.replace(/^http/, 'ws')}/v1/ingest/session`, buildInit);
    return new HttpIngest(this.options.baseUrl, this.entropyFeed);
  }

  gwmpSocket(): Promise<DatagramSocket> {
    return UdpSocket.connect(this.options.gwmpHost, this.options.gwmpPort);
  }

  lnsEndpoint(): Promise<LnsEndpoint | null> {
    return this.lns.start();
  }

  setLnsHandler(handler: LnsHandler): void {
    this.lns.handler = handler;
  }

  async close(): Promise<void> {
    await this.lns.stop();
  }
}
