/**
 * POSTs one JSON message per packet to a device maker's HTTP endpoint and hands back the parsed
 * answer (which may carry a downlink). Connections are kept alive and capped per endpoint, so a
 * burst of packets reuses sockets instead of opening thousands; an endpoint that has not finished
 * its answer within the timeout (counted from when the message is handed over, however it stalls)
 * counts as an error and frees its socket.
 */
import http from 'node:http';
import https from 'node:https';
import { WEBHOOK_SIGNATURE_HEADER, webhookSignature, type Signing } from '@cov/shared/routing/webhook-signature';

export type HttpForwardResult = { ok: true; status: number; body: unknown } | { ok: false; error: string; status?: number };

const MAX_RESPONSE_BYTES = 64 * 1024;

export class HttpForwarder {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: { timeoutMs: number; maxSocketsPerEndpoint: number; userAgent?: string }) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.maxSocketsPerEndpoint });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.maxSocketsPerEndpoint });
  }

  /**
   * `signing`: the org's secrets in force and the time to sign at (routing/webhook-signature.ts);
   * the signature covers the exact bytes sent.
   */
  post(url: string, message: unknown, authHeader?: string, signing?: Signing): Promise<HttpForwardResult> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve({ ok: false, error: 'bad_url' });
    }
    const body = Buffer.from(JSON.stringify(message));
    const signature = signing ? webhookSignature(body, signing.secrets, signing.nowMs) : undefined;
    const isHttps = target.protocol === 'https:';
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: HttpForwardResult) => {
        if (!settled) {
          settled = true;
          clearTimeout(deadline);
          resolve(r);
        }
      };
      // The whole exchange, from queueing for a socket to the answer's last byte, has the timeout:
      // the socket's idle timeout alone never fires for an endpoint that trickles its answer.
      const deadline = setTimeout(() => {
        req.destroy(new Error('timeout'));
        done({ ok: false, error: 'timeout' });
      }, this.options.timeoutMs);
      const req = (isHttps ? https : http).request(
        target,
        {
          method: 'POST',
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'user-agent': this.options.userAgent ?? 'coverage-router',
            ...(authHeader ? { authorization: authHeader } : {}),
            ...(signature ? { [WEBHOOK_SIGNATURE_HEADER]: signature } : {}),
          },
          timeout: this.options.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return done({ ok: false, error: `status_${status}`, status });
            const text = Buffer.concat(chunks).toString('utf8');
            if (!text.trim()) return done({ ok: true, status, body: null });
            try {
              done({ ok: true, status, body: JSON.parse(text) as unknown });
            } catch {
              // An answer that is not JSON still means the packet was taken; it just carries no downlink.
              done({ ok: true, status, body: null });
            }
          });
          res.on('error', () => done({ ok: false, error: 'response_error' }));
        },
      );
      req.on('timeout', () => {
        req.destroy(new Error('timeout'));
        done({ ok: false, error: 'timeout' });
      });
      req.on('error', (e) => done({ ok: false, error: (e as NodeJS.ErrnoException).code ?? 'request_error' }));
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
