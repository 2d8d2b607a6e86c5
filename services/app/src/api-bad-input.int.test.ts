/**
 * Bad input anywhere gets a clear error with a stable code, never a crash, and never changes stored
 * data: every operation of the OpenAPI document (admin, organisation, owner-signed, ingest and
 * router routes included) is sent the bad requests testing/bad-requests.ts derives from its own
 * schemas, against a node running every service with a little seeded data, and each answer is held
 * to the conventions (testing/bad-request-answers.ts). The stored data is fingerprinted before and
 * after the sweep.
 *
 * Query variants are sampled with a seeded generator: API_SWEEP_SEED=<n> replays a run, and every
 * failure names the seed and its case. API_SWEEP_LOG=<file> writes every case with the status and
 * code it got to <file>.<mode>, to see what the sweep reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypairFromLabel, sign } from '@cov/shared/helium/keys';
import { locationAssertionBytes } from '@cov/shared/registry/location-assertion';
import { onboardTestHotspots } from '@cov/router/testing/onboard-test-hotspots';
import { allTestModes, startTestNode, type HttpAnswer, type TestNode } from './testing/test-node';
import { badRequestsFor, listOperations, undocumentedMethodRequests, type BadRequest, type OpenApiDocument, type Operation, type SweepTargets } from './testing/bad-requests';
import { answerProblems } from './testing/bad-request-answers';
import { seededRandom } from './testing/seeded-random';
import { storedDataFingerprint } from './testing/stored-data-fingerprint';

const SEED = Number(process.env.API_SWEEP_SEED ?? 20260401);
/** Requests in flight at once: enough to keep the node busy, few enough for two shared cores. */
const CONCURRENCY = 4;

interface Seeded {
  orgA: { id: string; key: string; keyId: string; routeId: string };
  orgB: { key: string };
  maker: { id: string; key: string };
  hotspot: string;
  owner: ReturnType<typeof keypairFromLabel>;
  denylistEntryId: number;
}

async function seed(node: TestNode, label: string): Promise<Seeded> {
  const ok = (r: HttpAnswer, what: string): HttpAnswer => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
    return r;
  };
  const admin = node.adminKey;
  const a = ok(await node.call('POST', '/v1/admin/orgs', { name: 'Sweep Org A', devAddrCount: 8 }, admin), 'org A').body;
  const b = ok(await node.call('POST', '/v1/admin/orgs', { name: 'Sweep Org B', devAddrCount: 8 }, admin), 'org B').body;
  const keys = ok(await node.call('GET', `/v1/orgs/${a.org.id}/api-keys`, undefined, a.apiKey), 'org A keys').body;
  const route = ok(await node.call('POST', `/v1/orgs/${a.org.id}/routes`, { name: 'sweep', endpoint: { protocol: 'http', url: 'http://127.0.0.1:9/x' } }, a.apiKey), 'route').body;
  const maker = ok(await node.call('POST', '/v1/admin/makers', { name: 'Sweep Maker' }, admin), 'maker').body;
  const [hotspot] = await onboardTestHotspots((m, p, body, key) => node.call(m, p, body, key), admin, { label, euiPrefix: 'AB0000000000BA', count: 1, at: { lat: 39.74, lng: -104.99 }, makerName: 'Sweep Hotspot Maker' });
  const entry = ok(await node.call('POST', '/v1/admin/denylist/entries', { kind: 'key', address: keypairFromLabel(`${label}/denied`).address, reason: 'sweep' }, admin), 'denylist entry').body;
  return {
    orgA: { id: a.org.id, key: a.apiKey, keyId: keys.data[0].id, routeId: route.id },
    orgB: { key: b.apiKey },
    maker: { id: maker.maker.id, key: maker.apiKey },
    hotspot: hotspot!.address,
    owner: keypairFromLabel(`${label}/owner`),
    denylistEntryId: entry.entry.id,
  };
}

