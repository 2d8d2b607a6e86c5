/**
 * The device makers' network server as the router reaches it: an HTTP endpoint (the route's
 * webhook URL). Each POST carries one packet (its PHYPayload, base64); the answer carries the
 * downlink the network server wants sent, if any, or nothing (204). A route test (`type: "test"`)
 * is answered 204.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NetworkServerAnswer } from './network-server';
import type { LnsHandler } from './device-maker-lns';

const MAX_BODY_BYTES = 64 * 1024;

export interface LnsServerStats {
  received: number;
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
  readonly stats: LnsServerStats = { received: 0, tests: 0, joinAccepts: 0, downlinks: 0, rejected: {} };
  private server: Server | undefined;

  constructor(
    private readonly host: string,
    /** The Authorization header the router must present (the route's authHeader). */
    private readonly expectedAuthorization: string | null = null,
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
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { phyPayload?: unknown; type?: unknown };
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
