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
import { encodeGwmpPacket } from '@cov/shared/gwmp/packet';
import { threadCpuMs } from '@cov/shared/runtime/proc-cpu';
import { forEachUplinkId, quotedKey, uplinkBytes } from './uplink-id';

export type LoadCommand =
  | { cmd: 'setup'; gatewayEuis: string[] }
  | { cmd: 'target'; routerPort: number }
  | { cmd: 'raw'; port: number; datagrams: number }
  | {
      cmd: 'run';
      mode: 'throughput' | 'latency';
      packets: number;
      copies: number;
      ratePerS?: number;
      /** Latency mode: each packet's last copy is sent this long after the others (a hotspot with a slow backhaul). */
      lastCopyDelayMs?: number;
      maxInFlightDatagrams: number;
      firstFCnt: number;
      devAddrs: number[];
    };

export interface RunResult {
  sent: number;
  received: number;
  /** Monotonic ms on the worker's clock. */
  firstSendMs: number;
  lastReceiveMs: number;
  /** Per received packet: LNS receipt minus first copy sent (ms). */
  latenciesMs: number[];
  pushAcks: number;
  /** CPU time (ms) of this worker thread from the first send to the last delivery, where /proc tells it. */
  cpuMs: number | undefined;
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

/** Room per prebuilt PUSH_DATA (12-byte header + one rxpk of a 24-byte payload is about 250 bytes). */
const MAX_DATAGRAM_BYTES = 512;
/** Longest the sender waits for acks before checking its window again. */
const ACK_WAIT_MAX_MS = 50;
const DATA_KEY = quotedKey('data');
const PHY_PAYLOAD_KEY = quotedKey('phyPayload');

class LoadGenerator {
  private gateways: { eui: string; socket: dgram.Socket }[] = [];
  /** Whether the gateways' sockets are connected to the router (after the first `target`). */
  private connected = false;
  private pushAcks = 0;
  /** While the send window is full: resumes sending once this many PUSH_ACKs are in. */
  private ackWaiter: { resumeAt: number; resume: () => void } | undefined;
  /**
   * Per packet of the current run (index = uplink number - firstFCnt): when its first copy was
   * sent (ms), NaN once delivered or before it is sent; and its latency once delivered. Typed
   * arrays allocated before the run, so a delivery allocates nothing in this isolate (see
   * uplink-id.ts for why that matters).
   */
  private sentAtMs = new Float64Array(0);
  private latencyMs = new Float64Array(0);
  private firstFCnt = 0;
  private received = 0;
  private lastReceiveMs = 0;
  private httpServer: http.Server | undefined;
  private lnsSocket: dgram.Socket | undefined;

  /**
   * Connects every gateway's socket to the router, as a Semtech packet forwarder connects its own:
   * a send then names no address, so Node skips its per-datagram address lookup (a `dns.lookup`
   * deferred to the next tick even for an IP literal) and the kernel its per-datagram route lookup.
   */
  async target(c: Extract<LoadCommand, { cmd: 'target' }>): Promise<null> {
    await Promise.all(
      this.gateways.map(({ socket }) => {
        if (this.connected) socket.disconnect();
        return new Promise<void>((r) => socket.connect(c.routerPort, '127.0.0.1', r));
      }),
    );
    this.connected = true;
    return null;
  }