function targetsFor(s: Seeded, node: TestNode, label: string): SweepTargets {
  const nobody = keypairFromLabel(`${label}/nobody`).address;
  const unknownUuid = '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f';
  const keyFor = (op: Operation): string | undefined => {
    if (op.spec.security === undefined) return undefined;
    if (op.path.startsWith('/v1/admin/')) return node.adminKey;
    if (op.path.startsWith('/v1/orgs/') || op.path.startsWith('/v1/router/')) return s.orgA.key;
    if (op.path === '/v1/hotspots' || op.path.startsWith('/v1/makers/')) return s.maker.key;
    throw new Error(`${op.method} ${op.path} takes a key the sweep does not know`);
  };
  return {
    known: { orgId: s.orgA.id, keyId: s.orgA.keyId, routeId: s.orgA.routeId, makerId: s.maker.id, address: s.hotspot, owner: s.owner.address, h3: '8c268cd0e1a63ff', packetId: 'ab'.repeat(32), epoch: '0', id: String(s.denylistEntryId) },
    unknown: { orgId: unknownUuid, keyId: unknownUuid, routeId: unknownUuid, makerId: unknownUuid, address: nobody, owner: nobody, h3: '8a2a1072b59ffff', packetId: 'cd'.repeat(32), epoch: '999999', id: '999999' },
    samples: {
      address: s.hotspot,
      hotspot: s.hotspot,
      ownerAddress: s.owner.address,
      owner: s.owner.address,
      newOwner: nobody,
      otherAddress: nobody,
      bbox: '-105.1,39.6,-104.8,39.9',
      lat: 39.74,
      lng: -104.99,
      polygon: { type: 'Polygon', coordinates: [[[-105, 39.7], [-104.9, 39.7], [-104.9, 39.8], [-105, 39.7]]] },
      // A public address, not a name: alert URLs are checked before signatures, and a name would need DNS.
      url: 'https://93.184.216.34/hook',
      min_time: '-1 day',
      max_time: 'now',
      timestampMs: Date.now(),
      signature: Buffer.alloc(64).toString('base64'),
    },
    keyFor,
    wrongKeysFor: (op) => {
      if (op.spec.security === undefined) return [];
      if (op.path.startsWith('/v1/admin/')) return [s.orgA.key, s.maker.key];
      if (op.path === '/v1/hotspots' || op.path.startsWith('/v1/makers/')) return [s.orgA.key];
      return [s.orgB.key, s.maker.key];
    },
    unknownKeys: ['org_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'mk_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', 'not-a-key'],
    bodyLimitBytes: node.config.HTTP_BODY_LIMIT_BYTES,
  };
}

/** Owner-signed requests that are signed right but must still be refused: a used nonce, a stale time. */
function signedLocationCases(s: Seeded): BadRequest[] {
  const signed = (nonce: number, timestampMs: number): string => {
    const fields = { hotspot: s.hotspot, owner: s.owner.address, lat: 39.75, lng: -104.98, gainDbiX10: 30, elevationM: 10, nonce, timestampMs };
    const signature = Buffer.from(sign(locationAssertionBytes(fields), s.owner.secretKey)).toString('base64');
    const { hotspot: _h, ...rest } = fields;
    return JSON.stringify({ ...rest, signature });
  };
  const at = (id: string, body: string, code: string): BadRequest => ({ id: `POST /v1/hotspots/{address}/location :: ${id}`, method: 'POST', url: `/v1/hotspots/${s.hotspot}/location`, headers: { 'content-type': 'application/json' }, body, expect: 'rejected', code });
  return [at('replayed nonce (the one onboarding used)', signed(1, Date.now()), 'auth.replayed_nonce'), at('stale timestamp', signed(2, Date.now() - 30 * 86_400_000), 'auth.stale_request')];
}

async function send(node: TestNode, r: BadRequest): Promise<HttpAnswer> {
  const res = await fetch(`${node.httpBaseUrl}${r.url}`, { method: r.method, headers: r.headers, body: r.body as BodyInit | undefined });
  const text = await res.text();
  let body: unknown;
  try {
    body = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Runs `work` over `items`, `limit` at a time, in order of start. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * Tables a node writes on its own while it runs, whatever requests it gets (seen on an idle node);
 * everything else must come out of the sweep unchanged.
 */
const WRITTEN_BY_THE_NODE_ITSELF = new Set<string>([
  // The entropy oracle adds a value every ENTROPY_INTERVAL_MS (a minute).
  'public.entropy_values',
  // BullMQ's PostgreSQL backend keeps its own bookkeeping (queue metadata, schedulers).
  'bullmq',
]);

/**
 * Columns a node writes in rows the sweep must otherwise leave alone: a request with a live key is
 * a use of that key, whatever is wrong with the rest of it, and is noted as such.
 */
const NOTED_BY_THE_NODE = new Map<string, string[]>([
  ['public.maker_api_keys', ['last_used_at']],
  ['public.org_api_keys', ['last_used_at']],
]);

describe.each(allTestModes)('bad input on every operation (%s)', (mode) => {
  const label = `api-bad-input/${mode}`;
  let node: TestNode;
  let doc: OpenApiDocument;
  let seeded: Seeded;

  beforeAll(async () => {
    node = await startTestNode(mode);
    seeded = await seed(node, label);
    doc = (await node.call('GET', '/docs/json')).body as OpenApiDocument;
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('answers each with a documented 4xx, a catalog code and a request id, and stores nothing', async () => {
    const operations = listOperations(doc);
    const random = seededRandom(SEED);
    const targets = targetsFor(seeded, node, label);
    const cases = operations.flatMap((op) => badRequestsFor(op, doc, targets, random).map((request) => ({ op, request })));
    const location = operations.find((op) => op.method === 'POST' && op.path === '/v1/hotspots/{address}/location')!;
    cases.push(...signedLocationCases(seeded).map((request) => ({ op: location, request })));
    cases.push(...undocumentedMethodRequests(doc, targets));
    // Every operation is swept, each with more than a handful of cases.
    const perOperation = new Map(operations.map((op) => [`${op.method} ${op.path}`, 0]));
    for (const { op } of cases) if (perOperation.has(`${op.method} ${op.path}`)) perOperation.set(`${op.method} ${op.path}`, perOperation.get(`${op.method} ${op.path}`)! + 1);
    expect([...perOperation].filter(([, n]) => n < 5)).toEqual([]);
    expect(operations.length).toBeGreaterThan(70);

    const before = await storedDataFingerprint(node.ctx.database.sql, WRITTEN_BY_THE_NODE_ITSELF, NOTED_BY_THE_NODE);
    const failures: string[] = [];
    const log: string[] = [];
    await inPool(cases, CONCURRENCY, async ({ op, request }) => {
      const answer = await send(node, request).catch((e: unknown) => ({ status: 0, headers: new Headers(), text: String(e), body: undefined }));
      const problems = answer.status === 0 ? [`no answer: ${answer.text}`] : answerProblems(op, request, answer);
      log.push(`${request.id} -> ${answer.status} ${answer.body?.error?.code ?? ''}`);
      if (problems.length > 0) failures.push(`[seed ${SEED}] ${request.id} -> ${answer.status} ${answer.body?.error?.code ?? ''}: ${problems.join('; ')}`);
    });
    const after = await storedDataFingerprint(node.ctx.database.sql, WRITTEN_BY_THE_NODE_ITSELF, NOTED_BY_THE_NODE);
    console.info(`${mode}: ${operations.length} operations, ${cases.length} bad requests, seed ${SEED}`);
    if (process.env.API_SWEEP_LOG) (await import('node:fs')).writeFileSync(`${process.env.API_SWEEP_LOG}.${mode}`, log.join('\n'));
    expect(failures.sort()).toEqual([]);
    expect(after).toEqual(before);
  });
});
