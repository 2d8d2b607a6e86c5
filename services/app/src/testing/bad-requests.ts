/**
 * Bad requests for every operation of the OpenAPI document, generated from the operation's own
 * schemas: each path parameter malformed, each query parameter of the wrong type, out of range,
 * huge or repeated, an unknown query parameter, bodies that are not JSON, of the wrong type, with a
 * field missing, mistyped, too long, infinite or unknown, nested too deep, of another content type,
 * empty or over the body limit, and the usual ways to present the wrong key. Used by
 * api-bad-input.int.test.ts, which checks that each gets a documented 4xx with a catalog code.
 *
 * The generator is deterministic for a given SeededRandom (it samples the variants of each query
 * parameter), so a failing case can be replayed from its printed seed and id.
 *
 * A sweep must never send a request that is valid, or it would write: every body case is checked
 * against the operation's body schema (with the server's Ajv options) and dropped when the schema
 * takes it, unless the value is one the project refuses by rule (NUL, lone surrogates, infinite
 * numbers: services/api/README.md, Conventions), the field has no schema to judge it by (a GeoJSON
 * polygon), or the operation is signed by an owner key, whose signature the sample never holds.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { SeededRandom } from './seeded-random';

export type JsonSchema = Record<string, any>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, unknown>;
  security?: unknown[];
  summary?: string;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface Operation {
  method: string;
  /** As the document writes it: `/v1/orgs/{orgId}`. */
  path: string;
  spec: OpenApiOperation;
}

export interface SweepTargets {
  /** Path parameter values naming seeded objects, by parameter name. */
  known: Record<string, string>;
  /** Well-formed path parameter values naming nothing stored. */
  unknown: Record<string, string>;
  /** Valid values by field or parameter name where a schema cannot make one (addresses, bbox, GeoJSON). */
  samples: Record<string, unknown>;
  /** The key the operation is meant to be called with; undefined when it takes none. */
  keyFor(op: Operation): string | undefined;
  /** Live keys that must not open the operation (another organisation's, a maker's for an admin route). */
  wrongKeysFor(op: Operation): string[];
  /** Keys of the right shape that were never issued. */
  unknownKeys: string[];
  bodyLimitBytes: number;
}

export interface BadRequest {
  /** `METHOD /path :: what is wrong`, unique within a sweep. */
  id: string;
  method: string;
  /** Path with the query string. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** 'rejected': must be a 4xx; 'documented': any status the operation documents (input the route may accept). */
  expect: 'rejected' | 'documented';
  /** The error code it must be refused with, where only one is right (a replayed nonce). */
  code?: string;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function listOperations(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, spec]) => ({ method: method.toUpperCase(), path, spec })),
  );
}

// ---------------------------------------------------------------------------------------------
// Valid samples, the base every mutation starts from

/** `#/components/schemas/X` resolved (the document names shared schemas by $ref). */
function resolve(schema: JsonSchema | undefined, doc: OpenApiDocument): JsonSchema {
  if (!schema) return {};
  if (typeof schema.$ref === 'string') return resolve(doc.components?.schemas?.[schema.$ref.split('/').pop()!], doc);
  return schema;
}

/** The member of a union a sample is built from: the first that is not null. */
function firstMember(schema: JsonSchema): JsonSchema | undefined {
  const members = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return members?.find((m) => m.type !== 'null') ?? members?.[0];
}

/** A string the pattern takes: `^[class]{n}$` filled with the class's first character, else a known form. */
function stringForPattern(pattern: string): string {
  const fixed = /^\^\[([^\]]+)\]\{(\d+)\}\$$/.exec(pattern);
  if (fixed) return fixed[1]![0]!.repeat(Number(fixed[2]));
  const candidates = ['https://example.com/hook', 'lns.example.com', 'Bearer sample', 'sample'];
  return candidates.find((c) => new RegExp(pattern).test(c)) ?? 'sample';
}

function sampleString(schema: JsonSchema): string {
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000001';
  if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
  if (typeof schema.pattern === 'string') return stringForPattern(schema.pattern);
  return 'sample'.padEnd(schema.minLength ?? 0, 'x');
}

function sampleNumber(schema: JsonSchema): number {
  const low = typeof schema.minimum === 'number' ? schema.minimum : 1;
  return typeof schema.maximum === 'number' ? Math.min(low, schema.maximum) : low;
}

