/**
 * Load generator for the router benchmark, run in a worker thread so that sending datagrams and
 * playing the device maker's LNS do not share the router's event loop. Gateways are real UDP
 * sockets; the LNS is an HTTP server or a GWMP UDP socket. Send and receive times are taken on
 * this thread's clock, so latencies need no clock sync. Driven by messages from the main thread
 * (see LoadCommand); started with startLoadWorker().
 */
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { encodeGwmpPacket, parseGwmpPacket } from '@cov/shared/gwmp/packet';

export type LoadCommand =
  | { cmd: 'setup'; gatewayEuis: string[] }
  | { cmd: 'target'; routerPort: number }
  | { cmd: 'raw'; port: number; datagrams: number }
  | { cmd: 'run'; mode: 'throughput' | 'latency'; packets: number; copies: number; ratePerS?: number; maxInFlightDatagrams: number; firstFCnt: number; devAddrs: number[] };

export interface RunResult {
  sent: number;
  received: number;
  /** Monotonic ms on the worker's clock. */
  firstSendMs: number;
  lastReceiveMs: number;
  /** Per received packet: LNS receipt minus first copy sent (ms). */
  latenciesMs: number[];
  pushAcks: number;
}

export interface SetupResult {
  httpUrl: string;
  gwmpPort: number;
}

/** Starts the worker (from the main thread) with tsx's loader registered, so it runs this TypeScript file. */
export function startLoadWorker(): Worker {
  const src = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  return new Worker(src, { eval: true });
}

export function request<T>(worker: Worker, command: LoadCommand): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ok: boolean; value?: T; error?: string }) => {
      worker.off('error', reject);
      if (m.ok) resolve(m.value as T);
      else reject(new Error(m.error));
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(command);
  });
}

/** A data uplink PHYPayload without crypto: the router does not check MICs of routes without filters. */
function uplinkBytes(devAddr: number, n: number): Uint8Array {
  const b = Buffer.alloc(1 + 4 + 1 + 2 + 1 + 11 + 4);
  b[0] = 0x40;
  b.writeUInt32LE(devAddr >>> 0, 1);
  b[5] = 0;
  b.writeUInt16LE(n & 0xffff, 6);
  b[8] = 1;
  b.writeUInt32BE(n >>> 0, 9); // unique per packet
  b.writeUInt32BE((n * 2654435761) >>> 0, b.length - 4);
  return b;
}

function pushData(eui: string, token: number, phy: Uint8Array, tmst: number, rssi: number): Uint8Array {
  const r = encodeGwmpPacket({
    type: 'PUSH_DATA',
    token,
    gatewayEui: eui,
    stat: null,
    rxpk: [{ tmst, freq: 868.1, chan: 0, rfch: 0, stat: 1, modu: 'LORA', datr: 'SF7BW125', codr: '4/5', rssi, lsnr: 5.5, size: phy.length, data: Buffer.from(phy).toString('base64') }],
  });
  if (!r.ok) throw r.error;
  return r.value;
}

class LoadGenerator {
  private gateways: { eui: string; socket: dgram.Socket }[] = [];
  private routerPort = 0;
  private pushAcks = 0;
  private readonly pending = new Map<string, number>();
  private latencies: number[] = [];
  private received = 0;
  private lastReceiveMs = 0;
  private httpServer: http.Server | undefined;
  private lnsSocket: dgram.Socket | undefined;

  async target(c: Extract<LoadCommand, { cmd: 'target' }>): Promise<null> {
    this.routerPort = c.routerPort;
    return null;
  }

