/**
 * Forwarding to an LNS that speaks GWMP (ChirpStack's gateway bridge, for instance): the router
 * acts as each hotspot's packet forwarder toward it, like HPR does (reference §1.7). One UDP socket
 * per (LNS, hotspot), because a PULL_RESP carries no gateway EUI: the LNS answers a gateway on the
 * socket that gateway pulls from. Each bought copy goes as an rxpk in a PUSH_DATA with that
 * hotspot's EUI (the LNS dedups and picks the gateway for the downlink); copies of one hotspot
 * queued in the same event-loop turn share a PUSH_DATA, up to 8 rxpk like a Semtech forwarder's
 * own datagrams, which saves a send per copy under load. PULL_DATA keeps each socket known to the
 * LNS; a PULL_RESP is relayed to the hotspot and its TX_ACK relayed back. Sockets of hotspots
 * that carried nothing for a while are closed.
 *
 * Each socket is connected to the LNS's address: the kernel then delivers only the LNS's own
 * datagrams to it, so nobody else who learns the port can inject a PULL_RESP (a downlink through
 * the hotspot, on its airtime), and sends skip the per-datagram address handling.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { GWMP_IDENTIFIERS, GWMP_VERSION, encodeGwmpPacket, parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { Rxpk, Txpk, TxpkAck } from '@cov/shared/gwmp/types';
import type { Logger } from '@cov/shared/logger';
import type { RouteEndpoint } from '@cov/shared/db/schema/routing';
import { ipLiteralLookup } from '../udp-lookup';

export interface LnsRelay {
  /** The LNS's token of the PULL_RESP, echoed in the TX_ACK. */
  lnsToken: number;
  /** Lower-case gateway EUI of the hotspot the LNS chose. */
  gatewayEui: string;
  session: LnsSession;
}

interface LnsSession {
  key: string;
  socket: dgram.Socket;
  euiBytes: Buffer;
  gatewayEui: string;
  lastUsedMs: number;
  closed: boolean;
  /** rxpk JSON texts waiting for this turn's PUSH_DATA, and who to tell when they left. */
  queued: string[];
  onSent: SentCallback[];
}

/** Called once per queued copy: null when its datagram left, else the error. */
export type SentCallback = (error: Error | null) => void;

/** Errors a connected UDP socket reports from ICMP while the LNS is down or unreachable. */
const LNS_UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Most rxpk per PUSH_DATA: a Semtech forwarder's NB_PKT_MAX. */
const MAX_RXPK_PER_DATAGRAM = 8;
/** Largest JSON body per PUSH_DATA; forwarders' own datagrams stay under about 4 KB. */
const MAX_BODY_BYTES = 3_800;

export interface GwmpLnsClientOptions {
  logger: Logger;
  /** Monotonic ms. */
  now: () => number;
  onPullResp(relay: LnsRelay, txpk: Txpk): void;
  keepaliveMs?: number;
  idleCloseMs?: number;
}

/**
 * PUSH_DATA carrying already serialised rxpk objects (the router's hot path: it serialises the
 * validated rxpk directly instead of going through the codec's generic encoder;
 * gwmp-lns-client.test.ts checks the codec reads it back).
 */
export function pushDataDatagramOf(token: number, euiBytes: Buffer, rxpkJson: readonly string[]): Buffer {
  const json = Buffer.from(`{"rxpk":[${rxpkJson.join(',')}]}`);
  const out = Buffer.allocUnsafe(12 + json.length);
  out[0] = GWMP_VERSION;
  out[1] = (token >> 8) & 0xff;
  out[2] = token & 0xff;
  out[3] = GWMP_IDENTIFIERS.PUSH_DATA;
  euiBytes.copy(out, 4, 0, 8);
  json.copy(out, 12);
  return out;
}

export type GwmpEndpoint = Extract<RouteEndpoint, { protocol: 'gwmp' }>;

/**
 * The LNS port for a copy heard by a hotspot of `region`: the route's port for that region when it
 * maps regions (an LNS running one gateway bridge per region), else its port.
 */