  async setup(c: Extract<LoadCommand, { cmd: 'setup' }>): Promise<SetupResult> {
    for (const eui of c.gatewayEuis) {
      const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
      socket.on('message', this.onPushAck);
      // A connected socket reports ICMP errors (the router's port closed between runs); a lost datagram is the window's business.
      socket.on('error', () => {});
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
      this.gateways.push({ eui, socket });
    }
    this.httpServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (x: Buffer) => chunks.push(x));
      req.on('end', () => {
        forEachUplinkId(Buffer.concat(chunks), PHY_PAYLOAD_KEY, 0, this.onArrival);
        res.writeHead(204).end();
      });
    });
    this.httpServer.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.httpServer!.listen(0, '127.0.0.1', r));
    this.lnsSocket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    this.lnsSocket.on('message', (m) => {
      // PUSH_DATA (protocol 2, identifier 0): every rxpk's `data` after the 12-byte header.
      if (m.length > 12 && m[0] === 2 && m[3] === 0) forEachUplinkId(m, DATA_KEY, 12, this.onArrival);
    });
    await new Promise<void>((r) => this.lnsSocket!.bind(0, '127.0.0.1', r));
    return { httpUrl: `http://127.0.0.1:${(this.httpServer.address() as AddressInfo).port}/uplink`, gwmpPort: (this.lnsSocket.address() as AddressInfo).port };
  }

  private readonly onPushAck = (): void => {
    this.pushAcks++;
    if (this.ackWaiter && this.pushAcks >= this.ackWaiter.resumeAt) {
      this.ackWaiter.resume();
      this.ackWaiter = undefined;
    }
  };

  /**
   * Waits (without spinning: a spinning sender would take the CPU the router is measured on) until
   * the window has drained to half, so the sender wakes once per many acks rather than per ack.
   * Acks are UDP too: should some be lost, the sender goes on after ACK_WAIT_MAX_MS instead of stalling.
   */
  private windowDrained(sentDatagrams: number, maxInFlight: number): Promise<void> {
    return new Promise((resume) => {
      const retry = setTimeout(() => {
        this.ackWaiter = undefined;
        resume();
      }, ACK_WAIT_MAX_MS);
      this.ackWaiter = {
        resumeAt: sentDatagrams - Math.floor(maxInFlight / 2),
        resume: () => {
          clearTimeout(retry);
          resume();
        },
      };
    });
  }

  /** One packet delivered to the LNS; bound once, as it is the visitor of every delivery. */
  private readonly onArrival = (uplinkId: number): void => {
    const i = uplinkId - this.firstFCnt;
    if (i < 0 || i >= this.sentAtMs.length) return; // a stray from an earlier run
    const sentAt = this.sentAtMs[i]!;
    if (Number.isNaN(sentAt)) return; // a second copy (GWMP)
    const now = performance.now();
    this.sentAtMs[i] = NaN;
    this.latencyMs[this.received++] = now - sentAt;
    this.lastReceiveMs = now;
  };

  /** The baseline's sender: a socket of its own, unconnected as it always was, so the baseline is comparable with earlier runs. */
  async raw(c: Extract<LoadCommand, { cmd: 'raw' }>): Promise<{ sent: number }> {
    const d = pushData(this.gateways[0]!.eui, 1, uplinkBytes(1, 1), 1, -80);
    const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    let sent = 0;
    try {
      while (sent < c.datagrams) {
        const burst = Math.min(256, c.datagrams - sent);
        await Promise.all(Array.from({ length: burst }, () => new Promise<void>((r) => socket.send(d, c.port, '127.0.0.1', () => r()))));
        sent += burst;
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      socket.close();
    }
    return { sent };
  }

  async run(c: Extract<LoadCommand, { cmd: 'run' }>): Promise<RunResult> {
    this.sentAtMs = new Float64Array(c.packets).fill(NaN);
    this.latencyMs = new Float64Array(c.packets);
    this.firstFCnt = c.firstFCnt;
    this.received = 0;
    this.pushAcks = 0;
    const G = this.gateways.length;
    const count = c.packets * c.copies;
    // Prebuild every datagram so the measured loop only sends: all in one buffer, datagram d of
    // packet i (d = i * copies + k) at bytes [offset[d], offset[d + 1]), sent by gateway
    // gatewayOf[d]. One external buffer and three typed arrays instead of objects per datagram,
    // which this isolate would otherwise carry into its old generation and mark during the run.
    const all = Buffer.allocUnsafeSlow(count * MAX_DATAGRAM_BYTES);
    const offset = new Int32Array(count + 1);
    const gatewayOf = new Uint16Array(count);
    for (let i = 0; i < c.packets; i++) {
      const n = c.firstFCnt + i;
      const phy = uplinkBytes(c.devAddrs[i % c.devAddrs.length]!, n);
      for (let k = 0; k < c.copies; k++) {
        const d = i * c.copies + k;
        const g = (i + k * 7) % G;
        const bytes = pushData(this.gateways[g]!.eui, (n + k) & 0xffff, phy, (n * 1000) >>> 0, -60 - k);
        if (bytes.length > MAX_DATAGRAM_BYTES) throw new Error(`datagram of ${bytes.length} bytes`);
        all.set(bytes, offset[d]!);
        offset[d + 1] = offset[d]! + bytes.length;
        gatewayOf[d] = g;
      }
    }
    const sockets = this.gateways.map((g) => g.socket);
    const send = (d: number) => sockets[gatewayOf[d]!]!.send(all, offset[d]!, offset[d + 1]! - offset[d]!);
    const cpuAtStart = threadCpuMs();
    const started = performance.now();
    let sentDatagrams = 0;
    const intervalMs = c.ratePerS ? 1000 / c.ratePerS : 0;
    for (let i = 0; i < c.packets; i++) {
      if (c.mode === 'latency') {
        const due = started + i * intervalMs;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      } else {
        // Closed loop on PUSH_ACKs: never more than maxInFlight datagrams unacknowledged.
        if (sentDatagrams - this.pushAcks > c.maxInFlightDatagrams) await this.windowDrained(sentDatagrams, c.maxInFlightDatagrams);
        if (i % 256 === 0) await new Promise((r) => setImmediate(r));
      }
      this.sentAtMs[i] = performance.now();
      const delayedCopy = c.mode === 'latency' && c.lastCopyDelayMs !== undefined && c.copies > 1 ? (i + 1) * c.copies - 1 : -1;
      for (let d = i * c.copies; d < (i + 1) * c.copies; d++) {
        if (d === delayedCopy) setTimeout(send, c.lastCopyDelayMs, d);
        else send(d);
        sentDatagrams++;
      }
    }
    const deadline = performance.now() + 20_000;
    while (this.received < c.packets && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const cpuAtEnd = threadCpuMs();
    const cpuMs = cpuAtStart === undefined || cpuAtEnd === undefined ? undefined : cpuAtEnd - cpuAtStart;
    const latenciesMs = Array.from(this.latencyMs.subarray(0, this.received));
    return { cpuMs, sent: c.packets, received: this.received, firstSendMs: started, lastReceiveMs: this.lastReceiveMs, latenciesMs, pushAcks: this.pushAcks };
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
