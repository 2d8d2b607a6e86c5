/**
 * HTTP handlers for organisations: the admin creates them, allocates DevAddrs, credits DC and
 * locks routes; an org reads itself, manages its keys and reads its ledger. Handlers only
 * translate HTTP to use cases; access is decided by org-access.ts.
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { requireAdmin } from '../auth/api-keys';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { parseTimeParam, parseTimeRange } from '../http/time-range';
import { allocateDevaddrBlock, createOrg, creditOrg, issueOrgApiKey, requireOrg, revokeKey } from './create-org';
import { orgDcSpending } from './dc-spending';
import { authorizeOrg } from './org-access';
import { toApiKeyView, toBlockView, toLedgerView, toOrgView } from './org-views';
import type { OrgsDeps } from './orgs-deps';
import { listDevaddrBlocks, listDevaddrBlocksOfOrgs, listLedger, listOrgApiKeys, listOrgs, type DevaddrBlockRow } from './orgs-repository';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const OrgParams = Type.Object({ orgId: Type.String({ format: 'uuid' }) });
const security = [{ apiKey: [] }];

/** The ledger is one list from the first credit on, so its bounds are each optional; a span given by both is bounded. */
const LEDGER_MAX_SPAN_MS = 366 * 86_400_000;

export function ledgerTimeRange(query: { min_time?: string; max_time?: string }, nowMs: number): { minMs?: number; maxMs?: number } {
  const minMs = parseTimeParam(query.min_time, nowMs, 'min_time');
  const maxMs = parseTimeParam(query.max_time, nowMs, 'max_time');
  if (minMs !== undefined && maxMs !== undefined) parseTimeRange(query, nowMs, { defaultSpanMs: LEDGER_MAX_SPAN_MS, maxSpanMs: LEDGER_MAX_SPAN_MS });
  return { ...(minMs === undefined ? {} : { minMs }), ...(maxMs === undefined ? {} : { maxMs }) };
}

