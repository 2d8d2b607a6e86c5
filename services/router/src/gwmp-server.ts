/**
 * The router's GWMP v2 UDP endpoint for hotspots' packet forwarders (reference §1.1-1.2):
 * PUSH_DATA -> PUSH_ACK and its rxpk handed to the uplink pipeline; PULL_DATA -> PULL_ACK and the
 * datagram's source address remembered as where that gateway's downlinks go; TX_ACK handed to the
 * downlink scheduler. Datagrams that are not v2, are truncated, carry bad JSON or come from a
 * gateway EUI no hotspot registered are dropped with a counter and a debug log: nothing a sender
 * puts in a datagram can throw out of here or stop the socket.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { GWMP_IDENTIFIERS, GWMP_VERSION, parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { GwmpMalformedReason } from '@cov/shared/gwmp/malformed';
import type { Rxpk, TxpkAck } from '@cov/shared/gwmp/types';
import type { Logger } from '@cov/shared/logger';
import type { GatewayDirectory } from './gateway-directory';
import type { RouterMetrics } from './router-metrics';
import type { HotspotInfo } from './uplink-copy';
import type { UdpAddress } from './downlinks/downlink-scheduler';
import { ipLiteralLookup } from './udp-lookup';
import { readUdpKernelDrops } from './udp-kernel-drops';

export interface GwmpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  metrics: RouterMetrics;
  directory: GatewayDirectory;
  onRxpk(rxpk: Rxpk, hotspot: HotspotInfo): void;
  onTxAck(gatewayEui: string, token: number, ack: TxpkAck | null): void;
}

/**
 * PUSH_ACK / PULL_ACK echoing a datagram's token: four bytes, written directly (one per datagram
 * received, so the generic encoder's validation and copies are not worth it here).
 */
export function ackDatagram(type: 'PUSH_ACK' | 'PULL_ACK', token: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out[0] = GWMP_VERSION;
  out[1] = (token >> 8) & 0xff;
  out[2] = token & 0xff;
  out[3] = GWMP_IDENTIFIERS[type];
  return out;
}

export class GwmpServer {
  private socket: dgram.Socket | undefined;
  private readonly pullAddresses = new Map<string, UdpAddress>();

  constructor(private readonly options: GwmpServerOptions) {}

  get port(): number {
    return (this.socket?.address() as AddressInfo | undefined)?.port ?? 0;
  }

  get address(): string {
    return (this.socket?.address() as AddressInfo | undefined)?.address ?? this.options.host;
  }

  async start(): Promise<void> {
    const socket = dgram.createSocket({ type: this.options.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 8 * 1024 * 1024, lookup: ipLiteralLookup });
    socket.on('message', (msg, rinfo) => {
      try {
        this.onDatagram(msg, rinfo);
      } catch (e) {
        this.options.metrics.drop('internal_error');
        this.options.logger.error({ err: e }, 'GWMP datagram handling failed');
      }
    });
    socket.on('error', (e) => this.options.logger.error({ err: e }, 'GWMP socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** Datagrams the kernel dropped on this socket, its buffer being full (Linux; undefined elsewhere or when stopped). */
  kernelDrops(): number | undefined {
    if (!this.socket) return undefined;
    return readUdpKernelDrops(this.port, this.options.host.includes(':') ? 'udp6' : 'udp4');
  }

  pullAddressOf(gatewayEui: string): UdpAddress | undefined {
    return this.pullAddresses.get(gatewayEui);
  }

  send(bytes: Uint8Array, to: UdpAddress): void {
    this.socket?.send(bytes, to.port, to.address);
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const { metrics, logger } = this.options;
    const parsed = parseGwmpPacket(msg);
    if (!parsed.ok) {
      const reason = (parsed.error.details?.reason as GwmpMalformedReason | undefined) ?? 'bad_field';
      metrics.drop(reason);
      logger.debug({ from: `${rinfo.address}:${rinfo.port}`, reason, message: parsed.error.message }, 'GWMP datagram dropped');
      return;
    }
    const packet = parsed.value;
    metrics.datagram(packet.type);
    if (packet.type !== 'PUSH_DATA' && packet.type !== 'PULL_DATA' && packet.type !== 'TX_ACK') {
      metrics.drop('unexpected_type');
      logger.debug({ from: `${rinfo.address}:${rinfo.port}`, type: packet.type }, 'GWMP datagram of a server-side type dropped');
      return;
    }
    const eui = packet.gatewayEui;
    const cached = this.options.directory.cached(eui);
    if (cached !== undefined) {
      this.onKnown(packet, cached, rinfo);
      return;
    }
    this.options.directory.resolve(eui).then(
      (hotspot) => this.onKnown(packet, hotspot, rinfo),
      (e: unknown) => {
        // Registry unreachable: the forwarder will resend; do not ack so it sees the loss.
        metrics.drop('internal_error');
        logger.warn({ err: e, gatewayEui: eui }, 'gateway lookup failed; datagram dropped');
      },
    );
  }

  private onKnown(packet: Extract<ReturnType<typeof parseGwmpPacket>, { ok: true }>['value'], hotspot: HotspotInfo | null, rinfo: dgram.RemoteInfo): void {
    if (packet.type !== 'PUSH_DATA' && packet.type !== 'PULL_DATA' && packet.type !== 'TX_ACK') return;
    if (!hotspot) {
      this.options.metrics.drop('unknown_gateway');
      this.options.logger.debug({ from: `${rinfo.address}:${rinfo.port}`, gatewayEui: packet.gatewayEui }, 'GWMP datagram from an unregistered gateway dropped');
      return;
    }
    if (packet.type !== 'TX_ACK') this.socket?.send(ackDatagram(packet.type === 'PUSH_DATA' ? 'PUSH_ACK' : 'PULL_ACK', packet.token), rinfo.port, rinfo.address);
    switch (packet.type) {
      case 'PUSH_DATA':
        for (const rxpk of packet.rxpk) this.options.onRxpk(rxpk, hotspot);
        break;
      case 'PULL_DATA':
        this.pullAddresses.set(packet.gatewayEui, { address: rinfo.address, port: rinfo.port });
        break;
      case 'TX_ACK':
        this.options.onTxAck(packet.gatewayEui, packet.token, packet.txpkAck);
        break;
    }
  }
}
