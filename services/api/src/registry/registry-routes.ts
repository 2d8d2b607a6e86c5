/**
 * HTTP handlers for the hotspot registry: makers onboard hotspots (makers themselves: maker-routes.ts), owners
 * assert locations and transfer hotspots with signed requests, anyone reads. Handlers only translate HTTP to use cases.
 */
import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';
import { cellToLatLng } from 'h3-js';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { findHotspot, findHotspotsByName, listHotspots, listHotspotsByOwner, listHotspotTransfers, listLocationAssertions, searchHotspotsByNamePrefix, type HotspotRow } from '@cov/shared/registry/hotspots-repository';
import { parseHotspotName, parseHotspotNamePrefix } from '@cov/shared/registry/hotspot-name';
import type { ApiDeps } from '../api-deps';
import { requireValidAddress } from '../http/address-params';
import { OwnerSignedFields, ownerSignature } from '../http/owner-signed-request';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { assertLocation } from './assert-location';
import { requireMakerKey } from './maker-access';
import { onboardHotspot } from './onboard-hotspot';
import { transferHotspot } from './transfer-hotspot';
import { HotspotView, toHotspotView } from './hotspot-view';
import { hotspotStatuses } from './hotspot-status';
import { countryCodeParam, requireCountryCode } from '../countries/country-code-param';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const AddressParam = Type.Object({ address: Type.String({ minLength: 1, maxLength: 128 }) });
/** Hotspots one name lookup answers at most: names collide rarely (256^3 of them), never by the hundred. */
const MAX_HOTSPOTS_OF_A_NAME = 100;