export async function registerOrgsRoutes(app: HttpServer, deps: OrgsDeps): Promise<void> {
  app.post(
    '/v1/admin/orgs',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Create an organisation with its first DevAddr block (admin)',
        description: 'Returns the organisation\'s first API key (write scope) once. DevAddrs come from the network NetID in blocks of an even size, at least 8.',
        security,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 100 }), devAddrCount: Type.Integer({ minimum: 0, maximum: 1 << 25, default: 8 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ org: Type.Ref('Org'), apiKey: Type.String({ description: 'Shown once; store it.' }) }), ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      requireAdmin(request, deps.adminKeys);
      const { org, apiKey, block } = await createOrg(deps, request.body);
      return reply.status(201).send({ org: toOrgView(org, [block]), apiKey });
    },
  );

  app.get(
    '/v1/admin/orgs',
    {
      schema: {
        tags: ['device makers'],
        summary: 'List organisations by name, with balance and DevAddr blocks (admin; keyset paginated)',
        description:
          'For the operator: every organisation, or those whose name contains `name` (case-insensitive), or those whose balance is at most `max_balance_dc` ' +
          '(`max_balance_dc=0`: the organisations whose packets are no longer forwarded until a top-up). The next page is asked with `cursor`.',
        security,
        querystring: Type.Object({
          // A name of 100 characters, up to 4 UTF-8 bytes each, in base64url JSON.
          cursor: Type.Optional(Type.String({ maxLength: 600 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          max_balance_dc: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('Org')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401) },
      },
    },
    async (request) => {
      requireAdmin(request, deps.adminKeys);
      const { limit } = request.query;
      const after = decodeCursor(request.query.cursor, (v): v is { n: string } => typeof (v as { n?: unknown })?.n === 'string');
      const rows = await listOrgs(deps.db, after?.n, limit + 1, { nameContains: request.query.name, maxBalanceDc: request.query.max_balance_dc });
      const page = rows.slice(0, limit);
      const blocksOf = new Map<string, DevaddrBlockRow[]>();
      for (const b of await listDevaddrBlocksOfOrgs(deps.db, page.map((o) => o.id))) {
        const list = blocksOf.get(b.orgId);
        if (list) list.push(b);
        else blocksOf.set(b.orgId, [b]);
      }
      const last = page[page.length - 1];
      return {
        data: page.map((org) => toOrgView(org, blocksOf.get(org.id) ?? [])),
        cursor: rows.length > limit && last ? encodeCursor({ n: last.name }) : null,
      };
    },
  );

  app.post(
    '/v1/admin/orgs/:orgId/devaddr-blocks',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Allocate another DevAddr block to an organisation (admin)',
        security,
        params: OrgParams,
        body: Type.Object({ count: Type.Integer({ minimum: 0, maximum: 1 << 25 }) }, { additionalProperties: false }),
        response: { 201: Type.Ref('DevAddrBlock'), ...errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      requireAdmin(request, deps.adminKeys);
      return reply.status(201).send(toBlockView(await allocateDevaddrBlock(deps, request.params.orgId, request.body.count)));
    },
  );

  app.post(
    '/v1/admin/orgs/:orgId/dc',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Credit data credits to an organisation (admin)',
        description:
          'kind "purchase" records DC bought (memo: the payment reference); "top_up" a grant. Both append to the ledger; a top-up restores forwarding for an org that ran out. ' +
          '"correction" undoes a mistake (a credit to the wrong org, a payment recorded twice) or gives DC back (packets an endpoint never got): amountDc may be negative, not 0, memo must say why, and it cannot take more than the balance (422 `dc.correction_exceeds_balance`); the ledger keeps both rows. ' +
          'Send an `Idempotency-Key` header to make retries safe: a request repeating a key already used for this organisation credits nothing and answers with the ledger entry the first one wrote (and `Idempotent-Replayed: true`); the same key with a different amount, kind or memo is refused with 422 `dc.idempotency_key_reused`.',
        security,
        params: OrgParams,
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$', description: 'Printable ASCII without spaces, unique per credit (a UUID, or the payment reference).' }),
          ),
        }),
        body: Type.Object(
          {
            amountDc: Type.Integer({ minimum: -1_000_000_000_000, maximum: 1_000_000_000_000, description: 'At least 1, except for a correction (negative takes DC back; never 0).' }),
            kind: Type.Union([Type.Literal('purchase'), Type.Literal('top_up'), Type.Literal('correction')], { default: 'top_up' }),
            memo: Type.String({ maxLength: 200, default: '' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('DcLedgerEntry'), ...errors(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      requireAdmin(request, deps.adminKeys);
      const { entry, replayed } = await creditOrg(deps, request.params.orgId, request.body, request.headers['idempotency-key']);
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(toLedgerView(entry));
    },
  );

  app.get(
    '/v1/orgs/:orgId',
    {
      schema: {
        tags: ['device makers'],
        summary: 'An organisation: balance, how fast it is spent and how long it lasts, NetID, DevAddr blocks',
        security,
        params: OrgParams,
        response: { 200: Type.Ref('Org'), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      const org = await requireOrg(deps.db, request.params.orgId);
      const blocks = await listDevaddrBlocks(deps.db, org.id);
      return { ...toOrgView(org, blocks), spending: await orgDcSpending(deps.db, { id: org.id, createdAtMs: org.createdAt.getTime() }, org.dcBalance, deps.clock.nowMs()) };
    },
  );

  app.get(
    '/v1/orgs/:orgId/api-keys',
    {
      schema: {
        tags: ['device makers'],
        summary: "The organisation's API keys (prefixes only)",
        security,
        params: OrgParams,
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('OrgApiKey')) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      await requireOrg(deps.db, request.params.orgId);
      return { data: (await listOrgApiKeys(deps.db, request.params.orgId)).map(toApiKeyView) };
    },
  );

  app.post(
    '/v1/orgs/:orgId/api-keys',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Issue an API key for the organisation: read scope unless asked for write (needs a write key)',
        description: 'Name keys (`name`: "CI", "dashboard") to tell them apart in the list, where only their prefix shows.',
        security,
        params: OrgParams,
        body: Type.Object(
          { scope: Type.Union([Type.Literal('read'), Type.Literal('write')], { default: 'read' }), name: Type.String({ maxLength: 100, default: '' }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ apiKey: Type.String({ description: 'Shown once; store it.' }), key: Type.Ref('OrgApiKey') }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await authorizeOrg(request, deps, request.params.orgId, 'write');
      const { apiKey, row } = await issueOrgApiKey(deps, request.params.orgId, request.body);
      return reply.status(201).send({ apiKey, key: toApiKeyView(row) });
    },
  );

  app.delete(
    '/v1/orgs/:orgId/api-keys/:keyId',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Revoke one of the organisation\'s API keys (write scope)',
        security,
        params: Type.Object({ orgId: Type.String({ format: 'uuid' }), keyId: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await authorizeOrg(request, deps, request.params.orgId, 'write');
      await revokeKey(deps, request.params.orgId, request.params.keyId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/orgs/:orgId/dc',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Data-credit balance and ledger, newest first (keyset paginated), optionally of a time range or one kind',
        description:
          'The ledger is append-only: purchases and top-ups (positive), burns (negative, one row per router batch). balanceAfterDc of the newest row equals the balance. ' +
          '`min_time`/`max_time` (ISO 8601 or relative, e.g. `-30 day`; each optional, at most 366 days apart when both are given) keep the entries written in [min_time, max_time); `kind` keeps one kind (`purchase`, `top_up` or `burn`).',
        security,
        params: OrgParams,
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          min_time: Type.Optional(Type.String({ maxLength: 64 })),
          max_time: Type.Optional(Type.String({ maxLength: 64 })),
          kind: Type.Optional(Type.Union([Type.Literal('purchase'), Type.Literal('top_up'), Type.Literal('burn'), Type.Literal('correction')])),
          format: csvFormatParam('paged', 'the ledger entries of the page (id, created_at, kind, amount_dc, balance_after_dc, copies, memo): an accounting export, page by page'),
        }),
        response: {
          200: Type.Object({ balanceDc: Type.Integer(), data: Type.Array(Type.Ref('DcLedgerEntry')), cursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      const org = await requireOrg(deps.db, request.params.orgId);
      const after = decodeCursor(request.query.cursor, (v): v is { i: number } => Number.isInteger((v as { i?: unknown })?.i));
      const rows = await listLedger(deps.db, org.id, after?.i, request.query.limit + 1, { ...ledgerTimeRange(request.query, deps.clock.nowMs()), kind: request.query.kind });
      const page = rows.slice(0, request.query.limit);
      const last = page[page.length - 1];
      const cursor = rows.length > request.query.limit && last ? encodeCursor({ i: last.id }) : null;
      const data = page.map(toLedgerView);
      if (request.query.format === 'csv') {
        const csvRows = data.map((e) => [e.id, e.createdAt, e.kind, e.amountDc, e.balanceAfterDc, e.copies, e.memo]);
        return sendCsv(reply, toCsv(['id', 'created_at', 'kind', 'amount_dc', 'balance_after_dc', 'copies', 'memo'], csvRows), cursor);
      }
      return { balanceDc: org.dcBalance, data, cursor };
    },
  );
}
