import { describe, expect, it } from 'vitest';
import { badRequestsFor, bodyValidator, sampleValue, undocumentedMethodRequests, type OpenApiDocument, type Operation, type SweepTargets } from './bad-requests';
import { seededRandom } from './seeded-random';

const body = {
  type: 'object',
  required: ['name', 'count'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 10 },
    count: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
    eui: { type: 'string', pattern: '^[0-9A-Fa-f]{16}$' },
    shape: { description: 'left open' },
  },
  additionalProperties: false,
};
const doc: OpenApiDocument = {
  paths: {
    '/v1/things/{id}': {
      post: {
        security: [{ apiKey: [] }],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10 } },
          { name: 'note', in: 'query', schema: { type: 'string' } },
        ],
        requestBody: { content: { 'application/json': { schema: body } } },
        responses: { 201: {}, 400: {} },
      },
    },
  },
};
const op: Operation = { method: 'POST', path: '/v1/things/{id}', spec: doc.paths['/v1/things/{id}']!.post! };
const targets: SweepTargets = {
  known: { id: '11111111-1111-4111-8111-111111111111' },
  unknown: { id: '22222222-2222-4222-8222-222222222222' },
  samples: {},
  keyFor: () => 'right-key',
  wrongKeysFor: () => ['other-key'],
  unknownKeys: ['org_unknown'],
  bodyLimitBytes: 1024,
};

describe('bad requests from an operation schema', () => {
  it('builds valid samples, filling patterns', () => {
    const sample = sampleValue(body, doc, {}) as Record<string, unknown>;
    expect(sample).toMatchObject({ name: 'sample', count: 1, eui: '0000000000000000' });
    expect(bodyValidator(body, doc)(sample)).toBe(true);
  });

  it('sends no body the schema takes, except values refused by rule and fields it leaves open', () => {
    const valid = bodyValidator(body, doc);
    const cases = badRequestsFor(op, doc, targets, seededRandom(1)).filter((c) => c.id.includes(':: body: ') && c.headers['content-type'] === 'application/json');
    const parsed = cases.flatMap((c) => {
      try {
        return [{ id: c.id, value: JSON.parse(String(c.body)) as unknown }];
      } catch {
        return [];
      }
    });
    const taken = parsed.filter((c) => valid(c.value)).map((c) => c.id.split(':: body: ')[1]);
    // NUL and lone surrogates are schema-valid text the server refuses; the open field is the route's to judge.
    expect(taken).toContain('name: NUL in text');
    expect(taken.every((id) => /NUL|lone surrogate|^shape: /.test(id!))).toBe(true);
    // The default-filled count makes "count missing" a valid body: it is not sent.
    expect(cases.map((c) => c.id)).not.toContain('POST /v1/things/{id} :: body: count missing');
    expect(cases.map((c) => c.id)).toContain('POST /v1/things/{id} :: body: name missing');
    expect(cases.find((c) => c.id.endsWith('count: 1e400'))?.body).toContain('"count":1e400');
  });

  it('gives the same cases for the same seed, and samples query variants differently for another', () => {
    const ids = (seed: number) => badRequestsFor(op, doc, targets, seededRandom(seed)).map((c) => `${c.id} ${c.url}`);
    expect(ids(7)).toEqual(ids(7));
    expect(new Set([1, 2, 3, 4, 5].map((s) => ids(s).join('\n'))).size).toBeGreaterThan(1);
  });

  it('presents every wrong key and expects a refusal, and asks each path for a method it lacks', () => {
    const auth = badRequestsFor(op, doc, targets, seededRandom(1)).filter((c) => c.id.includes(':: auth: '));
    expect(auth.map((c) => c.headers.authorization)).toEqual(expect.arrayContaining([undefined, 'Bearer other-key', 'Bearer org_unknown']));
    expect(auth.every((c) => c.expect === 'rejected')).toBe(true);
    expect(undocumentedMethodRequests(doc, targets).map((r) => r.request.method)).toEqual(['PUT']);
  });
});
