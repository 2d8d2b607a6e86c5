import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel, sign, type Keypair } from '@cov/shared/helium/keys';
import { locationAssertionBytes } from '@cov/shared/registry/location-assertion';
import { sessionInitBytes, REPORT_FRAME_TAG } from '@cov/shared/ingest/session-init';
import { encodeBeaconReport, encodeWitnessReport, signBeaconReport, signWitnessReport, timestampNsFromMs, type BeaconReport, type WitnessReport } from '@cov/shared/helium/reports';
import { beaconReportToJson, witnessReportToJson } from '@cov/shared/helium/report-json';
import { encodeDelimitedBatch } from '@cov/shared/helium/batch';
import { heliumProto } from '@cov/shared/helium/interop';
import { fromBase64 } from '@cov/shared/helium/bytes';
import { buildBeacon, beaconRegionPlanFrom } from '@cov/shared/beacon/beacon';
import { getRegionPlan } from '@cov/shared/regions/region-plan';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';

const T0 = Date.UTC(2026, 10, 2, 6, 30, 0);

/** A WebSocket client that queues every message, so tests can await them in order. */
class Client {
  readonly messages: any[] = [];
  private waiters: ((m: any) => void)[] = [];
  closed: Promise<{ code: number; reason: string }>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      const w = this.waiters.shift();
      if (w) w(m);
      else this.messages.push(m);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }
  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const c = new Client(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return c;
  }
  next(): Promise<any> {
    const m = this.messages.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  async nextOfType(type: string): Promise<any> {
    for (;;) {
      const m = await this.next();
      if (m.type === type) return m;
    }
  }
  /**
   * The next answer to a report (ack or rejection), past any entropy pushes: the publisher's tick
   * may fall between a report and its answer.
   */
  async nextAnswer(): Promise<any> {
    for (;;) {
      const m = await this.next();
      if (m.type !== 'entropy') return m;
    }
  }
}