export async function registerRegistryRoutes(app: HttpServer, deps: ApiDeps): Promise<void> {
  app.post(
    '/v1/hotspots',
    {
      schema: {
        tags: ['registry'],
        summary: 'Onboard a hotspot (maker API key)',
        security: [{ apiKey: [] }],
        body: Type.Object(
          {
            address: Type.String({ description: 'Helium address of the hotspot ed25519 key.' }),
            ownerAddress: Type.String({ description: 'Helium address of the owner wallet key.' }),
            capability: Type.Union([Type.Literal('full'), Type.Literal('data_only')], { default: 'full' }),
            gatewayEui: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f]{16}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Hotspot'), ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const maker = await requireMakerKey(request, deps);
      const row = await onboardHotspot(deps, maker.makerId, request.body);
      return reply.status(201).send(toHotspotView(row));
    },
  );

  app.post(
    '/v1/hotspots/:address/location',
    {
      schema: {
        tags: ['registry'],
        summary: 'Assert a hotspot location (signed by the owner)',
        description:
          'The owner signs the RFC 8785 canonical JSON of {type:"assert_location_v1", hotspot, owner, lat, lng, gainDbiX10, elevationM, nonce, timestampMs} with its ed25519 key. nonce must exceed the last accepted one; timestampMs must be within the published skew of server time.',
        params: AddressParam,
        body: Type.Object(
          {
            owner: Type.String(),
            lat: Type.Number(),
            lng: Type.Number(),
            gainDbiX10: Type.Integer(),
            elevationM: Type.Integer(),
            ...OwnerSignedFields,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Hotspot'), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      requireValidAddress(request.params.address, 'address');
      requireValidAddress(request.body.owner, 'owner');
      const { signature, ...fields } = request.body;
      const row = await assertLocation(deps, { ...fields, hotspot: request.params.address }, ownerSignature(signature));
      return toHotspotView(row);
    },
  );

  app.post(
    '/v1/hotspots/:address/transfer',
    {
      schema: {
        tags: ['registry'],
        summary: 'Hand a hotspot to another owner (signed by the owner)',
        description:
          'The owner signs the RFC 8785 canonical JSON of {type:"transfer_hotspot_v1", hotspot, owner, newOwner, nonce, timestampMs} with its ed25519 key. nonce must exceed the hotspot\'s transferNonce; timestampMs must be within the published skew of server time. The hotspot keeps its location, history and earnings; it moves to the new owner\'s fleet, alerts and earnings views, and only the new owner can assert its location or transfer it again.',
        params: AddressParam,
        body: Type.Object(
          {
            owner: Type.String({ description: 'Helium address of the current owner, the signer.' }),
            newOwner: Type.String({ description: 'Helium address of the owner to hand the hotspot to.' }),
            ...OwnerSignedFields,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Hotspot'), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      requireValidAddress(request.params.address, 'address');
      requireValidAddress(request.body.owner, 'owner');
      requireValidAddress(request.body.newOwner, 'newOwner');
      const { signature, ...fields } = request.body;
      const row = await transferHotspot(deps, { ...fields, hotspot: request.params.address }, ownerSignature(signature));
      return toHotspotView(row);
    },
  );

  app.get(
    '/v1/hotspots/:address/transfers',
    {
      schema: {
        tags: ['hotspots'],
        summary: 'Ownership transfer history, newest first',
        params: AddressParam,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                nonce: Type.String(),
                fromOwner: Type.String(),
                toOwner: Type.String(),
                transferredAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      requireValidAddress(request.params.address, 'address');
      if (!(await findHotspot(deps.db, request.params.address))) throw new AppError('hotspots.not_found', `no hotspot ${request.params.address}`);
      const rows = await listHotspotTransfers(deps.db, request.params.address, request.query.limit);
      return { data: rows.map((r) => ({ nonce: r.nonce.toString(), fromOwner: r.fromOwner, toOwner: r.toOwner, transferredAt: r.transferredAt.toISOString() })) };
    },
  );

  app.get(
    '/v1/hotspots',
    {
      schema: {
        tags: ['hotspots'],
        summary: 'Every hotspot of the network, in address order (keyset paginated: up to 1,000 per page), optionally of one capability, one maker or one country',
        description:
          'What an analyst walks to export the registry, and a maker its onboarded hotspots (`maker`: the maker id). A map area: GET /v1/coverage/hotspots?bbox; one owner\'s fleet: GET /v1/owners/{owner}/hotspots.',
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 512 })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
          capability: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('data_only')])),
          maker: Type.Optional(Type.String({ format: 'uuid', description: 'Only the hotspots this maker onboarded (its id, as in the hotspot views\' makerId).' })),
          country: Type.Optional(
            countryCodeParam('Only the hotspots located in this country (its figures: GET /v1/countries/{code}).'),
          ),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('Hotspot')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 404) },
      },
    },
    async (request) => {
      const { limit, capability, maker, country } = request.query;
      const after = decodeCursor(request.query.cursor, (v): v is { a: string } => typeof (v as { a?: unknown })?.a === 'string');
      const countryCode = country === undefined ? undefined : requireCountryCode(country);
      const rows = await listHotspots(deps.db, after?.a, limit + 1, { capability, makerId: maker, countryCode });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { data: await viewsWithStatus(deps, page), cursor: rows.length > limit && last ? encodeCursor({ a: last.address }) : null };
    },
  );

  app.get(
    '/v1/hotspots/name/:name',
    {
      schema: {
        tags: ['hotspots'],
        summary: 'The hotspots of one name ("feisty-glass-dalmatian"; spaces or any case do too)',
        description:
          `Names are not unique (there are 256^3 of them), so the answer is a list, by address, of at most ${MAX_HOTSPOTS_OF_A_NAME}; usually one or none. ` +
          'A text that is not three words of the adjective, colour and animal lists names are made of (a typo) is a 400 `request.invalid` saying which word, not an empty list.',
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('Hotspot')) }), ...errors(400) },
      },
    },
    async (request) => {
      const name = parseHotspotName(request.params.name);
      if (!name.ok) throw new AppError('request.invalid', name.message, { field: 'name' });
      const rows = await findHotspotsByName(deps.db, name.value, MAX_HOTSPOTS_OF_A_NAME);
      return { data: await viewsWithStatus(deps, rows) };
    },
  );

  app.get(
    '/v1/hotspots/name',
    {
      schema: {
        tags: ['hotspots'],
        summary: 'Hotspots whose name starts with `search` ("feisty gl"), by name (keyset paginated)',
        description: 'Words may be separated by spaces, dashes or underscores; case does not matter; a trailing separator means the word before it is complete.',
        querystring: Type.Object({
          search: Type.String({ minLength: 1, maxLength: 100 }),
          cursor: Type.Optional(Type.String({ maxLength: 512 })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('Hotspot')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400) },
      },
    },
    async (request) => {
      const prefix = parseHotspotNamePrefix(request.query.search);
      if (!prefix.ok) throw new AppError('request.invalid', prefix.message, { field: 'search' });
      const after = decodeCursor(request.query.cursor, (v): v is { n: string; a: string } => typeof (v as { n?: unknown })?.n === 'string' && typeof (v as { a?: unknown })?.a === 'string');
      const { limit } = request.query;
      const rows = await searchHotspotsByNamePrefix(deps.db, prefix.value, after && { name: after.n, address: after.a }, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        data: await viewsWithStatus(deps, page),
        cursor: rows.length > limit && last?.name ? encodeCursor({ n: last.name, a: last.address }) : null,
      };
    },
  );

  app.get(
    '/v1/hotspots/:address',
    { schema: { tags: ['hotspots'], summary: 'One hotspot', params: AddressParam, response: { 200: Type.Ref('Hotspot'), ...errors(400, 404) } } },
    async (request) => {
      requireValidAddress(request.params.address, 'address');
      const row = await findHotspot(deps.db, request.params.address);
      if (!row) throw new AppError('hotspots.not_found', `no hotspot ${request.params.address}`);
      return (await viewsWithStatus(deps, [row]))[0];
    },
  );

  app.get(
    '/v1/hotspots/:address/locations',
    {
      schema: {
        tags: ['hotspots'],
        summary: 'Location assertion history, newest first',
        params: AddressParam,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                nonce: Type.String(),
                cell: Type.String({ description: 'Asserted location, H3 res-12 cell (hex).' }),
                lat: Type.Number({ description: 'Centre of the res-12 cell, as the hotspot view gives it.' }),
                lng: Type.Number(),
                gainDbiX10: Type.Integer(),
                elevationM: Type.Integer(),
                region: Type.String(),
                assertedAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      requireValidAddress(request.params.address, 'address');
      if (!(await findHotspot(deps.db, request.params.address))) throw new AppError('hotspots.not_found', `no hotspot ${request.params.address}`);
      const rows = await listLocationAssertions(deps.db, request.params.address, request.query.limit);
      return {
        data: rows.map((r) => {
          const [lat, lng] = cellToLatLng(r.locationCell);
          return { nonce: r.nonce.toString(), cell: r.locationCell, lat, lng, gainDbiX10: r.gainDbiX10, elevationM: r.elevationM, region: r.region, assertedAt: r.assertedAt.toISOString() };
        }),
      };
    },
  );

  app.get(
    '/v1/owners/:owner/hotspots',
    {
      schema: {
        tags: ['hotspots'],
        summary: "An owner's hotspots (the whole fleet, keyset paginated: up to 1,000 per page)",
        params: Type.Object({ owner: Type.String({ minLength: 1, maxLength: 128 }) }),
        description: 'With `format=csv` the whole fleet comes in one file (an export, as for the fleet\'s rewards), and `limit`/`cursor` are ignored.',
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 512 })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
          format: csvFormatParam('whole', 'one row per hotspot of the fleet (location, status, lifetime rewards; transmit_scale empty and poc_eligible false for data-only hotspots; flagged_last_epoch: the flag kinds, space-separated)'),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('Hotspot')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400) },
      },
    },
    async (request, reply) => {
      requireValidAddress(request.params.owner, 'owner');
      if (request.query.format === 'csv') {
        return sendFleetCsv(reply, await fleetCsv(deps, request.params.owner));
      }
      const after = decodeCursor(request.query.cursor, (v): v is { a: string } => typeof (v as { a?: unknown })?.a === 'string');
      const rows = await listHotspotsByOwner(deps.db, request.params.owner, after?.a, request.query.limit + 1);
      const page = rows.slice(0, request.query.limit);
      const last = page[page.length - 1];
      return { data: await viewsWithStatus(deps, page), cursor: rows.length > request.query.limit && last ? encodeCursor({ a: last.address }) : null };
    },
  );
}

