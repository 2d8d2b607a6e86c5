/**
 * Admin HTTP handlers for the versioned denylist of hotspot keys and (beaconer, witness) edges.
 * The verifier reads the latest version at each batch and names it in every verdict.
 */
import { Type, type Static } from 'typebox';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { requireAdmin } from '../auth/api-keys';
import { addDenylistEntry, removeDenylistEntry, type DenylistDeps } from './change-denylist';
import { currentDenylistVersion, listActiveEntries, listVersions, type DenylistEntryRow } from './denylist-repository';
import type { AdminKeys } from '../auth/admin-keys';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const security = [{ apiKey: [] }];
const tags = ['denylist'];
/** Entry ids are PostgreSQL serials (int4): a larger id is no entry, not a failed query. */
const MAX_ENTRY_ID = 2_147_483_647;

export const DenylistEntryView = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Union([Type.Literal('key'), Type.Literal('edge')]),
    address: Type.String(),
    otherAddress: Type.Union([Type.String(), Type.Null()], { description: 'The other end of an edge (edges are undirected).' }),
    reason: Type.String(),
    addedInVersion: Type.Integer(),
    removedInVersion: Type.Union([Type.Integer(), Type.Null()]),
  },
  { $id: 'DenylistEntry' },
);

const toView = (e: DenylistEntryRow): Static<typeof DenylistEntryView> => ({
  id: e.id,
  kind: e.kind,
  address: e.address,
  otherAddress: e.otherAddress,
  reason: e.reason,
  addedInVersion: e.addedInVersion,
  removedInVersion: e.removedInVersion,
});

const Change = Type.Object({ version: Type.Integer({ description: 'The new denylist version this change created.' }), entry: Type.Ref('DenylistEntry') });

export async function registerDenylistRoutes(app: HttpServer, deps: DenylistDeps & { adminKeys: AdminKeys }): Promise<void> {
  app.get(
    '/v1/admin/denylist',
    {
      schema: {
        tags,
        summary: 'The denylist as of a version, latest by default (admin)',
        security,
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { 200: Type.Object({ version: Type.Integer(), latestVersion: Type.Integer(), entries: Type.Array(Type.Ref('DenylistEntry')) }), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      requireAdmin(request, deps.adminKeys);
      const latestVersion = await currentDenylistVersion(deps.db);
      const version = request.query.version ?? latestVersion;
      if (version > latestVersion) {
        throw new AppError('request.not_found', `no denylist version ${version}; the latest is ${latestVersion}`, { latestVersion });
      }
      return { version, latestVersion, entries: (await listActiveEntries(deps.db, version)).map(toView) };
    },
  );

  app.get(
    '/v1/admin/denylist/versions',
    {
      schema: {
        tags,
        summary: 'Denylist versions, newest first (admin)',
        security,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Object({ version: Type.Integer(), createdAtMs: Type.Integer(), note: Type.String() })) }), ...errors(400, 401) },
      },
    },
    async (request) => {
      requireAdmin(request, deps.adminKeys);
      return { data: (await listVersions(deps.db, request.query.limit)).map((v) => ({ version: v.version, createdAtMs: v.createdAtMs, note: v.note })) };
    },
  );

  app.post(
    '/v1/admin/denylist/entries',
    {
      schema: {
        tags,
        summary: 'Deny a hotspot key, or an edge between two hotspots (admin); creates a new version',
        description:
          'A denied key: the verifier refuses the hotspot\'s beacons and witnesses, and the router carries none of its packets (from the next routes poll). A denied edge: witnesses between the two are refused.',
        security,
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('key'), Type.Literal('edge')]),
            address: Type.String({ minLength: 1, maxLength: 128 }),
            otherAddress: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Edges only: the other hotspot.' })),
            reason: Type.String({ minLength: 1, maxLength: 500 }),
            note: Type.Optional(Type.String({ maxLength: 500, description: 'Stored with the new version.' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Change, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      requireAdmin(request, deps.adminKeys);
      const { version, entry } = await addDenylistEntry(deps, request.body);
      return reply.status(201).send({ version, entry: toView(entry) });
    },
  );

  app.delete(
    '/v1/admin/denylist/entries/:id',
    {
      schema: {
        tags,
        summary: 'Remove a denylist entry (admin); creates a new version',
        security,
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ENTRY_ID }) }),
        querystring: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: { 200: Change, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      requireAdmin(request, deps.adminKeys);
      const { version, entry } = await removeDenylistEntry(deps, request.params.id, request.query.note);
      return { version, entry: toView(entry) };
    },
  );
}