  async setup(c: Extract<LoadCommand, { cmd: 'setup' }>): Promise<SetupResult> {
    for (const eui of c.gatewayEuis) {
      const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
      socket.on('message', () => this.pushAcks++);
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
      this.gateways.push({ eui, socket });
    }
    this.httpServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (x: Buffer) => chunks.push(x));
      req.on('end', () => {
        const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { phyPayload: string };
        this.onArrival(message.phyPayload);
        res.writeHead(204).end();
      });
    });
    this.httpServer.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.httpServer!.listen(0, '127.0.0.1', r));
    this.lnsSocket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    this.lnsSocket.on('message', (m) => {
      const p = parseGwmpPacket(m);
      if (p.ok && p.value.type === 'PUSH_DATA') for (const rx of p.value.rxpk) this.onArrival(rx.data);
    });
    await new Promise<void>((r) => this.lnsSocket!.bind(0, '127.0.0.1', r));
    return { httpUrl: `http://127.0.0.1:${(this.httpServer.address() as AddressInfo).port}/uplink`, gwmpPort: (this.lnsSocket.address() as AddressInfo).port };
  }

  private onArrival(dataB64: string): void {
    const sentAt = this.pending.get(dataB64);
    if (sentAt === undefined) return; // a second copy (GWMP) or a stray
    this.pending.delete(dataB64);
    const now = performance.now();
    this.latencies.push(now - sentAt);
    this.received++;
    this.lastReceiveMs = now;
  }

  async raw(c: Extract<LoadCommand, { cmd: 'raw' }>): Promise<{ sent: number }> {
    const d = pushData(this.gateways[0]!.eui, 1, uplinkBytes(1, 1), 1, -80);
    const socket = this.gateways[0]!.socket;
    let sent = 0;
    while (sent < c.datagrams) {
      const burst = Math.min(256, c.datagrams - sent);
      await Promise.all(Array.from({ length: burst }, () => new Promise<void>((r) => socket.send(d, c.port, '127.0.0.1', () => r()))));
      sent += burst;
      await new Promise((r) => setImmediate(r));
    }
    return { sent };
  }

  async run(c: Extract<LoadCommand, { cmd: 'run' }>): Promise<RunResult> {
    this.pending.clear();
    this.latencies = [];
    this.received = 0;
    this.pushAcks = 0;
    const G = this.gateways.length;
    // Prebuild every datagram so the measured loop only sends.
    const packets = Array.from({ length: c.packets }, (_, i) => {
      const n = c.firstFCnt + i;
      const phy = uplinkBytes(c.devAddrs[i % c.devAddrs.length]!, n);
      const key = Buffer.from(phy).toString('base64');
      const datagrams = Array.from({ length: c.copies }, (_, k) => {
        const gw = this.gateways[(i + k * 7) % G]!;
        return { gw, bytes: pushData(gw.eui, (n + k) & 0xffff, phy, (n * 1000) >>> 0, -60 - k) };
      });
      return { key, datagrams };
    });
    const started = performance.now();
    let sentDatagrams = 0;
    const intervalMs = c.ratePerS ? 1000 / c.ratePerS : 0;
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i]!;
      if (c.mode === 'latency') {
        const due = started + i * intervalMs;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      } else {
        // Closed loop on PUSH_ACKs: never more than maxInFlight datagrams unacknowledged.
        while (sentDatagrams - this.pushAcks > c.maxInFlightDatagrams) await new Promise((r) => setImmediate(r));
        if (i % 256 === 0) await new Promise((r) => setImmediate(r));
      }
      this.pending.set(p.key, performance.now());
      for (const d of p.datagrams) {
        d.gw.socket.send(d.bytes, this.routerPort, '127.0.0.1');
        sentDatagrams++;
      }
    }
    const deadline = performance.now() + 20_000;
    while (this.received < packets.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return { sent: packets.length, received: this.received, firstSendMs: started, lastReceiveMs: this.lastReceiveMs, latenciesMs: this.latencies, pushAcks: this.pushAcks };
  }

  close(): void {
    for (const g of this.gateways) g.socket.close();
    this.httpServer?.closeAllConnections();
    this.httpServer?.close();
    this.lnsSocket?.close();
  }
}

if (!isMainThread && parentPort) {
  const gen = new LoadGenerator();
  const port = parentPort;
  port.on('message', (c: LoadCommand) => {
    const work = c.cmd === 'setup' ? gen.setup(c) : c.cmd === 'target' ? gen.target(c) : c.cmd === 'raw' ? gen.raw(c) : gen.run(c);
    work.then(
      (value) => port.postMessage({ ok: true, value }),
      (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? e.stack : String(e) }),
    );
  });
  port.once('close', () => gen.close());
}
