/**
 * One hotspot WebSocket session (services/ingest/PROTOCOL.md): challenge, signed init, then a
 * stream of report frames each answered in order with an ack (once stored) or a rejection.
 *
 * Frames are processed concurrently (decoding, key lookup, signature checks, and the batched store
 * all overlap across frames) but answered strictly in arrival order, so a hotspot replaying a
 * backlog is not held to one report per database round trip. In-flight frames per session are
 * bounded; beyond the bound a frame is rejected as retryable instead of buffered without limit.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { AppError, isAppError, type ErrorCode } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type { Logger } from '@cov/shared/logger';
import { binaryKeyFromAddress, verify } from '@cov/shared/helium/keys';
import { fromBase64 } from '@cov/shared/helium/bytes';
import { REPORT_FRAME_TAG, sessionInitBytes } from '@cov/shared/ingest/session-init';
import type { EntropyView } from '@cov/shared/entropy/entropy-view';
import { acceptReports, decodeReportBytes, decodeReportJson, type ReportKind, type SessionBinding } from './report-intake';
import type { HotspotKeyCache } from './hotspot-key-cache';
import type { ReportStore } from './report-store';
import type { SignatureVerifier } from './signature-pool';
import type { IngestTelemetry } from './telemetry';

export const PROTOCOL_VERSION = 1;
const INIT_TIMEOUT_MS = 10_000;
const MAX_IN_FLIGHT = 2000;

/** Close codes by error code; the close reason is the code itself. */
const closeCodes: Partial<Record<ErrorCode, number>> = {
  'request.too_large': 1009,
  'request.invalid': 4400,
  'auth.bad_signature': 4401,
  'hotspots.not_found': 4404,
  'auth.stale_request': 4408,
  'auth.replayed_nonce': 4409,
  'auth.session_key_expired': 4410,
  'service.unavailable': 1012,
};

const InitMessage = Type.Object(
  {
    type: Type.Literal('init'),
    hotspot: Type.String({ maxLength: 128 }),
    nonce: Type.String({ maxLength: 128 }),
    timestampMs: Type.Integer({ minimum: 0 }),
    sessionKey: Type.Optional(Type.String({ maxLength: 128 })),
    sessionKeyExpiresAtMs: Type.Optional(Type.Integer({ minimum: 0 })),
    signature: Type.String({ maxLength: 256 }),
  },
  { additionalProperties: false },
);

const ReportMessage = Type.Object({ type: Type.Union([Type.Literal('beacon'), Type.Literal('witness')]), report: Type.Unknown() }, { additionalProperties: false });

export interface SessionDeps {
  clock: Clock;
  logger: Logger;
  cache: HotspotKeyCache;
  signatures: SignatureVerifier;
  store: ReportStore;
  telemetry: IngestTelemetry;
  maxSkewMs: number;
  maxSessionKeyLifetimeMs: number;
  /** Largest frame taken (the WebSocket layer closes 1009 past it), told in the challenge. */
  maxMessageBytes: number;
  latestEntropy: () => Promise<EntropyView | undefined>;
}

type Answer = { type: 'ack'; seq: number; id: string } | { type: 'rejected'; seq: number; code: string; message: string; retryable: boolean };

const rejection = (seq: number, e: AppError): Answer => ({ type: 'rejected', seq, code: e.code, message: e.message, retryable: e.code === 'service.unavailable' });