/** A value the schema takes, with `samples` for the names whose meaning a schema cannot carry. */
export function sampleValue(raw: JsonSchema | undefined, doc: OpenApiDocument, samples: Record<string, unknown>, name?: string): unknown {
  if (name !== undefined && name in samples) return samples[name];
  const schema = resolve(raw, doc);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.anyOf || schema.oneOf) return sampleValue(firstMember(schema), doc, samples, name);
  switch (schema.type) {
    case 'string':
      return sampleString(schema);
    case 'integer':
    case 'number':
      return sampleNumber(schema);
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleValue(schema.items, doc, samples));
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(Object.entries(props).map(([key, s]) => [key, sampleValue(s, doc, samples, key)]));
    }
    default:
      return schema.default ?? 'sample';
  }
}

// ---------------------------------------------------------------------------------------------
// Raw JSON text: what JSON.stringify cannot write (1e400, nesting deeper than its recursion)

const RAW = '\u0001raw:';
/** A stand-in that bodyText replaces by `json` verbatim. */
const raw = (json: string): string => `${RAW}${json}`;
/** 1e400 is valid JSON; JSON.parse reads it as Infinity. */
const INFINITE = raw('1e400');
const NEGATIVE_INFINITE = raw('-1e400');
const DEEP_NESTING = 5000;
const deepArrays = raw(`${'['.repeat(DEEP_NESTING)}${']'.repeat(DEEP_NESTING)}`);
const deepObjects = raw(`${'{"a":'.repeat(DEEP_NESTING)}1${'}'.repeat(DEEP_NESTING)}`);