describe.each(allTestModes)('ingest and entropy (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  const owner = keypairFromLabel(`ingest/${mode}/owner`);
  const beaconer = keypairFromLabel(`ingest/${mode}/beaconer`);
  const witness = keypairFromLabel(`ingest/${mode}/witness`);
  const stranger = keypairFromLabel(`ingest/${mode}/not-onboarded`);
  const sessionKey = keypairFromLabel(`ingest/${mode}/session-key`);
  let wsUrl: string;
  let entropy: { data: string; timestampSec: number };

  const http = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`, {
      method,
      headers: { ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : body instanceof Uint8Array ? Buffer.from(body) : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  const beaconReport = (signer: Keypair = beaconer, overrides: Partial<BeaconReport> = {}): BeaconReport => {
    const remote = { data: fromBase64(entropy.data)!, timestampSec: entropy.timestampSec };
    const local = { data: new Uint8Array([1, 2, 3, 4]), timestampSec: 0 };
    const b = buildBeacon({ remoteEntropy: remote, localEntropy: local, region: beaconRegionPlanFrom(getRegionPlan('EU868')) });
    if (!b.ok) throw new Error('beacon');
    return signBeaconReport(
      {
        pubKeyBinary: beaconer.binaryKey,
        localEntropy: local.data,
        remoteEntropy: remote.data,
        data: b.value.payload,
        frequencyHz: b.value.frequencyHz,
        channel: 0,
        datarate: b.value.dataRate as BeaconReport['datarate'],
        txPowerDbm: 14,
        timestampNs: timestampNsFromMs(clock.nowMs()),
        tmst: 1234,
        ...overrides,
      },
      signer.secretKey,
    );
  };
  const witnessReport = (payload: Uint8Array, signer: Keypair = witness): WitnessReport =>
    signWitnessReport(
      { pubKeyBinary: witness.binaryKey, data: payload, timestampNs: timestampNsFromMs(clock.nowMs()), tmst: 99, signalDbmX10: -1000, snrDbX10: 55, frequencyHz: 867_100_000, datarate: 'SF12BW125' },
      signer.secretKey,
    );

  async function openSession(hotspot: Keypair, init: Record<string, unknown> = {}, signer: Keypair = hotspot): Promise<Client> {
    const c = await Client.open(wsUrl);
    const challenge = await c.next();
    expect(challenge).toMatchObject({ type: 'challenge', protocolVersion: 1, maxMessageBytes: node.config.INGEST_MAX_MESSAGE_BYTES });
    const fields = { hotspot: hotspot.address, nonce: challenge.nonce, timestampMs: clock.nowMs(), ...init };
    const signature = Buffer.from(sign(sessionInitBytes(fields as never), signer.secretKey)).toString('base64');
    c.ws.send(JSON.stringify({ type: 'init', ...fields, signature }));
    return c;
  }

  const countRows = async (table: 'beacon_reports' | 'witness_reports') => Number((await node.ctx.database.sql.unsafe(`select count(*)::int as n from ${table}`))[0]!.n);

  beforeAll(async () => {
    // Signatures are verified on a worker thread by default; one mode verifies inline instead.
    node = await startTestNode(mode, { services: ['api', 'ingest', 'entropy'], clock, overrides: mode === 'postgres' ? { INGEST_VERIFY_THREADS: '0' } : {} });
    wsUrl = `${node.httpBaseUrl.replace('http', 'ws')}/v1/ingest/session`;
    const maker = await http('POST', '/v1/admin/makers', { name: 'M' }, { authorization: `Bearer ${node.adminKey}` });
    for (const h of [beaconer, witness]) {
      expect((await http('POST', '/v1/hotspots', { address: h.address, ownerAddress: owner.address }, { authorization: `Bearer ${maker.body.apiKey}` })).status).toBe(201);
      const fields = { hotspot: h.address, owner: owner.address, lat: 48.85, lng: 2.35, gainDbiX10: 30, elevationM: 10, nonce: 1, timestampMs: clock.nowMs() };
      const sig = Buffer.from(sign(locationAssertionBytes(fields), owner.secretKey)).toString('base64');
      expect((await http('POST', `/v1/hotspots/${h.address}/location`, { ...fields, hotspot: undefined, signature: sig })).status).toBe(200);
    }
    for (let i = 0; i < 100; i++) {
      const res = await http('GET', '/v1/entropy/latest');
      if (res.status === 200) {
        entropy = res.body;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(entropy).toBeDefined();
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('serves signed entropy as JSON and as Helium entropy_report_v1', async () => {
    expect(fromBase64(entropy.data)).toHaveLength(32);
    expect(entropy.timestampSec).toBe(Math.floor(T0 / 1000));
    const res = await fetch(`${node.httpBaseUrl}/v1/entropy/latest?format=protobuf`);
    expect(res.headers.get('content-type')).toContain('application/x-protobuf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes).includes(Buffer.from(fromBase64(entropy.data)!))).toBe(true);
  });

  it('runs a WebSocket session: challenge, signed init, acked reports in order, errors without closing', async () => {
    const c = await openSession(beaconer);
    const ready = await c.next();
    expect(ready).toMatchObject({ type: 'ready', entropy: { data: entropy.data } });

    const beacon = beaconReport();
    c.ws.send(Buffer.concat([Buffer.from([REPORT_FRAME_TAG.beacon]), Buffer.from(encodeBeaconReport(beacon))]));
    c.ws.send(Buffer.concat([Buffer.from([REPORT_FRAME_TAG.beacon]), Buffer.from(encodeBeaconReport(beaconReport(stranger)))])); // signed by someone else
    c.ws.send(Buffer.from([REPORT_FRAME_TAG.beacon, 0xff, 0xff, 0xff]));
    c.ws.send(Buffer.from([0x07, 1, 2]));
    c.ws.send(Buffer.from([REPORT_FRAME_TAG.beacon])); // an empty report
    c.ws.send(JSON.stringify({ type: 'witness', report: witnessReportToJson(witnessReport(beacon.data)) })); // not this session's hotspot
    c.ws.send('{"type":"beacon"');
    c.ws.send(JSON.stringify({ type: 'beacon', report: beaconReportToJson(beaconReport()) }));

    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await c.nextAnswer());
    expect(answers.map((a) => [a.seq, a.type, a.code])).toEqual([
      [1, 'ack', undefined],
      [2, 'rejected', 'auth.bad_signature'],
      [3, 'rejected', 'proto.malformed'],
      [4, 'rejected', 'request.invalid'],
      [5, 'rejected', 'proto.malformed'],
      [6, 'rejected', 'ingest.wrong_hotspot'],
      [7, 'rejected', 'request.invalid'],
      [8, 'ack', undefined],
    ]);
    expect(answers[0].id).toMatch(/^[0-9a-f]{64}$/);
    const [row] = await node.ctx.database.sql`select hotspot_address, received_at_ms, tx_power_dbm, data_rate from beacon_reports where id = ${answers[0].id}`;
    expect(row).toMatchObject({ hotspot_address: beaconer.address, received_at_ms: BigInt(T0), tx_power_dbm: 14, data_rate: beacon.datarate });
    c.ws.close();
  });

  it('pushes each new entropy value to open sessions', async () => {
    const c = await openSession(witness);
    await c.nextOfType('ready');
    clock.advance(node.config.ENTROPY_INTERVAL_MS);
    let push;
    do push = await c.nextOfType('entropy');
    while (push.entropy.timestampSec !== Math.floor(clock.nowMs() / 1000));
    expect(push.entropy.data).not.toBe(entropy.data);
    c.ws.close();
  });

  it('answers a plain GET of the session URL with the error body, not an empty 404', async () => {
    const plain = await http('GET', '/v1/ingest/session');
    expect([plain.status, plain.body.error.code, plain.body.error.details]).toEqual([400, 'request.invalid', { field: 'headers/upgrade' }]);
    expect(plain.headers.get('x-request-id')).toBe(plain.body.requestId);
  });

  it('closes sessions with stable codes for bad inits and oversized frames', async () => {
    const wrongNonce = await openSession(beaconer, { nonce: Buffer.alloc(32).toString('base64') });
    expect(await wrongNonce.closed).toEqual({ code: 4409, reason: 'auth.replayed_nonce' });
    const badSig = await openSession(beaconer, {}, stranger);
    expect(await badSig.closed).toEqual({ code: 4401, reason: 'auth.bad_signature' });
    const unknown = await openSession(stranger);
    expect(await unknown.closed).toEqual({ code: 4404, reason: 'hotspots.not_found' });
    const stale = await openSession(beaconer, { timestampMs: clock.nowMs() - 3_600_000 });
    expect(await stale.closed).toEqual({ code: 4408, reason: 'auth.stale_request' });
    const notJson = await Client.open(wsUrl);
    await notJson.next();
    notJson.ws.send('hello');
    expect(await notJson.closed).toEqual({ code: 4400, reason: 'request.invalid' });
    const big = await openSession(beaconer);
    await big.nextOfType('ready');
    big.ws.send(Buffer.alloc(node.config.INGEST_MAX_MESSAGE_BYTES + 1));
    expect((await big.closed).code).toBe(1009);
    // The server still serves new sessions.
    const fine = await openSession(beaconer);
    expect((await fine.next()).type).toBe('ready');
    fine.ws.close();
  });

  it('accepts reports signed by a delegated session key until it expires', async () => {
    const c = await openSession(beaconer, { sessionKey: sessionKey.address, sessionKeyExpiresAtMs: clock.nowMs() + 60_000 });
    await c.nextOfType('ready');
    c.ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(encodeBeaconReport(beaconReport(sessionKey)))]));
    c.ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(encodeBeaconReport(beaconReport(beaconer)))]));
    expect((await c.nextAnswer()).type).toBe('ack');
    expect((await c.nextAnswer()).code).toBe('auth.bad_signature');
    clock.advance(61_000);
    c.ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(encodeBeaconReport(beaconReport(sessionKey)))]));
    expect(await c.closed).toEqual({ code: 4410, reason: 'auth.session_key_expired' });
    const tooLong = await openSession(beaconer, { sessionKey: sessionKey.address, sessionKeyExpiresAtMs: clock.nowMs() + 10 * 86_400_000 });
    expect((await tooLong.closed).code).toBe(4400);
  });

  it('takes HTTP batches in protobuf and JSON, report by report, idempotently', async () => {
    const beacon = beaconReport();
    const one = await http('POST', '/v1/ingest/beacons', encodeBeaconReport(beacon), { 'content-type': 'application/x-protobuf' });
    expect(one.body).toMatchObject({ accepted: [{ index: 0 }] });
    expect(one.status).toBe(200);
    expect(one.body.accepted).toHaveLength(1);
    // Same bytes at the same server time: same id, stored once.
    const before = await countRows('beacon_reports');
    const again = await http('POST', '/v1/ingest/beacons', encodeBeaconReport(beacon), { 'content-type': 'application/x-protobuf' });
    expect(again.body.accepted[0].id).toBe(one.body.accepted[0].id);
    expect(await countRows('beacon_reports')).toBe(before);

    const batch = encodeDelimitedBatch([encodeWitnessReport(witnessReport(beacon.data)), encodeWitnessReport(witnessReport(beacon.data, stranger)), new Uint8Array([0xff, 0x01])]);
    const res = await http('POST', '/v1/ingest/witnesses', batch, { 'content-type': 'application/x-protobuf; delimited=true' });
    expect(res.status).toBe(200);
    expect(res.body.accepted.map((a: { index: number }) => a.index)).toEqual([0]);
    expect(res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, 'auth.bad_signature'],
      [2, 'proto.malformed'],
    ]);

    // Each JSON field fits its cap, but together they encode past what a protobuf report may be (2048 bytes).
    const bloated = witnessReport(new Uint8Array(2040).fill(7));
    const json = await http('POST', '/v1/ingest/witnesses', { reports: [witnessReportToJson(witnessReport(beacon.data)), { nope: 1 }, witnessReportToJson(bloated)] });
    expect(json.body.accepted).toHaveLength(1);
    expect(json.body.rejected).toEqual([expect.objectContaining({ index: 1, code: 'request.invalid' }), expect.objectContaining({ index: 2, code: 'request.too_large' })]);
  });

  it('verifies canonical reports over their spliced bytes and others over the re-encode; tampered ones fail either way', async () => {
    clock.advance(1);
    const canonical = encodeWitnessReport(witnessReport(new Uint8Array(51).fill(3)));
    // The same report as @helium/proto writes it from a fully populated object: explicit
    // defaults (datarate SF12BW125 = 0) make it non-canonical, but it is the same signed report.
    const w = witnessReport(new Uint8Array(51).fill(4));
    const explicitDefaults = heliumProto.poc_lora.lora_witness_report_req_v1
      .encode({ pubKey: w.pubKeyBinary, data: w.data, timestamp: w.timestampNs.toString(), tmst: w.tmst, signal: w.signalDbmX10, snr: w.snrDbX10, frequency: w.frequencyHz, datarate: 0, signature: w.signature })
      .finish();
    expect(Buffer.from(explicitDefaults).equals(Buffer.from(encodeWitnessReport(w)))).toBe(false);
    const tamper = (bytes: Uint8Array) => {
      const copy = Uint8Array.from(bytes);
      copy[40] = copy[40]! ^ 1; // inside the payload
      return copy;
    };
    const batch = encodeDelimitedBatch([canonical, explicitDefaults, tamper(canonical), tamper(explicitDefaults)]);
    const res = await http('POST', '/v1/ingest/witnesses', batch, { 'content-type': 'application/x-protobuf-delimited' });
    expect(res.status).toBe(200);
    expect(res.body.accepted.map((a: { index: number }) => a.index)).toEqual([0, 1]);
    expect(res.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [2, 'auth.bad_signature'],
      [3, 'auth.bad_signature'],
    ]);
  });

  it('refuses whole bad requests with stable codes', async () => {
    const media = await http('POST', '/v1/ingest/beacons', new Uint8Array([1, 2]), { 'content-type': 'text/plain' });
    expect([media.status, media.body.error.code]).toEqual([415, 'request.unsupported_media_type']);
    const truncated = await http('POST', '/v1/ingest/beacons', new Uint8Array([0x80]), { 'content-type': 'application/x-protobuf-delimited' });
    expect([truncated.status, truncated.body.error.code]).toEqual([400, 'proto.malformed']);
    // An empty message decodes with an empty pub_key: malformed, not an unknown hotspot's report.
    const empty = await http('POST', '/v1/ingest/beacons', new Uint8Array([]), { 'content-type': 'application/x-protobuf' });
    expect([empty.status, empty.body.rejected]).toEqual([200, [{ index: 0, code: 'proto.malformed', message: expect.stringContaining('pub_key') }]]);
    const many = await http('POST', '/v1/ingest/witnesses', { reports: Array.from({ length: node.config.INGEST_MAX_BATCH_REPORTS + 1 }, () => ({})) });
    expect([many.status, many.body.error.code]).toEqual([413, 'request.too_large']);
  });

  it('answers retryable errors when hotspot keys cannot be looked up, and every session goes on', async () => {
    // Keys never looked up before, so no cached answer hides the database.
    const [unseen, unseenToo, unseenInit] = ['a', 'b', 'c'].map((l) => keypairFromLabel(`ingest/${mode}/unseen-${l}`)) as [Keypair, Keypair, Keypair];
    const c = await openSession(beaconer);
    await c.nextOfType('ready');
    const before = await countRows('beacon_reports');
    await node.ctx.database.sql`alter table hotspots rename to hotspots_away`;
    let batch, init;
    try {
      clock.advance(1);
      c.ws.send(Buffer.concat([Buffer.from([REPORT_FRAME_TAG.beacon]), Buffer.from(encodeBeaconReport(beaconReport(unseen, { pubKeyBinary: unseen.binaryKey })))]));
      // Was an unhandled rejection that left the session answering nothing ever again.
      expect(await c.nextAnswer()).toMatchObject({ type: 'rejected', seq: 1, code: 'service.unavailable', retryable: true });
      // Was a 500 without Retry-After.
      batch = await http('POST', '/v1/ingest/beacons', encodeBeaconReport(beaconReport(unseenToo, { pubKeyBinary: unseenToo.binaryKey })), { 'content-type': 'application/x-protobuf' });
      // Was closed 4400 request.invalid, as if the init were malformed.
      init = await (await openSession(unseenInit)).closed;
    } finally {
      await node.ctx.database.sql`alter table hotspots_away rename to hotspots`;
    }
    expect([batch.status, batch.body.error.code, batch.headers.get('retry-after')]).toEqual([503, 'service.unavailable', '1']);
    expect(init).toEqual({ code: 1012, reason: 'service.unavailable' });
    c.ws.send(Buffer.concat([Buffer.from([REPORT_FRAME_TAG.beacon]), Buffer.from(encodeBeaconReport(beaconReport()))]));
    expect(await c.nextAnswer()).toMatchObject({ type: 'ack', seq: 2 });
    expect(await countRows('beacon_reports')).toBe(before + 1);
    c.ws.close();
  });

  it('answers 503 with Retry-After when reports cannot be stored, stores nothing, and recovers', async () => {
    const before = await countRows('witness_reports');
    await node.ctx.database.sql`alter table witness_reports rename to witness_reports_away`;
    let res;
    try {
      clock.advance(1);
      res = await http('POST', '/v1/ingest/witnesses', { reports: [witnessReportToJson(witnessReport(new Uint8Array(51)))] });
    } finally {
      await node.ctx.database.sql`alter table witness_reports_away rename to witness_reports`;
    }
    expect([res.status, res.body.error.code, res.headers.get('retry-after')]).toEqual([503, 'service.unavailable', '1']);
    expect(await countRows('witness_reports')).toBe(before);
    const retry = await http('POST', '/v1/ingest/witnesses', { reports: [witnessReportToJson(witnessReport(new Uint8Array(51)))] });
    expect(retry.status).toBe(200);
    expect(await countRows('witness_reports')).toBe(before + 1);
  });
});
