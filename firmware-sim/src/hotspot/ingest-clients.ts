/**
 * A hotspot's connection to ingest (services/ingest/PROTOCOL.md), over the real wire:
 * - WebSocketIngest: challenge, init signed by the hotspot key, `ready`; binary report frames
 *   `[tag][protobuf]` answered in order with ack/rejected (matched by the server's frame number);
 *   entropy pushes keep the latest value at hand.
 * - HttpIngest: one protobuf report per POST to /v1/ingest/beacons or /witnesses; entropy from
 *   GET /v1/entropy/latest, shared by every HTTP hotspot of the run until the value goes stale.
 * Both only move bytes: the agent builds, signs and records what they send.
 */
import WebSocket from 'ws';
import { fromBase64 } from '@cov/shared/helium/bytes';
import type { EntropyReport } from '@cov/shared/helium/reports';
import { REPORT_FRAME_TAG } from '@cov/shared/ingest/session-init';
import type { CallResult, IngestConnection, ReportAck } from '../scenario/target';

export interface InitMessage {
  type: 'init';
  hotspot: string;
  nonce: string;
  timestampMs: number;
  signature: string;
}

/** Builds the signed init for an offered nonce (the agent signs and records it). */
export type InitBuilder = (nonce: string, serverTimeMs: number) => InitMessage;

interface EntropyJson {
  data: string;
  timestampSec: number;
  version: number;
}

export function entropyFromJson(json: unknown): EntropyReport | null {
  const e = json as Partial<EntropyJson> | null;
  if (!e || typeof e.data !== 'string' || typeof e.timestampSec !== 'number' || typeof e.version !== 'number') return null;
  const data = fromBase64(e.data);
  return data ? { data, timestampSec: e.timestampSec, version: e.version } : null;
}

/** How long the WebSocket handshake (challenge -> init -> ready) may take, real ms. */
const OPEN_TIMEOUT_MS = 15_000;

export class WebSocketIngest implements IngestConnection {
  readonly transport = 'ws' as const;
  private socket: WebSocket | undefined;
  private entropy: EntropyReport | null = null;
  private sentFrames = 0;
  private readonly waiting = new Map<number, (ack: ReportAck) => void>();
  private open_ = false;
  closeCode: number | undefined;

  constructor(
    private readonly sessionUrl: string,
    private readonly buildInit: InitBuilder,
  ) {}

  get isOpen(): boolean {
    return this.open_;
  }

  open(): Promise<CallResult> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: CallResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        done({ ok: false, status: 0, code: 'session.timeout', message: 'no ready within 15 s' });
        this.socket?.terminate();
      }, OPEN_TIMEOUT_MS);
      const socket = new WebSocket(this.sessionUrl);
      this.socket = socket;
      this.sentFrames = 0;
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(String(data)) as Record<string, unknown>;
        } catch {
          return;
        }
        switch (message.type) {
          case 'challenge':
            socket.send(JSON.stringify(this.buildInit(String(message.nonce), Number(message.serverTimeMs))));
            return;
          case 'ready':
            this.entropy = entropyFromJson(message.entropy) ?? this.entropy;
            this.open_ = true;
            done({ ok: true, status: 101 });
            return;
          case 'entropy':
            this.entropy = entropyFromJson(message.entropy) ?? this.entropy;
            return;
          case 'ack':
            this.answer(Number(message.seq), { accepted: true, id: String(message.id) });
            return;
          case 'rejected':
            this.answer(Number(message.seq), { accepted: false, code: String(message.code), message: String(message.message), retryable: message.retryable === true });
            return;
          default:
        }
      });
      socket.on('close', (code, reason) => {
        this.open_ = false;
        this.closeCode = code;
        const why = reason.toString() || `closed (${code})`;
        done({ ok: false, status: code, code: why, message: `session closed by server: ${why}` });
        for (const [, resolveAck] of this.waiting) resolveAck({ accepted: false, code: 'session.closed', message: why, retryable: true });
        this.waiting.clear();
      });
      socket.on('error', (e) => done({ ok: false, status: 0, code: 'session.error', message: e.message }));
    });
  }

  private answer(seq: number, ack: ReportAck): void {
    const resolveAck = this.waiting.get(seq);
    if (!resolveAck) return;
    this.waiting.delete(seq);
    resolveAck(ack);
  }

  send(kind: 'beacon' | 'witness', encoded: Uint8Array): Promise<ReportAck> {
    const socket = this.socket;
    if (!socket || !this.open_) return Promise.resolve({ accepted: false, code: 'session.closed', message: 'no open session', retryable: true });
    const frame = new Uint8Array(encoded.length + 1);
    frame[0] = REPORT_FRAME_TAG[kind];
    frame.set(encoded, 1);
    // The server numbers frames from 1 in arrival order; one socket keeps our order.
    const seq = ++this.sentFrames;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      socket.send(frame, (e) => {
        if (e) this.answer(seq, { accepted: false, code: 'session.send_failed', message: e.message, retryable: true });
      });
    });
  }

  async latestEntropy(): Promise<EntropyReport | null> {
    return this.entropy;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000, 'done');
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2_000).unref();
    });
  }
}

/** GET /v1/entropy/latest, shared by every HTTP hotspot; refetched once the value is an interval old. */
export class EntropyFeed {
  private cached: EntropyReport | null = null;
  private inFlight: Promise<EntropyReport | null> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly nowMs: () => number,
    private readonly refreshAfterMs: number,
  ) {}

  async latest(): Promise<EntropyReport | null> {
    if (this.cached && this.nowMs() - this.cached.timestampSec * 1000 < this.refreshAfterMs) return this.cached;
    this.inFlight ??= (async () => {
      try {
        const res = await fetch(`${this.baseUrl}/v1/entropy/latest`);
        if (!res.ok) return this.cached;
        this.cached = entropyFromJson(await res.json()) ?? this.cached;
        return this.cached;
      } catch {
        return this.cached;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}

export class HttpIngest implements IngestConnection {
  readonly transport = 'http' as const;
  readonly isOpen = true;

  constructor(
    private readonly baseUrl: string,
    private readonly entropy: EntropyFeed,
  ) {}

  async open(): Promise<CallResult> {
    return { ok: true, status: 200 };
  }

  async send(kind: 'beacon' | 'witness', encoded: Uint8Array): Promise<ReportAck> {
    try {
      const res = await fetch(`${this.baseUrl}/v1/ingest/${kind === 'beacon' ? 'beacons' : 'witnesses'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array(encoded) as Uint8Array<ArrayBuffer>,
      });
      const body = (await res.json().catch(() => null)) as {
        accepted?: { id: string }[];
        rejected?: { code: string; message: string }[];
        error?: { code: string; message: string };
      } | null;
      const accepted = body?.accepted?.[0];
      if (res.ok && accepted) return { accepted: true, id: accepted.id };
      const rejected = body?.rejected?.[0] ?? body?.error;
      return { accepted: false, code: rejected?.code ?? `http.${res.status}`, message: rejected?.message ?? res.statusText, retryable: res.status === 503 };
    } catch (e) {
      // fetch hides the socket error in `cause` (ECONNRESET, UND_ERR_SOCKET...): keep it in the code.
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { accepted: false, code: cause ? `http.unreachable.${cause}` : 'http.unreachable', message: e instanceof Error ? e.message : String(e), retryable: true };
    }
  }

  latestEntropy(): Promise<EntropyReport | null> {
    return this.entropy.latest();
  }

  async close(): Promise<void> {}
}