/** Registry rows as hotspot views with their status: one status query per source for all of them. */
async function viewsWithStatus(deps: ApiDeps, rows: readonly HotspotRow[]): Promise<HotspotView[]> {
  const statuses = await hotspotStatuses(deps.database.sql, rows.map((r) => r.address), await deps.coverage.get(), deps.clock.nowMs(), deps.onlineWindowMs);
  return rows.map((r) => toHotspotView(r, statuses.get(r.address)));
}

// Untyped reply: the route's response schema describes its JSON answer only.
/** Fleet exports may be a minute old, as the JSON lists' cache headers allow. */
const sendFleetCsv = (reply: FastifyReply, csv: string) => sendCsv(reply.header('cache-control', 'public, max-age=60'), csv);

/** Pages the fleet export reads the registry in (each page's statuses in one query per source). */
const FLEET_CSV_PAGE = 1000;

const FLEET_CSV_HEADER = [
  'address', 'capability', 'gateway_eui', 'lat', 'lng', 'cell', 'region', 'gain_dbi_x10', 'elevation_m', 'location_asserted_at', 'onboarded_at',
  'online', 'last_beacon_at', 'last_witness_at', 'last_packet_at', 'interactive', 'transmit_scale', 'poc_eligible', 'lifetime_rewards', 'denylisted_since',
  // Last, so the columns an export had before names were added keep their places.
  'flagged_last_epoch', 'name', 'latest_epoch', 'latest_epoch_total', 'latest_epoch_standing', 'country', 'earning_epoch', 'earning_so_far', 'earning_as_of',
];