export function lnsPortFor(endpoint: GwmpEndpoint, region: string | null): number {
  if (endpoint.regionPorts === undefined || region === null) return endpoint.port;
  return endpoint.regionPorts[region] ?? endpoint.port;
}

/** PUSH_DATA for one rxpk. */
export function pushDataDatagram(token: number, euiBytes: Buffer, rxpk: Rxpk): Buffer {
  return pushDataDatagramOf(token, euiBytes, [JSON.stringify(rxpk)]);
}

export class GwmpLnsClient {
  private readonly sessions = new Map<string, LnsSession>();
  private readonly resolved = new Map<string, Promise<{ address: string; family: 4 | 6 }>>();
  private readonly opening = new Map<string, Promise<LnsSession>>();
  private readonly timer: NodeJS.Timeout;
  private nextToken = Math.floor(Math.random() * 0x10000);
  private readonly dirty = new Set<LnsSession>();
  private flushScheduled = false;

  constructor(private readonly options: GwmpLnsClientOptions) {
    const keepaliveMs = options.keepaliveMs ?? 10_000;
    this.timer = setInterval(() => this.keepalive(), keepaliveMs);
    this.timer.unref();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Queues one copy (an rxpk, serialised) for the hotspot's socket toward the LNS; it leaves at the
   * end of this event-loop turn, with the hotspot's other copies of the turn. `onSent` is called once.
   */
  pushCopy(host: string, port: number, gatewayEui: string, rxpkJson: string, onSent: SentCallback): void {
    const existing = this.sessions.get(`${host}:${port}/${gatewayEui}`);
    if (existing && !existing.closed) {
      this.enqueue(existing, rxpkJson, onSent);
      return;
    }
    this.session(host, port, gatewayEui).then(
      (session) => this.enqueue(session, rxpkJson, onSent),
      (e: unknown) => onSent(e instanceof Error ? e : new Error(String(e))),
    );
  }

  sendTxAck(relay: LnsRelay, ack: TxpkAck | null): void {
    if (relay.session.closed) return;
    const datagram = encodeGwmpPacket({ type: 'TX_ACK', token: relay.lnsToken, gatewayEui: relay.gatewayEui, txpkAck: ack });
    if (datagram.ok) void this.send(relay.session, datagram.value).catch(() => {});
  }

  close(): void {
    clearInterval(this.timer);
    for (const s of this.sessions.values()) this.closeSession(s);
  }

  private enqueue(session: LnsSession, rxpkJson: string, onSent: SentCallback): void {
    session.lastUsedMs = this.options.now();
    session.queued.push(rxpkJson);
    session.onSent.push(onSent);
    this.dirty.add(session);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushQueued());
    }
  }

  private flushQueued(): void {
    this.flushScheduled = false;
    for (const session of this.dirty) {
      const { queued, onSent } = session;
      session.queued = [];
      session.onSent = [];
      let start = 0;
      while (start < queued.length) {
        let end = start + 1;
        let bytes = queued[start]!.length;
        while (end < queued.length && end - start < MAX_RXPK_PER_DATAGRAM && bytes + queued[end]!.length + 1 <= MAX_BODY_BYTES) bytes += queued[end++]!.length + 1;
        const datagram = end - start === queued.length ? pushDataDatagramOf(this.token(), session.euiBytes, queued) : pushDataDatagramOf(this.token(), session.euiBytes, queued.slice(start, end));
        this.sendThen(session, datagram, onSent, start, end);
        start = end;
      }
    }
    this.dirty.clear();
  }

  /** Sends one datagram and tells the copies `onSent[from..to)` it carried; a callback, not a promise, per datagram. */
  private sendThen(session: LnsSession, datagram: Buffer, onSent: SentCallback[], from: number, to: number): void {
    const done = (e: Error | null | undefined): void => {
      for (let i = from; i < to; i++) onSent[i]!(e ?? null);
    };
    if (session.closed) {
      done(new Error('session closed'));
      return;
    }
    try {
      session.socket.send(datagram, done);
    } catch (e) {
      done(e instanceof Error ? e : new Error(String(e))); // e.g. a socket closed under us
    }
  }

  private token(): number {
    this.nextToken = (this.nextToken + 1) & 0xffff;
    return this.nextToken;
  }

  private async resolve(host: string): Promise<{ address: string; family: 4 | 6 }> {
    const ip = isIP(host);
    if (ip) return { address: host, family: ip as 4 | 6 };
    let pending = this.resolved.get(host);
    if (!pending) {
      pending = lookup(host).then((r) => ({ address: r.address, family: r.family as 4 | 6 }));
      pending.catch(() => this.resolved.delete(host));
      this.resolved.set(host, pending);
    }
    return pending;
  }

  /** The open session, or one being opened (once, however many copies ask meanwhile). */
  private session(host: string, port: number, gatewayEui: string): Promise<LnsSession> {
    const key = `${host}:${port}/${gatewayEui}`;
    const existing = this.sessions.get(key);
    if (existing && !existing.closed) return Promise.resolve(existing);
    let opening = this.opening.get(key);
    if (!opening) {
      opening = this.open(key, host, port, gatewayEui).finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return opening;
  }

  /** A socket bound and connected to the LNS; listed in `sessions` only then, so nothing is sent on it before. */
  private async open(key: string, host: string, port: number, gatewayEui: string): Promise<LnsSession> {
    const { address, family } = await this.resolve(host);
    const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: ipLiteralLookup });
    const session: LnsSession = { key, socket, euiBytes: Buffer.from(gatewayEui, 'hex'), gatewayEui, lastUsedMs: this.options.now(), closed: false, queued: [], onSent: [] };
    socket.on('message', (msg) => this.onMessage(session, msg));
    socket.on('error', (e) => {
      // An LNS that is down answers with ICMP errors, which a connected socket reports: the socket
      // stays (the LNS may come back; reopening per copy would only churn), its sends fail meanwhile.
      if (LNS_UNREACHABLE.has((e as NodeJS.ErrnoException).code ?? '')) {
        this.options.logger.debug({ err: e, lns: key }, 'GWMP LNS unreachable');
        return;
      }
      this.options.logger.debug({ err: e, lns: key }, 'GWMP LNS socket error; closing it');
      this.closeSession(session);
    });
    // Until it is open, a failure to bind or connect rejects (the 'error' listener above would close the socket and leave us waiting).
    const step = (start: (done: () => void) => void) =>
      new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        start(() => {
          socket.off('error', reject);
          resolve();
        });
      });
    try {
      await step((done) => socket.bind(0, done));
      await step((done) => socket.connect(port, address, done));
    } catch (e) {
      this.closeSession(session);
      throw e;
    }
    this.sessions.set(key, session);
    this.pull(session);
    return session;
  }

  private onMessage(session: LnsSession, msg: Buffer): void {
    const parsed = parseGwmpPacket(msg);
    if (!parsed.ok) {
      this.options.logger.debug({ lns: session.key, reason: parsed.error.details?.reason }, 'bad datagram from GWMP LNS dropped');
      return;
    }
    if (parsed.value.type === 'PULL_RESP' && parsed.value.txpk) {
      session.lastUsedMs = this.options.now();
      this.options.onPullResp({ lnsToken: parsed.value.token, gatewayEui: session.gatewayEui, session }, parsed.value.txpk);
    }
    // PUSH_ACK / PULL_ACK only measure the link; nothing to do.
  }

  private pull(session: LnsSession): void {
    const datagram = encodeGwmpPacket({ type: 'PULL_DATA', token: this.token(), gatewayEui: session.gatewayEui });
    if (datagram.ok) void this.send(session, datagram.value).catch(() => {});
  }

  private send(session: LnsSession, bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (session.closed) return reject(new Error('session closed'));
      session.socket.send(bytes, (e) => (e ? reject(e) : resolve()));
    });
  }

  private keepalive(): void {
    const idleCloseMs = this.options.idleCloseMs ?? 120_000;
    const now = this.options.now();
    for (const s of this.sessions.values()) {
      if (now - s.lastUsedMs > idleCloseMs) this.closeSession(s);
      else this.pull(s);
    }
  }

  private closeSession(s: LnsSession): void {
    if (s.closed) return;
    s.closed = true;
    this.sessions.delete(s.key);
    try {
      s.socket.close();
    } catch {
      // already closed
    }
  }
}
