/**
 * The device makers' network server as the router reaches it: an HTTP endpoint (the route's
 * webhook URL). Each POST carries one packet (its PHYPayload, base64); the answer carries the
 * downlink the network server wants sent, if any, or nothing (204). A route test (`type: "test"`)
 * is answered 204. Messages are checked against the organisation's webhook signature once its
 * device maker has a secret.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NetworkServerAnswer } from './network-server';
import type { LnsHandler } from './device-maker-lns';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from '@cov/shared/routing/webhook-signature';

const MAX_BODY_BYTES = 64 * 1024;

export interface LnsServerStats {
  received: number;
  /** Messages whose x-cov-signature verified with their organisation's secret. */
  signed: number;
  /** Messages without one (the org has no secret, or the router has not reloaded it yet). */
  unsigned: number;
  /** Route tests the router sent (`type: "test"`): answered 204, no packet. */
  tests: number;
  joinAccepts: number;
  downlinks: number;
  rejected: Record<string, number>;
}

/** What the router is handed back: the downlink PHYPayload and the receive window delay. */
export function routerAnswer(answer: NetworkServerAnswer): Record<string, unknown> | null {
  if (answer.kind === 'join_accept') return { downlink: { payload: Buffer.from(answer.phyPayload).toString('base64'), rx1: { delayMs: answer.delayS * 1000 } } };
  if (answer.kind === 'uplink' && answer.downlink) return { downlink: { payload: Buffer.from(answer.downlink).toString('base64'), rx1: { delayMs: answer.delayS * 1000 } } };
  return null;
}

export class LnsHttpServer {
  handler: LnsHandler | null = null;
  readonly stats: LnsServerStats = { received: 0, signed: 0, unsigned: 0, tests: 0, joinAccepts: 0, downlinks: 0, rejected: {} };
  private server: Server | undefined;
  /** Route id -> its organisation's signing secret. */
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly host: string,
    /** The Authorization header the router must present (the route's authHeader). */
    private readonly expectedAuthorization: string | null = null,
    /** The backend's time, which the router signs at (an accelerated clock in the demo and tests). */
    private readonly nowMs: () => number = Date.now,
  ) {}

  async start(): Promise<{ protocol: 'http'; url: string }> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    this.server = server;
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.host, () => resolve((server.address() as AddressInfo).port));
    });
    return { protocol: 'http', url: `http://${this.host}:${port}/lns/uplink` };
  }

  /** Checks the signature of the route's messages from now on (a device maker's secret). */
  trustSignatures(routeId: string, secret: string): void {
    this.secrets.set(routeId, secret);
  }

  /**
   * A receiver's policy while secrets roll out: a signature that does not verify with the route's
   * secret is refused (401, `bad_signature`), one that does is counted; a message without one is
   * counted and taken, as a router signs only from its next routing reload after a secret is made.
   */
  private signatureRefused(req: IncomingMessage, body: Buffer, routeId: unknown): boolean {
    const header = req.headers[WEBHOOK_SIGNATURE_HEADER];
    if (typeof header !== 'string') {
      this.stats.unsigned++;
      return false;
    }
    const secret = typeof routeId === 'string' ? this.secrets.get(routeId) : undefined;
    if (secret !== undefined && !verifyWebhookSignature(header, body, secret, this.nowMs())) {
      this.stats.rejected.bad_signature = (this.stats.rejected.bad_signature ?? 0) + 1;
      return true;
    }
    if (secret !== undefined) this.stats.signed++;
    return false;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.expectedAuthorization !== null && req.headers.authorization !== this.expectedAuthorization) {
      this.stats.rejected.unauthorized = (this.stats.rejected.unauthorized ?? 0) + 1;
      res.writeHead(401).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    let payload: Uint8Array | null = null;
    const raw = Buffer.concat(chunks);
    try {
      const body = JSON.parse(raw.toString('utf8')) as { phyPayload?: unknown; type?: unknown; routeId?: unknown };
      if (this.signatureRefused(req, raw, body.routeId)) {
        res.writeHead(401).end();
        return;
      }
      // A route test from the router carries no packet: take it (2xx) and do nothing else.
      if (body.type === 'test') {
        this.stats.tests++;
        res.writeHead(204).end();
        return;
      }
      if (typeof body.phyPayload === 'string') payload = new Uint8Array(Buffer.from(body.phyPayload, 'base64'));
    } catch {
      payload = null;
    }
    if (!payload || !this.handler) {
      res.writeHead(payload ? 503 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: payload ? 'not ready' : 'phyPayload missing' }));
      return;
    }
    this.stats.received++;
    const answer = this.handler.handle(payload);
    if (answer.kind === 'rejected') this.stats.rejected[answer.reason] = (this.stats.rejected[answer.reason] ?? 0) + 1;
    if (answer.kind === 'join_accept') this.stats.joinAccepts++;
    const reply = routerAnswer(answer);
    if (!reply) {
      res.writeHead(204).end();
      return;
    }
    if (answer.kind === 'uplink') this.stats.downlinks++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
