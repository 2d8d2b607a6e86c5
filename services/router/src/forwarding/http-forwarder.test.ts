import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpForwarder } from './http-forwarder';

/** A device maker's endpoint whose behaviour each test sets. */
async function endpoint(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/uplinks`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('HTTP forwarder', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('hands back a 2xx answer, parsed when it is JSON and null otherwise', async () => {
    let answer = '{"downlink":{"payload":"YAEC"}}';
    const lns = await endpoint((_req, res) => res.end(answer));
    const forwarder = new HttpForwarder({ timeoutMs: 2000, maxSocketsPerEndpoint: 4 });
    cleanup.push(() => forwarder.close(), () => lns.close());
    expect(await forwarder.post(lns.url, { id: 1 })).toEqual({ ok: true, status: 200, body: { downlink: { payload: 'YAEC' } } });
    answer = 'thanks';
    expect(await forwarder.post(lns.url, { id: 2 })).toEqual({ ok: true, status: 200, body: null });
    answer = '';
    expect(await forwarder.post(lns.url, { id: 3 })).toEqual({ ok: true, status: 200, body: null });
  });

  it('counts a non-2xx status and a bad URL as errors', async () => {
    const lns = await endpoint((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    const forwarder = new HttpForwarder({ timeoutMs: 2000, maxSocketsPerEndpoint: 4 });
    cleanup.push(() => forwarder.close(), () => lns.close());
    expect(await forwarder.post(lns.url, {})).toEqual({ ok: false, error: 'status_503', status: 503 });
    expect(await forwarder.post('not a url', {})).toEqual({ ok: false, error: 'bad_url' });
  });

  // A socket idle timeout alone never fires for an endpoint that keeps sending a byte now and then:
  // the message would stay in flight for good, its packet paid and never known delivered, and the
  // stuck sockets would hold up every later message to that endpoint.
  it('gives up on an endpoint that trickles its answer without ever finishing it', async () => {
    const lns = await endpoint((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const drip = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(drip));
    });
    const forwarder = new HttpForwarder({ timeoutMs: 150, maxSocketsPerEndpoint: 1 });
    cleanup.push(() => forwarder.close(), () => lns.close());
    expect(await forwarder.post(lns.url, {})).toEqual({ ok: false, error: 'timeout' });
  });

  it('gives up on a message still waiting for one of the endpoint’s sockets', async () => {
    const lns = await endpoint(() => {
      // never answers
    });
    const forwarder = new HttpForwarder({ timeoutMs: 150, maxSocketsPerEndpoint: 1 });
    cleanup.push(() => forwarder.close(), () => lns.close());
    const results = await Promise.all([forwarder.post(lns.url, { n: 1 }), forwarder.post(lns.url, { n: 2 })]);
    expect(results).toEqual([
      { ok: false, error: 'timeout' },
      { ok: false, error: 'timeout' },
    ]);
  });
});