export class HotspotSession {
  private readonly nonce = randomBytes(32).toString('base64');
  private state: 'awaiting_init' | 'ready' | 'closed' = 'awaiting_init';
  private binding: SessionBinding | undefined;
  private hotspotAddress: string | undefined;
  private sessionKeyExpiresAtMs: number | undefined;
  private seq = 0;
  private inFlight = 0;
  private answers: Promise<void> = Promise.resolve();
  private readonly initTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: SessionDeps,
    private readonly onClose: (s: HotspotSession) => void,
  ) {
    deps.telemetry.sessions.inc();
    this.send({ type: 'challenge', nonce: this.nonce, serverTimeMs: deps.clock.nowMs(), protocolVersion: PROTOCOL_VERSION, maxMessageBytes: deps.maxMessageBytes });
    this.initTimer = setTimeout(() => this.close(new AppError('auth.stale_request', 'no init message within 10 s')), INIT_TIMEOUT_MS);
    socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    socket.on('close', (code) => {
      if (code === 1009) deps.telemetry.sessionsClosed.inc({ code: 'request.too_large' });
      this.finish();
    });
    socket.on('error', (e) => deps.logger.debug({ err: e }, 'ingest session socket error'));
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  pushEntropy(entropy: EntropyView): void {
    if (this.state === 'ready') this.send({ type: 'entropy', entropy });
  }

  close(error: AppError): void {
    if (this.state === 'closed') return;
    this.deps.telemetry.sessionsClosed.inc({ code: error.code });
    this.deps.logger.debug({ code: error.code, hotspot: this.hotspotAddress }, `closing ingest session: ${error.message}`);
    this.socket.close(closeCodes[error.code] ?? 4400, error.code);
    this.finish();
  }

  private finish(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.initTimer);
    this.deps.telemetry.sessions.dec();
    this.onClose(this);
  }

  private send(message: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    if (this.state === 'awaiting_init') {
      void this.handleInit(data, isBinary).catch((e: unknown) => this.close(isAppError(e) ? e : new AppError('request.invalid', 'bad init message')));
      return;
    }
    const seq = ++this.seq;
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.queueAnswer(Promise.resolve({ type: 'rejected', seq, code: 'request.rate_limited', message: `more than ${MAX_IN_FLIGHT} reports awaiting storage; slow down`, retryable: true }));
      return;
    }
    this.inFlight++;
    this.queueAnswer(
      this.handleReport(seq, data, isBinary).finally(() => {
        this.inFlight--;
      }),
    );
  }

  private queueAnswer(answer: Promise<Answer>): void {
    this.answers = this.answers.then(async () => {
      const a = await answer;
      if (a.type === 'rejected') this.deps.telemetry.rejected.inc({ code: a.code, transport: 'ws' });
      this.send(a);
    });
  }

  private async handleInit(data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) throw new AppError('request.invalid', 'the first message must be the JSON init');
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      throw new AppError('request.invalid', 'init is not JSON');
    }
    if (!Value.Check(InitMessage, message)) throw new AppError('request.invalid', 'init message does not match the protocol');
    if (message.nonce !== this.nonce) throw new AppError('auth.replayed_nonce', 'init does not carry the nonce offered on this connection');
    const nowMs = this.deps.clock.nowMs();
    if (Math.abs(nowMs - message.timestampMs) > this.deps.maxSkewMs) throw new AppError('auth.stale_request', 'init timestamp too far from server time');
    const hotspotKey = binaryKeyFromAddress(message.hotspot);
    if (!hotspotKey.ok) throw new AppError('request.invalid', 'hotspot is not a valid address');
    const signature = fromBase64(message.signature);
    if (!signature || !verify(sessionInitBytes(message), signature, hotspotKey.value)) throw new AppError('auth.bad_signature', 'init signature does not verify');
    const known = await this.deps.cache.get(hotspotKey.value);
    if (!known) throw new AppError('hotspots.not_found', 'hotspot is not onboarded');

    let signerKey = hotspotKey.value;
    if (message.sessionKey !== undefined) {
      const sessionKey = binaryKeyFromAddress(message.sessionKey);
      if (!sessionKey.ok) throw new AppError('request.invalid', 'sessionKey is not a valid address');
      const expires = message.sessionKeyExpiresAtMs;
      if (expires === undefined || expires <= nowMs || expires - nowMs > this.deps.maxSessionKeyLifetimeMs) {
        throw new AppError('request.invalid', `sessionKeyExpiresAtMs must be in the future and at most ${this.deps.maxSessionKeyLifetimeMs} ms ahead`);
      }
      signerKey = sessionKey.value;
      this.sessionKeyExpiresAtMs = expires;
    }
    // Informational: a session opens without it (entropy: null) and gets the next value pushed.
    const entropy = await this.deps.latestEntropy().catch(() => undefined);
    if (this.state !== 'awaiting_init') return;
    clearTimeout(this.initTimer);
    this.binding = { hotspotKey: hotspotKey.value, signerKey };
    this.hotspotAddress = known.address;
    this.state = 'ready';
    this.send({ type: 'ready', sessionId: this.nonce.slice(0, 16), entropy: entropy ?? null });
  }

  /**
   * The answer to one report frame; never rejects, since answers go out in order on one chain and
   * a rejected link would leave every later frame of the session unanswered.
   */
  private async handleReport(seq: number, data: Buffer, isBinary: boolean): Promise<Answer> {
    try {
      return await this.checkAndStore(seq, data, isBinary);
    } catch (e) {
      if (!isAppError(e)) this.deps.logger.error({ err: e, hotspot: this.hotspotAddress }, 'ingest report failed unexpectedly');
      return rejection(seq, isAppError(e) ? e : new AppError('internal.error', 'the report could not be processed'));
    }
  }

  private async checkAndStore(seq: number, data: Buffer, isBinary: boolean): Promise<Answer> {
    const reject = (e: AppError): Answer => rejection(seq, e);
    if (this.sessionKeyExpiresAtMs !== undefined && this.deps.clock.nowMs() > this.sessionKeyExpiresAtMs) {
      this.close(new AppError('auth.session_key_expired', 'the delegated session key has expired; open a new session'));
      return reject(new AppError('auth.session_key_expired', 'session key expired'));
    }
    let kind: ReportKind;
    let decoded;
    if (isBinary) {
      const tag = data[0];
      kind = tag === REPORT_FRAME_TAG.beacon ? 'beacon' : tag === REPORT_FRAME_TAG.witness ? 'witness' : (undefined as never);
      if (!kind) return reject(new AppError('request.invalid', 'binary frames start with 0x01 (beacon) or 0x02 (witness)'));
      decoded = decodeReportBytes(kind, new Uint8Array(data.buffer, data.byteOffset + 1, data.length - 1));
    } else {
      let message: unknown;
      try {
        message = JSON.parse(data.toString('utf8'));
      } catch {
        return reject(new AppError('request.invalid', 'text frame is not JSON'));
      }
      if (!Value.Check(ReportMessage, message)) return reject(new AppError('request.invalid', 'text frames are {"type":"beacon"|"witness","report":{...}}'));
      kind = message.type;
      decoded = decodeReportJson(kind, message.report);
    }
    this.deps.telemetry.received.inc({ kind, transport: 'ws' });
    if (!decoded.ok) return reject(decoded.error);
    // A key lookup or store the database could not answer throws service.unavailable: retryable.
    const [accepted] = await acceptReports([decoded.value], this.deps.clock.nowMs(), this.deps, this.binding);
    if (!accepted?.ok) return reject(accepted?.error ?? new AppError('request.invalid', 'report refused'));
    await this.deps.store.store([accepted.value]);
    return { type: 'ack', seq, id: accepted.value.id };
  }
}
