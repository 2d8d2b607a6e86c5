/**
 * Throws random and mutated datagrams at the live GWMP socket (seeded, so a failure replays) and
 * checks the router keeps serving: every bad datagram is counted, nothing escapes as an internal
 * error, a valid uplink afterwards is still acknowledged and forwarded, no frame the router must
 * refuse (CRC failed or absent, a size that is not the data's length, a datagram with a malformed
 * rxpk) reaches the device maker, and every DC burned paid for a message the device maker got.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGwmpPacket } from '@cov/shared/gwmp/packet';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { buildDataFrame } from '@cov/shared/lorawan/frame-builder';
import { buildJoinRequest } from '@cov/shared/lorawan/join';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import type { RouterServiceModule } from './service';
import { TestGateway, rxpkOf, waitFor } from './testing/test-gateway';
import { TestLns } from './testing/test-lns';
import { mulberry32 as prng } from '@cov/shared/seeded-random';


const SEED = 0x5eed_0006;
const DATAGRAMS = 3000;
const keys = { nwkSKey: new Uint8Array(16).fill(1), appSKey: new Uint8Array(16).fill(2) };

describe('GWMP fuzzing (embedded)', () => {
  let node: TestNode;
  let router: RouterServiceModule['router'];
  const lns = new TestLns();
  let gw: TestGateway;
  let org: { org: { id: string }; apiKey: string };

  const metrics = async () => (await fetch(`${node.httpBaseUrl}/metrics`)).text();
  const dropped = (text: string, reason: string) => Number(new RegExp(`^cov_router_dropped_total\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);

  beforeAll(async () => {
    await lns.start();
    node = await startTestNode('embedded', { services: ['api', 'router'], overrides: { ROUTER_DEDUP_WINDOW_MS: '50' } });
    router = (node.modules.find((m) => m.name === 'router') as RouterServiceModule).router;
    const call = async (path: string, body: unknown, key: string) =>
      (await fetch(`${node.httpBaseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) })).json() as Promise<any>;
    const maker = await call('/v1/admin/makers', { name: 'Fuzz Gateways' }, node.adminKey);
    const hotspot = keypairFromLabel('router-fuzz/hotspot');
    await call('/v1/hotspots', { address: hotspot.address, ownerAddress: keypairFromLabel('router-fuzz/owner').address, gatewayEui: 'FEEDFACE00000001' }, maker.apiKey);
    org = await call('/v1/admin/orgs', { name: 'Fuzz Org', devAddrCount: 8 }, node.adminKey);
    await call(`/v1/orgs/${org.org.id}/routes`, { endpoint: { protocol: 'http', url: lns.url('/fuzz') }, maxCopies: 1, devAddrRanges: [{ start: 'fc014c00', end: 'fc014c07' }], euiPairs: [{ joinEui: '0102030405060708', devEui: '0000000000000000' }] }, org.apiKey);
    await call(`/v1/admin/orgs/${org.org.id}/dc`, { amountDc: 1_000_000 }, node.adminKey);
    await router.reloadRoutes();
    gw = await new TestGateway('feedface00000001', '127.0.0.1', router.gwmpPort).start();
    await gw.pull();
    await waitFor(() => gw.acks('PULL_ACK') === 1, 'PULL_ACK');
  });

  afterAll(async () => {
    await gw?.close();
    await node?.destroy();
    await lns.close();
  });

  it('survives thousands of random and mutated datagrams and keeps routing', async () => {
    const rand = prng(SEED);
    const int = (n: number) => Math.floor(rand() * n);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
    const validUplink = () => {
      const b = buildDataFrame({ mtype: 'UnconfirmedDataUp', devAddr: `fc014c0${int(8)}`, fCnt: int(65536), fPort: 1, payload: bytes(int(40)) }, keys);
      return b.ok ? b.value : bytes(20);
    };
    /** Frames sent only in ways the router must refuse: none may reach the device maker or be paid. */
    const refused = new Set<string>();
    const mustRefuse = (frame: Uint8Array) => {
      const data = Buffer.from(frame).toString('base64');
      refused.add(data);
      return frame;
    };
    const radio = { tmst: 1, rssiDbm: -60, snrDb: 1 };
    const push = (rxpk: unknown[]) => {
      const ok = encodeGwmpPacket({ type: 'PUSH_DATA', token: int(65536), gatewayEui: gw.eui, rxpk: [], stat: null });
      if (!ok.ok) throw ok.error;
      return Buffer.concat([Buffer.from(ok.value.subarray(0, 12)), Buffer.from(JSON.stringify({ rxpk }))]);
    };
    const shapes: (() => Uint8Array)[] = [
      () => bytes(int(64)),
      () => bytes(int(1500)),
      () => {
        const d = Buffer.from(push([rxpkOf(validUplink(), { tmst: int(2 ** 32), rssiDbm: -int(130), snrDb: 5 })]));
        for (let i = 0; i < 1 + int(4); i++) d[int(d.length)] = int(256);
        return d;
      },
      () => Buffer.from(push([rxpkOf(validUplink(), { tmst: int(2 ** 32), rssiDbm: -60, snrDb: 5 })])).subarray(0, int(120)),
      () => push([{ ...rxpkOf(bytes(int(260)), { tmst: 1, rssiDbm: -60, snrDb: 1 }) }]),
      () => push([{ tmst: 'x', freq: null, data: 5 }, { garbage: true }, 7, null, []]),
      () => push([{ ...rxpkOf(mustRefuse(validUplink()), radio), stat: -1 }]),
      () => push([{ ...rxpkOf(mustRefuse(validUplink()), radio), stat: 0 }]),
      () => {
        const frame = mustRefuse(validUplink());
        return push([{ ...rxpkOf(frame, radio), size: frame.length + 1 + int(300) }]);
      },
      () => {
        const frame = mustRefuse(validUplink());
        return push([{ ...rxpkOf(frame, radio), size: frame.length - 1 - int(frame.length) }]);
      },
      // A good rxpk beside a malformed one: the datagram is refused whole, as Semtech/ChirpStack/Helium parsers do.
      () => push([rxpkOf(mustRefuse(validUplink()), radio), [{ tmst: 1 }, null, 'x', { ...rxpkOf(validUplink(), radio), tmst: -1 }, { ...rxpkOf(validUplink(), radio), modu: 'FSK' }][int(5)]]),
      // Near the largest UDP datagram: still parsed, its rxpk routed.
      () => Buffer.concat([Buffer.from(push([rxpkOf(validUplink(), radio)]).subarray(0, 12)), Buffer.from(JSON.stringify({ rxpk: [rxpkOf(validUplink(), radio)], pad: 'x'.repeat(60_000) }))]),
      () => push([{ ...rxpkOf(validUplink(), { tmst: 1, rssiDbm: -60, snrDb: 1 }), data: '!!!notbase64' }]),
      () => push([{ ...rxpkOf(new Uint8Array(0), { tmst: 1, rssiDbm: -60, snrDb: 1 }) }]),
      () => push(Array.from({ length: int(20) }, () => rxpkOf(validUplink(), { tmst: int(2 ** 32), rssiDbm: -60, snrDb: 2 }))),
      () => {
        const jr = buildJoinRequest({ joinEui: '0102030405060708', devEui: Buffer.from(bytes(8)).toString('hex'), devNonce: int(65536) }, keys.nwkSKey);
        return push([rxpkOf(jr.ok ? jr.value : bytes(23), { tmst: 1, rssiDbm: -60, snrDb: 1 })]);
      },
      () => Buffer.concat([Buffer.from([2, int(256), int(256), int(8)]), Buffer.from(bytes(8)), Buffer.from('{"rxpk":[{"data":"QAEC"}], "stat": {"ackr": null, "lati": "x"}}')]),
      () => Buffer.concat([Buffer.from([int(4), int(256), int(256), int(256)]), Buffer.from(bytes(int(40)))]),
      () => Buffer.concat([Buffer.from([2, 0, 1, 5]), Buffer.from(gw.eui, 'hex'), Buffer.from(`{"txpk_ack":{"error":"${'X'.repeat(int(50))}"}}\u0000`)]),
      () => Buffer.concat([Buffer.from([2, 0, 1, 3]), Buffer.from('{"txpk":{"imme":true,"freq":868.1,"modu":"LORA","datr":"SF7BW125","data":"AA=="}}')]),
      () => Buffer.concat([Buffer.from([2, 0, 1, 0]), Buffer.from(gw.eui, 'hex'), Buffer.from('['.repeat(5000))]),
    ];
    const before = await metrics();
    for (let i = 0; i < DATAGRAMS; i++) {
      await gw.sendRaw(shapes[int(shapes.length)]!());
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 5)); // let the socket drain
    }
    // Still serving: a pull is answered and a clean uplink reaches the LNS. The burst overflows the
    // router's socket buffer at times (the embedded database shares its event loop), and the kernel
    // drops what does not fit, a pull included: like a real forwarder's keepalive, pull again until
    // answered.
    const pullAcks = gw.acks('PULL_ACK');
    let pulledAt = 0;
    await waitFor(async () => {
      if (gw.acks('PULL_ACK') > pullAcks) return true;
      if (Date.now() - pulledAt > 1000) {
        pulledAt = Date.now();
        await gw.pull();
      }
      return false;
    }, 'PULL_ACK after fuzzing');
    await router.drain();
    const n = lns.on('/fuzz').length;
    const clean = buildDataFrame({ mtype: 'UnconfirmedDataUp', devAddr: 'fc014c05', fCnt: 70_000 & 0xffff, fPort: 9, payload: Uint8Array.of(0xaa, 0xbb) }, keys);
    if (!clean.ok) throw clean.error;
    // The burst spent the hotspot's rate (ROUTER_GATEWAY_MAX_UPLINKS_PER_S): its next uplinks are
    // refused until the bucket refills, so send again each second, as a device's next uplink would.
    let sentAt = 0;
    const last = await waitFor(async () => {
      const found = lns.on('/fuzz').find((u, i) => i >= n && u.message.frame.mtype === 'UnconfirmedDataUp' && (u.message.frame as { fPort: number }).fPort === 9);
      if (found) return found;
      if (Date.now() - sentAt > 1000) {
        sentAt = Date.now();
        await gw.push([rxpkOf(clean.value, { tmst: 42, rssiDbm: -70, snrDb: 3 })]);
      }
      return undefined;
    }, 'clean uplink after fuzzing');
    expect(last.message.payloadBytes).toBe(2);

    // Nothing the router had to refuse reached the device maker, and what it burned paid for what arrived.
    await router.drain();
    expect(lns.on('/fuzz').filter((u) => refused.has(u.message.phyPayload))).toEqual([]);
    const balance = (await (await fetch(`${node.httpBaseUrl}/v1/orgs/${org.org.id}`, { headers: { authorization: `Bearer ${org.apiKey}` } })).json()) as { balanceDc: number };
    const burned = 1_000_000 - balance.balanceDc;
    const delivered = lns.on('/fuzz').reduce((dc, u) => dc + u.message.dc, 0);
    expect(delivered).toBeGreaterThan(0);

    const after = await metrics();
    // A paid message the endpoint did not take in time (a very busy machine) is the one way to burn for nothing seen.
    if (dropped(after, 'endpoint_error') === 0) expect(burned).toBe(delivered);
    else expect(burned).toBeGreaterThanOrEqual(delivered);
    for (const reason of ['bad_version', 'truncated', 'bad_json', 'bad_field', 'lorawan_malformed', 'crc_failed', 'bad_payload', 'unknown_gateway', 'unexpected_type', 'gateway_throttled']) {
      expect([reason, dropped(after, reason) > dropped(before, reason)]).toEqual([reason, true]);
    }
    expect(dropped(after, 'internal_error')).toBe(0);
    // Valid uplinks inside the fuzz were routed and paid, too.
    expect(lns.on('/fuzz').length).toBeGreaterThan(10);
  });
});