function bodyText(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001raw:((?:[^"\\]|\\.)*)"/g, (_m, json: string) => JSON.parse(`"${json}"`) as string);
}

/** The value as the server's JSON parser will see it (raw stand-ins parsed), for the schema check. */
function parsedBody(value: unknown): unknown {
  try {
    return JSON.parse(bodyText(value));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Body schema checks with the server's own options

const ajvCompilers = AjvCompiler();
type BodyValidator = (body: unknown) => boolean;

/** Whether the route's body schema (as the server validates bodies: no coercion, defaults filled) takes `body`. */
export function bodyValidator(schema: JsonSchema, doc: OpenApiDocument): BodyValidator {
  const compile = ajvCompilers({}, { customOptions: { coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, discriminator: true, strict: false } }) as unknown as (route: {
    schema: unknown;
    method: string;
    url: string;
    httpPart: string;
  }) => (value: unknown) => boolean;
  const validate = compile({ schema: inlineRefs(schema, doc), method: 'POST', url: '/', httpPart: 'body' });
  // Called with a freshly parsed body each time, so the defaults Ajv fills in touch nothing shared.
  return (body) => validate(body) === true;
}

function inlineRefs(schema: unknown, doc: OpenApiDocument, depth = 0): unknown {
  if (depth > 20 || schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(s, doc, depth + 1));
  const object = schema as JsonSchema;
  if (typeof object.$ref === 'string') return inlineRefs(resolve(object, doc), doc, depth + 1);
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, inlineRefs(v, doc, depth + 1)]));
}

// ---------------------------------------------------------------------------------------------
// Bad values

/** Wrong values for a path parameter: each is refused by any id, address, number or cell. */
function badPathValues(schema: JsonSchema): { label: string; value: string }[] {
  const values = [
    { label: 'over the 100-character parameter limit', value: 'x'.repeat(101) },
    { label: 'wrong pattern', value: 'zz-not-valid' },
    { label: 'unicode', value: encodeURIComponent('ünïcødé☃😀') },
    { label: 'NUL', value: '%00' },
    { label: 'dot-dot slash', value: '..%2F..%2Fadmin' },
    { label: 'undecodable escape', value: '%E0%A4%A' },
  ];
  if (typeof schema.maxLength === 'number' && schema.maxLength < 100) values.push({ label: 'over maxLength', value: 'a'.repeat(schema.maxLength + 1) });
  if (schema.type === 'integer') {
    values.push(
      { label: 'negative', value: '-1' },
      { label: 'fraction', value: '1.5' },
      { label: 'infinite', value: '1e400' },
      { label: 'NaN', value: 'NaN' },
      { label: 'huge', value: '9'.repeat(30) },
    );
  }
  return values;
}

interface QueryVariant {
  label: string;
  /** Already encoded for the query string. */
  value: string;
  /** Whether the route must refuse it (false: a free-text parameter may take it). */
  refused: boolean;
}

function badNumberQueryValues(schema: JsonSchema): QueryVariant[] {
  const out: QueryVariant[] = [
    { label: 'not a number', value: 'abc', refused: true },
    { label: 'NaN', value: 'NaN', refused: true },
    { label: 'Infinity', value: 'Infinity', refused: true },
    { label: '1e400', value: '1e400', refused: true },
    { label: 'huge', value: '9'.repeat(400), refused: schema.type === 'integer' || typeof schema.maximum === 'number' },
  ];
  if (schema.type === 'integer') out.push({ label: 'fraction', value: '1.5', refused: true });
  if (typeof schema.minimum === 'number') out.push({ label: 'below minimum', value: String(schema.minimum - 1), refused: true });
  if (typeof schema.maximum === 'number') out.push({ label: 'above maximum', value: String(schema.maximum + 1), refused: true });
  return out;
}

function badStringQueryValues(schema: JsonSchema, name: string): QueryVariant[] {
  const constrained = typeof schema.pattern === 'string' || typeof schema.format === 'string';
  const out: QueryVariant[] = [
    { label: 'NUL', value: '%00', refused: true },
    { label: 'lone surrogate', value: '%ED%A0%80', refused: true },
    { label: 'unicode', value: encodeURIComponent('ünïcødé☃😀'), refused: constrained },
    { label: 'huge', value: 'x'.repeat(5000), refused: constrained || typeof schema.maxLength === 'number' },
  ];
  if (constrained) out.push({ label: 'wrong pattern', value: 'zz-not-valid', refused: true });
  if (typeof schema.maxLength === 'number') out.push({ label: 'over maxLength', value: 'a'.repeat(schema.maxLength + 1), refused: true });
  if (name === 'min_time' || name === 'max_time') out.push({ label: 'not a time', value: '2026-13-45T99%3A00%3A00Z', refused: true }, { label: 'far relative time', value: '-99999999999%20day', refused: true });
  return out;
}

function badQueryValues(raw: JsonSchema, doc: OpenApiDocument, name: string): QueryVariant[] {
  const schema = resolve(raw, doc);
  if (schema.anyOf || schema.oneOf || Array.isArray(schema.enum)) return [{ label: 'not one of the choices', value: 'not-an-option', refused: true }, { label: 'NUL', value: '%00', refused: true }];
  if (schema.type === 'integer' || schema.type === 'number') return badNumberQueryValues(schema);
  if (schema.type === 'boolean') return [{ label: 'not a boolean', value: 'maybe', refused: true }, { label: 'number', value: '2', refused: true }];
  return badStringQueryValues(schema, name);
}

/** Values of the wrong JSON type for a field of this schema. */
function wrongTypes(schema: JsonSchema): { label: string; value: unknown }[] {
  switch (schema.type) {
    case 'string':
      return [{ label: 'number for text', value: 12345 }];
    case 'integer':
    case 'number':
      return [
        { label: 'numeric text', value: '5' },
        { label: 'NaN text', value: 'NaN' },
        { label: 'boolean for number', value: true },
      ];
    case 'boolean':
      return [{ label: 'text for boolean', value: 'true' }];
    case 'array':
      return [{ label: 'object for array', value: { a: 1 } }];
    case 'object':
      return [{ label: 'array for object', value: [] }];
    default:
      return [{ label: 'null', value: null }];
  }
}

/** Out-of-range, over-long and unstorable values for a field. */
function badValues(schema: JsonSchema): { label: string; value: unknown; byRule?: boolean }[] {
  const out: { label: string; value: unknown; byRule?: boolean }[] = [];
  if (schema.type === 'string') {
    out.push({ label: 'NUL in text', value: 'a\u0000b', byRule: true }, { label: 'lone surrogate', value: 'a\ud800b', byRule: true });
    if (typeof schema.maxLength === 'number') out.push({ label: 'over maxLength', value: 'x'.repeat(schema.maxLength + 1) });
    if (typeof schema.minLength === 'number' && schema.minLength > 0) out.push({ label: 'under minLength', value: '' });
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    out.push({ label: '1e400', value: INFINITE, byRule: true }, { label: '-1e400', value: NEGATIVE_INFINITE, byRule: true });
    if (schema.type === 'integer') out.push({ label: 'fraction', value: 1.5 });
    if (typeof schema.minimum === 'number') out.push({ label: 'below minimum', value: schema.minimum - 1 });
    if (typeof schema.maximum === 'number') out.push({ label: 'above maximum', value: schema.maximum + 1 });
  }
  if (schema.type === 'array' && typeof schema.maxItems === 'number') out.push({ label: 'over maxItems', value: Array.from({ length: schema.maxItems + 1 }, () => ({})) });
  if (schema.type === undefined && !schema.anyOf && !schema.oneOf) {
    // A field the schema leaves open (a GeoJSON polygon): the route parses it itself.
    out.push({ label: 'text', value: 'not geojson' }, { label: 'deep nesting', value: deepArrays }, { label: 'deep objects', value: deepObjects }, { label: 'infinite coordinate', value: { type: 'Polygon', coordinates: [[[INFINITE, 0], [1, 1], [0, 1], [INFINITE, 0]]] } });
  }
  return out;
}

interface Field {
  /** Keys from the body's top level. */
  path: string[];
  schema: JsonSchema;
}

/** The body's fields, the top level and one level of nested objects (a union: its first member). */
function fieldsOf(schema: JsonSchema, doc: OpenApiDocument, prefix: string[] = [], depth = 0): Field[] {
  const object = resolve(schema.anyOf || schema.oneOf ? firstMember(schema) : schema, doc);
  const props = (object.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(props).flatMap(([key, raw]) => {
    const s = resolve(raw.anyOf || raw.oneOf ? firstMember(raw) ?? raw : raw, doc);
    const field = { path: [...prefix, key], schema: s };
    const nested = depth === 0 && s.type === 'object' ? fieldsOf(s, doc, field.path, depth + 1) : [];
    return [field, ...nested];
  });
}

function withField(body: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

function withoutField(body: unknown, path: string[]): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  delete at[path[path.length - 1]!];
  return copy;
}

function requiredFields(schema: JsonSchema, doc: OpenApiDocument): string[] {
  const object = resolve(schema, doc);
  return Array.isArray(object.required) ? object.required : [];
}

// ---------------------------------------------------------------------------------------------
// Cases per operation

interface CaseContext {
  op: Operation;
  doc: OpenApiDocument;
  targets: SweepTargets;
  random: SeededRandom;
}

function pathWith(op: Operation, values: Record<string, string>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? 'missing');
}

function parametersIn(op: Operation, where: OpenApiParameter['in']): OpenApiParameter[] {
  return (op.spec.parameters ?? []).filter((p) => p.in === where);
}

/** The query string of the route's required parameters, valid, except those named in `except`. */
function requiredQuery(ctx: CaseContext, except: string): string[] {
  return parametersIn(ctx.op, 'query')
    .filter((p) => p.required && p.name !== except)
    .map((p) => `${p.name}=${encodeURIComponent(String(sampleValue(p.schema, ctx.doc, ctx.targets.samples, p.name)))}`);
}

function url(path: string, query: string[]): string {
  return query.length === 0 ? path : `${path}?${query.join('&')}`;
}

function authHeaders(key: string | undefined): Record<string, string> {
  return key === undefined ? {} : { authorization: `Bearer ${key}` };
}

function jsonSchemaOf(op: Operation): JsonSchema | undefined {
  return op.spec.requestBody?.content['application/json']?.schema;
}

function sampleBody(ctx: CaseContext): unknown {
  const schema = jsonSchemaOf(ctx.op);
  return schema === undefined ? {} : sampleValue(schema, ctx.doc, ctx.targets.samples);
}

/** Owner-signed operations (location, transfer, alerts): the body's signature is never the owner's. */
function isOwnerSigned(ctx: CaseContext): boolean {
  const schema = jsonSchemaOf(ctx.op);
  return schema !== undefined && 'signature' in (resolve(schema, ctx.doc).properties ?? {});
}

const takesBody = (op: Operation): boolean => op.method !== 'GET';
/** The ingest batch routes read their body themselves (protobuf or JSON), with no schema. */
const isIngest = (op: Operation): boolean => op.path.startsWith('/v1/ingest/');

/** Headers and path of a request that is right in everything the case does not change. */
function base(ctx: CaseContext): { path: string; headers: Record<string, string> } {
  return { path: pathWith(ctx.op, ctx.targets.known), headers: authHeaders(ctx.targets.keyFor(ctx.op)) };
}

function pathCases(ctx: CaseContext): BadRequest[] {
  const { op, targets } = ctx;
  const { headers } = base(ctx);
  const query = requiredQuery(ctx, '');
  const body = takesBody(op) && jsonSchemaOf(op) ? bodyText(sampleBody(ctx)) : undefined;
  const withBody = body === undefined ? headers : { ...headers, 'content-type': 'application/json' };
  return parametersIn(op, 'path').flatMap((p) => {
    const malformed = badPathValues(resolve(p.schema, ctx.doc)).map(({ label, value }): BadRequest => ({
      id: `path ${p.name}: ${label}`,
      method: op.method,
      url: url(pathWith(op, { ...targets.known, [p.name]: value }), query),
      headers: withBody,
      body,
      expect: 'rejected',
    }));
    // A well-formed value naming nothing: a read may answer an empty view, nothing may change.
    const unknown: BadRequest = {
      id: `path ${p.name}: unknown object`,
      method: op.method,
      url: url(pathWith(op, { ...targets.known, [p.name]: targets.unknown[p.name] ?? 'unknown' }), query),
      headers: withBody,
      body,
      expect: op.method === 'GET' ? 'documented' : 'rejected',
    };
    return [...malformed, unknown];
  });
}

/** Up to this many variants of each query parameter, sampled; the full set per parameter is about ten. */
const QUERY_VARIANTS_PER_PARAMETER = 4;

function queryCases(ctx: CaseContext): BadRequest[] {
  const { op, doc, targets, random } = ctx;
  const { path, headers } = base(ctx);
  const mk = (id: string, query: string[], refused: boolean): BadRequest => ({ id, method: op.method, url: url(path, query), headers, expect: refused ? 'rejected' : 'documented' });
  // A write takes free text it is right to take (a note): sent with the right key and real ids, it would write.
  const sendable = (c: BadRequest): boolean => op.method === 'GET' || c.expect === 'rejected';
  const perParameter = parametersIn(op, 'query').flatMap((p) => {
    const others = requiredQuery(ctx, p.name);
    const variants = random.sample(badQueryValues(p.schema, doc, p.name), QUERY_VARIANTS_PER_PARAMETER);
    const sample = encodeURIComponent(String(sampleValue(p.schema, doc, targets.samples, p.name)));
    const schema = resolve(p.schema, doc);
    return [
      ...variants.map((v) => mk(`query ${p.name}: ${v.label}`, [...others, `${p.name}=${v.value}`], v.refused)),
      // Repeated: an array where one value belongs (free text takes the first or refuses it).
      mk(`query ${p.name}: repeated`, [...others, `${p.name}=${sample}`, `${p.name}=${sample}`], schema.type === 'integer' || schema.type === 'number' || schema.type === 'boolean'),
    ];
  });
  return [...perParameter, mk('query: unknown parameter', [...requiredQuery(ctx, ''), 'zz_unknown=1'], true)].filter(sendable);
}

/** Each header parameter (an Idempotency-Key) too long, empty, with a space or a non-ASCII character. */
function headerCases(ctx: CaseContext): BadRequest[] {
  const { op } = ctx;
  const { path, headers } = base(ctx);
  const body = takesBody(op) && jsonSchemaOf(op) ? bodyText(sampleBody(ctx)) : undefined;
  const withBody = body === undefined ? headers : { ...headers, 'content-type': 'application/json' };
  return parametersIn(op, 'header').flatMap((p) => {
    const schema = resolve(p.schema, ctx.doc);
    const values = [
      { label: 'empty', value: '' },
      { label: 'with a space', value: 'a b' },
      { label: 'non-ASCII', value: 'caf\u00e9' },
      ...(typeof schema.maxLength === 'number' ? [{ label: 'over maxLength', value: 'k'.repeat(schema.maxLength + 1) }] : []),
    ];
    return values.map(({ label, value }): BadRequest => ({ id: `header ${p.name}: ${label}`, method: op.method, url: url(path, requiredQuery(ctx, '')), headers: { ...withBody, [p.name]: value }, body, expect: 'rejected' }));
  });
}

function bodyCase(ctx: CaseContext, id: string, body: string | Uint8Array | undefined, contentType: string | undefined, expect: BadRequest['expect'] = 'rejected'): BadRequest {
  const { path, headers } = base(ctx);
  return { id: `body: ${id}`, method: ctx.op.method, url: url(path, requiredQuery(ctx, '')), headers: contentType ? { ...headers, 'content-type': contentType } : headers, body, expect };
}

/** What is wrong with a body before its schema is read: not JSON, another type, empty, too big. */
function structuralBodyCases(ctx: CaseContext): BadRequest[] {
  const json = 'application/json';
  const sample = bodyText(sampleBody(ctx));
  const cases = [
    bodyCase(ctx, 'malformed JSON', '{"a": ', json),
    // Its bytes really UTF-16 (the parser reads UTF-8 whatever the label says: a mislabelled UTF-8 body is a valid request).
    bodyCase(ctx, 'JSON in UTF-16', new Uint8Array(Buffer.from(sample, 'utf16le')), 'application/json; charset=utf-16'),
    bodyCase(ctx, '__proto__ key', '{"__proto__": {"isAdmin": true}}', json),
    bodyCase(ctx, 'constructor.prototype key', '{"constructor": {"prototype": {"isAdmin": true}}}', json),
    bodyCase(ctx, 'trailing garbage', `${sample} x`, json),
    bodyCase(ctx, 'empty with a JSON content type', undefined, json),
    bodyCase(ctx, 'form-encoded', 'a=1&b=2', 'application/x-www-form-urlencoded'),
    bodyCase(ctx, 'XML', '<a>1</a>', 'application/xml'),
    bodyCase(ctx, 'over the body limit', `{"a":"${'x'.repeat(ctx.targets.bodyLimitBytes)}"}`, json),
  ];
  // Fastify parses text/plain for every route: one that reads no body would take the request.
  if (jsonSchemaOf(ctx.op) === undefined && !isIngest(ctx.op)) return cases;
  cases.push(bodyCase(ctx, 'text/plain', sample, 'text/plain'));
  if (jsonSchemaOf(ctx.op) === undefined) return cases;
  return [
    ...cases,
    ...[['array', '[]'], ['string', '"text"'], ['number', '42'], ['null', 'null'], ['boolean', 'true']].map(([type, text]) => bodyCase(ctx, `top-level ${type}`, text, json)),
    bodyCase(ctx, 'top-level deep nesting', bodyText(deepArrays), json),
  ];
}

/** Mutations of a sample body, kept when the schema refuses them (or the rule or signature does). */
function schemaBodyCases(ctx: CaseContext): BadRequest[] {
  const schema = jsonSchemaOf(ctx.op);
  if (schema === undefined) return [];
  const sample = sampleBody(ctx);
  const valid = bodyValidator(schema, ctx.doc);
  const signed = isOwnerSigned(ctx);
  const json = 'application/json';
  const candidates: { id: string; body: unknown; keep: boolean }[] = [];
  for (const name of requiredFields(schema, ctx.doc)) candidates.push({ id: `${name} missing`, body: withoutField(sample, [name]), keep: false });
  for (const field of fieldsOf(schema, ctx.doc)) {
    const name = field.path.join('.');
    for (const w of wrongTypes(field.schema)) candidates.push({ id: `${name}: ${w.label}`, body: withField(sample, field.path, w.value), keep: false });
    for (const b of badValues(field.schema)) candidates.push({ id: `${name}: ${b.label}`, body: withField(sample, field.path, b.value), keep: b.byRule === true || field.schema.type === undefined });
    if (field.schema.type === 'object') candidates.push({ id: `${name}: unknown nested field`, body: withField(sample, [...field.path, 'zz_unknown'], 1), keep: false });
  }
  candidates.push({ id: 'unknown field', body: { ...(sample as object), zz_unknown: 1 }, keep: false });
  candidates.push({ id: 'unknown field nested deep', body: { ...(sample as object), zz_unknown: deepObjects }, keep: false });
  if (signed) candidates.push({ id: 'signature not the owner\'s', body: sample, keep: true });
  return candidates.filter((c) => c.keep || signed || !valid(parsedBody(c.body))).map((c) => bodyCase(ctx, c.id, bodyText(c.body), json));
}

/** The ingest routes take protobuf too: bytes that are no report, and a delimited batch that lies about its lengths. */
function protobufCases(ctx: CaseContext): BadRequest[] {
  if (!isIngest(ctx.op)) return [];
  const garbage = Uint8Array.from({ length: 64 }, () => ctx.random.below(256));
  return [
    bodyCase(ctx, 'protobuf garbage', garbage, 'application/x-protobuf'),
    bodyCase(ctx, 'delimited batch with a length past its end', Uint8Array.from([0xff, 0xff, 0x03, 1, 2, 3]), 'application/x-protobuf-delimited'),
    bodyCase(ctx, 'empty protobuf', new Uint8Array(0), 'application/x-protobuf'),
  ];
}

function authCases(ctx: CaseContext): BadRequest[] {
  const { op, targets } = ctx;
  const secured = targets.keyFor(op) !== undefined;
  const { path } = base(ctx);
  // The ingest routes take no key: a JSON report that is none gets them past the content type.
  const hasJsonBody = takesBody(op) && (jsonSchemaOf(op) !== undefined || isIngest(op));
  // The sample body: were a wrong key let through, the write would show in the stored data.
  const body = hasJsonBody ? bodyText(sampleBody(ctx)) : undefined;
  const json: Record<string, string> = hasJsonBody ? { 'content-type': 'application/json' } : {};
  const presented: { label: string; headers: Record<string, string> }[] = [
    { label: 'no key', headers: {} },
    { label: 'Basic credentials', headers: { authorization: 'Basic dXNlcjpwYXNz' } },
    { label: 'Bearer without a key', headers: { authorization: 'Bearer' } },
    { label: 'huge bearer', headers: { authorization: `Bearer ${'k'.repeat(6000)}` } },
    ...targets.unknownKeys.map((k, i) => ({ label: `unknown key ${i + 1}`, headers: { authorization: `Bearer ${k}` } })),
    ...targets.unknownKeys.slice(0, 1).map((k) => ({ label: 'unknown key in x-api-key', headers: { 'x-api-key': k } })),
    ...targets.wrongKeysFor(op).map((k, i) => ({ label: `another party's key ${i + 1}`, headers: { authorization: `Bearer ${k}` } })),
  ];
  return presented.map(({ label, headers }) => ({
    id: `auth: ${label}`,
    method: op.method,
    url: url(path, requiredQuery(ctx, '')),
    headers: { ...json, ...headers },
    body,
    expect: secured || isOwnerSigned(ctx) ? 'rejected' : 'documented',
  }));
}

/**
 * For each path, a method it does not take (PUT, PATCH, DELETE, POST, then GET, the first missing),
 * with real ids and the right key: answered as an unknown route, with the usual error body.
 */
export function undocumentedMethodRequests(doc: OpenApiDocument, targets: SweepTargets): { op: Operation; request: BadRequest }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => {
    const method = ['put', 'patch', 'delete', 'post', 'get'].find((m) => !(m in item));
    const documented = Object.entries(item).find(([m]) => HTTP_METHODS.includes(m));
    if (method === undefined || documented === undefined) return [];
    const key = targets.keyFor({ method: documented[0].toUpperCase(), path, spec: documented[1] });
    const op: Operation = { method: method.toUpperCase(), path, spec: { responses: { 404: {} } } };
    const request: BadRequest = {
      id: `${op.method} ${path} :: a method the path does not take`,
      method: op.method,
      url: pathWith(op, targets.known),
      headers: { ...authHeaders(key), ...(method === 'get' ? {} : { 'content-type': 'application/json' }) },
      body: method === 'get' ? undefined : '{}',
      expect: 'rejected',
    };
    return [{ op, request }];
  });
}

/** Every bad request for one operation, in a fixed order for a given random state. */
export function badRequestsFor(op: Operation, doc: OpenApiDocument, targets: SweepTargets, random: SeededRandom): BadRequest[] {
  const ctx: CaseContext = { op, doc, targets, random };
  const cases = [...pathCases(ctx), ...queryCases(ctx), ...headerCases(ctx), ...authCases(ctx)];
  if (takesBody(op)) cases.push(...structuralBodyCases(ctx), ...schemaBodyCases(ctx), ...protobufCases(ctx));
  return cases.map((c) => ({ ...c, id: `${op.method} ${op.path} :: ${c.id}` }));
}
