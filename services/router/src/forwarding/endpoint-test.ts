/**
 * Testing a route's endpoint on the org's request, from the router itself: the process that
 * delivers the route's packets, from where it sits on the network, with the same HTTP client,
 * timeout and Authorization header. A maker setting up a route sees at once whether its network
 * server takes what the router sends, instead of waiting for a device's packet and reading
 * `endpoint_error` in the route's stats (a packet that is paid for).
 *
 * Nothing is heard, bought or recorded: an HTTP endpoint gets a `type: "test"` message, a GWMP LNS
 * a status-only PUSH_DATA (no rxpk) which it acknowledges with a PUSH_ACK. The route's back-off
 * state is not touched. What failed is told in one word, as the route's `delivery` already tells
 * the router's own failures (`status_503`, `timeout`, `ECONNREFUSED`), and nothing of the answer's
 * body, so the test tells a maker no more about the router's network than its packets would.
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { secretsInForce, type SigningSecrets } from '@cov/shared/routing/webhook-signature';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { encodeGwmpPacket, parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { RouteEndpoint } from '@cov/shared/db/schema/routing';
import type { RouteTestMessage } from '@cov/shared/routing/webhook-message-schema';
import type { HttpForwarder } from './http-forwarder';

export interface EndpointTestResult {
  /** Whether every target took the test. */
  delivered: boolean;
  /** The HTTP URL, or each UDP port of a GWMP LNS (its port, and each region's port when it maps regions). */
  targets: TargetTestResult[];
}

export interface TargetTestResult {
  /** The URL without user info or query (they may hold secrets), or `host:port`. */
  target: string;
  /** Whether the target took the test: a 2xx answer, or the LNS's PUSH_ACK. */
  delivered: boolean;
  /** `delivered`, or why not in one word. */
  outcome: string;
  /** The HTTP status, when the endpoint answered one. */
  status: number | null;
  /** From sending to the answer (or to giving up). */
  latencyMs: number;
}

/** The gateway EUI a test PUSH_DATA comes from: no hotspot's, so an LNS never takes it for one. */
export const TEST_GATEWAY_EUI = '0000000000000000';

const TEST_NOTE = 'A test of this route from the coverage network router: no packet was heard and nothing was paid. Answer 2xx and do nothing else.';

/** A URL as the test names it back: scheme, host, port and path. */
function urlForDisplay(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** Semtech's `stat.time` format: "2026-11-22 10:00:00 GMT". */
const semtechTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} GMT`;

export class EndpointTester {
  constructor(
    private readonly http: HttpForwarder,
    private readonly timeoutMs: number,
    /** Wall-clock ms, for the message's time. */
    private readonly nowMs: () => number,
  ) {}

  /** `signing`: the org's secrets, which sign an HTTP test as they sign its packets. */
  async test(routeId: string, endpoint: RouteEndpoint, signing?: SigningSecrets): Promise<EndpointTestResult> {
    const signingSecrets = secretsInForce(signing, this.nowMs());
    const targets =
      endpoint.protocol === 'http'
        ? [await this.timed(urlForDisplay(endpoint.url), () => this.testHttp(routeId, endpoint, signingSecrets))]
        : await Promise.all(
            [...new Set([endpoint.port, ...Object.values(endpoint.regionPorts ?? {})])]
              .filter((port): port is number => port !== undefined)
              .map((port) => this.timed(`${endpoint.host}:${port}`, () => this.testGwmp(endpoint.host, port))),
          );
    return { delivered: targets.every((t) => t.delivered), targets };
  }

  private async timed(target: string, run: () => Promise<Omit<TargetTestResult, 'target' | 'latencyMs'>>): Promise<TargetTestResult> {
    const started = performance.now();
    const result = await run();
    return { target, ...result, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  private async testHttp(routeId: string, endpoint: Extract<RouteEndpoint, { protocol: 'http' }>, signingSecrets: readonly string[]): Promise<Omit<TargetTestResult, 'target' | 'latencyMs'>> {
    const nowMs = this.nowMs();
    const message: RouteTestMessage = { id: `test-${randomBytes(8).toString('hex')}`, type: 'test', routeId, sentAt: new Date(nowMs).toISOString(), note: TEST_NOTE };
    const r = await this.http.post(endpoint.url, message, endpoint.authHeader, { secrets: signingSecrets, nowMs });
    return r.ok ? { delivered: true, outcome: 'delivered', status: r.status } : { delivered: false, outcome: r.error, status: r.status ?? null };
  }

  /** A status-only PUSH_DATA from a socket connected to the LNS, and its PUSH_ACK (same token). */
  private async testGwmp(host: string, port: number): Promise<Omit<TargetTestResult, 'target' | 'latencyMs'>> {
    let address: string;
    let family: number;
    try {
      ({ address, family } = isIP(host) ? { address: host, family: isIP(host) } : await lookup(host));
    } catch (e) {
      return { delivered: false, outcome: (e as NodeJS.ErrnoException).code ?? 'unresolved', status: null };
    }
    const token = randomBytes(2).readUInt16BE(0);
    const datagram = encodeGwmpPacket({ type: 'PUSH_DATA', token, gatewayEui: TEST_GATEWAY_EUI, rxpk: [], stat: { time: semtechTime(this.nowMs()), rxnb: 0, rxok: 0, rxfw: 0, dwnb: 0, txnb: 0 } });
    if (!datagram.ok) throw datagram.error;
    const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: Omit<TargetTestResult, 'target' | 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        socket.close();
        resolve(r);
      };
      const deadline = setTimeout(() => done({ delivered: false, outcome: 'timeout', status: null }), this.timeoutMs);
      // A connected socket hears only the LNS, and hears its ICMP "port unreachable" as an error.
      socket.on('error', (e) => done({ delivered: false, outcome: (e as NodeJS.ErrnoException).code ?? 'unreachable', status: null }));
      socket.on('message', (msg) => {
        const p = parseGwmpPacket(msg);
        if (p.ok && p.value.type === 'PUSH_ACK' && p.value.token === token) done({ delivered: true, outcome: 'delivered', status: null });
      });
      socket.connect(port, address, () => {
        socket.send(datagram.value, (e) => {
          if (e) done({ delivered: false, outcome: (e as NodeJS.ErrnoException).code ?? 'unreachable', status: null });
        });
      });
    });
  }
}