/** One CSV row of a hotspot as the fleet list shows it (empty cells where it has no location or activity). */
export function fleetCsvRow(h: HotspotView): unknown[] {
  const l = h.location;
  const s = h.status;
  return [
    h.address, h.capability, h.gatewayEui, l?.lat, l?.lng, l?.cell, l?.region, l?.gainDbiX10, l?.elevationM, l?.assertedAt, h.onboardedAt,
    s?.online, s?.lastBeaconAt, s?.lastWitnessAt, s?.lastPacketAt, s?.interactive, s?.transmitScale, s?.pocEligible, s?.lifetimeRewards, s?.denylisted?.since,
    s?.flaggedLastEpoch?.kinds.join(' '), h.name, s?.latestEpoch?.epoch, s?.latestEpoch?.totalAmount, s?.latestEpoch?.standing, l?.country?.code,
    s?.earningSoFar?.epoch, s?.earningSoFar?.totalAmount, s?.earningSoFar?.asOf,
  ];
}

/** The whole fleet as CSV, in address order: what an owner with many hotspots opens in a spreadsheet. */
async function fleetCsv(deps: ApiDeps, owner: string): Promise<string> {
  const snapshot = await deps.coverage.get();
  const rows: unknown[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listHotspotsByOwner(deps.db, owner, after, FLEET_CSV_PAGE);
    const statuses = await hotspotStatuses(deps.database.sql, page.map((r) => r.address), snapshot, deps.clock.nowMs(), deps.onlineWindowMs);
    for (const r of page) rows.push(fleetCsvRow(toHotspotView(r, statuses.get(r.address))));
    if (page.length < FLEET_CSV_PAGE) break;
    after = page.at(-1)!.address;
  }
  return toCsv(FLEET_CSV_HEADER, rows);
}

export { HotspotView };
