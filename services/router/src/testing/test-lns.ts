/**
 * A device maker's network server for tests and benchmarks: an HTTP server taking the router's
 * webhook messages, recording them, and answering with whatever the test decides (a downlink, an
 * error status, nothing).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookMessage } from '../forwarding/webhook-message';

export interface ReceivedUplink {
  path: string;
  authorization: string | undefined;
  /** The x-cov-signature header, when the org signs its webhooks. */
  signature: string | undefined;
  /** The body as sent: what the signature covers. */
  body: Buffer;
  message: WebhookMessage;
  atMs: number;
}

export class TestLns {
  readonly uplinks: ReceivedUplink[] = [];
  /** Decides the answer: a status and an optional JSON body. */
  answer: (u: ReceivedUplink) => { status: number; body?: unknown } = () => ({ status: 200 });
  private server: http.Server | undefined;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const signature = req.headers['x-cov-signature'];
        const received: ReceivedUplink = {
          path: req.url ?? '',
          authorization: req.headers.authorization,
          signature: typeof signature === 'string' ? signature : undefined,
          body: raw,
          message: JSON.parse(raw.toString('utf8')) as WebhookMessage,
          atMs: performance.now(),
        };
        this.uplinks.push(received);
        const { status, body } = this.answer(received);
        res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  on(path: string): ReceivedUplink[] {
    return this.uplinks.filter((u) => u.path === path);
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
