/**
 * What the device-maker API shows: TypeBox schemas (named, for OpenAPI) and the row -> view
 * mappers. DevAddrs are 8 hex (display order), DC amounts plain integers, times ISO 8601. Secrets
 * never leave: API keys show their prefix, session keys their last 4 hex, endpoint auth headers
 * only whether one is set.
 */
import { Type, type Static } from 'typebox';
import { formatDevAddr } from '@cov/shared/lorawan/netid';
import { REGION_IDS } from '@cov/shared/regions/types';
import { AuthHeaderValue } from '../http/outbound-request';
import type { DeletedRouteEndpoint, RouteEndpoint } from '@cov/shared/db/schema/routing';
import type { DeletedRouteWithKey } from './deleted-routes-repository';
import type { DcLedgerRow, DevaddrBlockRow, OrgApiKeyRow, OrgRow } from './orgs-repository';
import type { PacketCopyRow, RangeRow, RouteDeliveryRow, RoutedPacketRow, RouteRow, SkfRow } from './routes-repository';

export const DevAddrHex = Type.String({ pattern: '^[0-9A-Fa-f]{8}$', description: 'DevAddr, 8 hex, most significant byte first' });
export const Eui = Type.String({ pattern: '^[0-9A-Fa-f]{16}$' });

export const DevAddrBlockView = Type.Object(
  { id: Type.String(), start: Type.String(), end: Type.String(), size: Type.Integer(), allocatedAt: Type.String({ format: 'date-time' }) },
  { $id: 'DevAddrBlock' },
);

export const OrgView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    netId: Type.String(),
    balanceDc: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    devAddrBlocks: Type.Array(Type.Ref('DevAddrBlock')),
    spending: Type.Optional(
      Type.Object(
        {
          burnedTodayDc: Type.Integer({ description: 'DC burned so far today (UTC).' }),
          burnedLast7DaysDc: Type.Integer({ description: 'DC burned over the last 7 full UTC days.' }),
          averageDailyDc: Type.Number({ description: 'Their daily average; over the full UTC days since the organisation was created when it is younger than 7 days.' }),
          estimatedDaysLeft: Type.Union([Type.Number(), Type.Null()], {
            description: 'Balance over the daily average: when packets would stop being forwarded without a top-up. Null when nothing was burned on those days, or the organisation is not a full UTC day old.',
          }),
        },
        { description: 'How fast the balance goes (GET of one organisation only). From the daily route stats, which follow the burns by about 0.2 s.' },
      ),
    ),
  },
  { $id: 'Org' },
);

export const ApiKeyView = Type.Object(
  {
    id: Type.String(),
    prefix: Type.String(),
    name: Type.String({ description: 'Given when the key was issued; "" when none was.' }),
    scope: Type.Union([Type.Literal('read'), Type.Literal('write')]),
    createdAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the key last called the API or sent a downlink, to within 5 minutes; null if never. Whether a key being rotated out is still in use.',
    }),
  },
  { $id: 'OrgApiKey' },
);

export const LedgerEntryView = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Union([Type.Literal('purchase'), Type.Literal('top_up'), Type.Literal('burn'), Type.Literal('correction')]),
    amountDc: Type.Integer({ description: 'Positive for credits, negative for burns.' }),
    balanceAfterDc: Type.Integer(),
    copies: Type.Integer({ description: 'Burns: bought copies paid by this row.' }),
    memo: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'DcLedgerEntry' },
);

export const HttpEndpointInput = Type.Object(
  {
    protocol: Type.Literal('http'),
    url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
    authHeader: Type.Optional(Type.String({ ...AuthHeaderValue, description: 'Sent as the Authorization header of every webhook call.' })),
  },
  { additionalProperties: false },
);
const UdpPort = Type.Integer({ minimum: 1, maximum: 65535 });
/** Region -> port; only the regions hotspots can be in (a misspelt region would silently never match). */
const RegionPorts = Type.Object(Object.fromEntries(REGION_IDS.map((r) => [r, Type.Optional(UdpPort)])), {
  additionalProperties: false,
  minProperties: 1,
  description: 'A UDP port per hotspot region, for an LNS that runs one gateway bridge per region (ChirpStack, for instance); copies heard by hotspots of other regions go to `port`.',
});
export const GwmpEndpointInput = Type.Object(
  { protocol: Type.Literal('gwmp'), host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:_-]+$' }), port: UdpPort, regionPorts: Type.Optional(RegionPorts) },
  { additionalProperties: false },
);

/**
 * A route's endpoint as given: told apart by `protocol` (an OpenAPI discriminator, which Ajv
 * honours), so a mistake in a GWMP endpoint is reported in its own field. As a plain union, Ajv
 * reported the first branch's complaint, "endpoint/url: must have required property 'url'", for a
 * bad GWMP port or region.
 */
export const EndpointInput = Type.Unsafe<Static<typeof HttpEndpointInput> | Static<typeof GwmpEndpointInput>>({
  // `type` too: Ajv's strict mode wants a discriminator on an object schema (it warned at every start).
  type: 'object',
  oneOf: [HttpEndpointInput, GwmpEndpointInput],
  discriminator: { propertyName: 'protocol' },
});

/**
 * An endpoint as PATCH takes it. Left out, an HTTP endpoint's authHeader is kept (when the route's
 * endpoint already was HTTP); null removes it. Changing only the webhook URL used to drop the
 * header with it, and the LNS then refused every packet, each of them paid (endpoint_error).
 */
const HttpEndpointPatch = Type.Object(
  {
    protocol: Type.Literal('http'),
    url: HttpEndpointInput.properties.url,
    authHeader: Type.Optional(
      Type.Union([Type.String({ ...AuthHeaderValue }), Type.Null()], {
        description: 'Sent as the Authorization header of every webhook call. Left out: the route keeps the one it has; null: none is sent.',
      }),
    ),
  },
  { additionalProperties: false },
);
export const EndpointPatchInput = Type.Unsafe<Static<typeof HttpEndpointPatch> | Static<typeof GwmpEndpointInput>>({
  type: 'object',
  oneOf: [HttpEndpointPatch, GwmpEndpointInput],
  discriminator: { propertyName: 'protocol' },
});

const DeliveryView = Type.Union(
  [
    Type.Object({
      backingOff: Type.Boolean({ description: 'The router is not buying this route’s packets right now (drop reason endpoint_backoff).' }),
      backoffUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      backoffs: Type.Integer({ description: 'Back-offs in the current or last outage (each twice as long as the one before).' }),
      lastError: Type.String({ description: 'What the endpoint answered last when it failed: status_500, timeout, ECONNREFUSED, ...' }),
      lastErrorAt: Type.String({ format: 'date-time' }),
      recoveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
    Type.Null(),
  ],
  { description: 'The endpoint’s last outage, as the router’s error back-off saw it; null when it never had one.' },
);

export const RouteView = Type.Object(
  {
    id: Type.String(),
    orgId: Type.String(),
    name: Type.String(),
    endpoint: Type.Union([
      Type.Object({ protocol: Type.Literal('http'), url: Type.String(), hasAuthHeader: Type.Boolean() }),
      Type.Object({ protocol: Type.Literal('gwmp'), host: Type.String(), port: Type.Integer(), regionPorts: Type.Optional(Type.Record(Type.String(), Type.Integer())) }),
    ]),
    maxCopies: Type.Integer(),
    active: Type.Boolean(),
    locked: Type.Boolean(),
    devAddrRanges: Type.Array(Type.Object({ start: Type.String(), end: Type.String() })),
    euiPairCount: Type.Integer(),
    skfCount: Type.Integer({ description: 'Session-key filters (GET .../skfs lists them).' }),
    delivery: DeliveryView,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Route' },
);

const DeletedBy = Type.Union(
  [
    Type.Object({ kind: Type.Literal('admin') }),
    Type.Object({ kind: Type.Literal('api_key'), keyId: Type.String(), name: Type.String(), prefix: Type.String() }),
  ],
  { description: 'Who deleted the route: the network operator (admin key) or one of the org’s API keys.' },
);

export const DeletedRouteView = Type.Object(
  {
    id: Type.String(),
    orgId: Type.String(),
    name: Type.String(),
    endpoint: Type.Union(
      [
        Type.Object({ protocol: Type.Literal('http'), url: Type.String({ description: 'Scheme, host and path: user info and query string are not kept.' }), hasAuthHeader: Type.Boolean() }),
        Type.Object({ protocol: Type.Literal('gwmp'), host: Type.String(), port: Type.Integer(), regionPorts: Type.Optional(Type.Record(Type.String(), Type.Integer())) }),
      ],
      { description: 'The endpoint at deletion, without credentials.' },
    ),
    maxCopies: Type.Integer(),
    active: Type.Boolean({ description: 'Whether it was active when deleted.' }),
    locked: Type.Boolean({ description: 'Whether an admin had locked it when it was deleted.' }),
    devAddrRanges: Type.Array(Type.Object({ start: Type.String(), end: Type.String() }), { description: 'Its ranges at deletion, since released: another route may hold them now.' }),
    euiPairCount: Type.Integer({ description: 'JoinEUI/DevEUI pairs at deletion (GET .../routes/:routeId/eui-pairs lists them).' }),
    skfCount: Type.Integer({ description: 'Session-key filters at deletion; the filters hold keys and are not kept.' }),
    delivery: { ...DeliveryView, description: 'The endpoint’s last outage as it stood when the route was deleted (backingOff: at that moment); null when it never had one.' },
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time', description: 'Its last change before deletion.' }),
    deletedAt: Type.String({ format: 'date-time' }),
    deletedBy: DeletedBy,
  },
  { $id: 'DeletedRoute', description: 'A deleted route as it was when deleted. Its stats, packets and EUI pairs stay readable at /v1/orgs/{orgId}/routes/{routeId}/...; nothing can change it.' },
);

/**
 * What the packet log's status can be (the router's route outcomes, and endpoint_error once a
 * delivery failed). The packets filter takes only these: a misspelt one matched nothing and
 * answered an empty page, as if the route had no such packets.
 */
export const PACKET_STATUSES = ['forwarded', 'insufficient_dc', 'burn_failed', 'route_inactive', 'route_locked', 'endpoint_backoff', 'endpoint_error'] as const;
export const PacketStatus = Type.Union(PACKET_STATUSES.map((s) => Type.Literal(s)));

export const RoutedPacketView = Type.Object(
  {
    id: Type.String({ description: 'SHA-256 of the PHYPayload (the webhook message id).' }),
    kind: Type.String(),
    devAddr: Type.Union([Type.String(), Type.Null()]),
    joinEui: Type.Union([Type.String(), Type.Null()]),
    devEui: Type.Union([Type.String(), Type.Null()]),
    fCnt: Type.Union([Type.Integer(), Type.Null()]),
    fPort: Type.Union([Type.Integer(), Type.Null()]),
    payloadBytes: Type.Integer(),
    copiesHeard: Type.Integer({
      description:
        'Hotspots that heard the packet within its dedup window. The router buys before the window closes (as soon as it holds max_copies copies, or shortly before the close); copies heard after that, and copies it bought later, are added when the router records them, within seconds.',
    }),
    copiesBought: Type.Integer({ description: 'Copies bought (and forwarded) for this route, over all its purchases of the packet: at most its max_copies; 0 when not forwarded.' }),
    dc: Type.Integer(),
    status: Type.String({
      description:
        '"forwarded" or the drop reason; "endpoint_error": paid and sent, but the endpoint refused it or did not answer (recorded with the router\'s next burn batch, so a row may read "forwarded" for a moment first).',
    }),
    receivedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'RoutedPacket' },
);

export const PacketCopyView = Type.Object(
  {
    hotspot: Type.String(),
    rssiDbm: Type.Integer(),
    snrDb: Type.Number(),
    frequencyHz: Type.Integer(),
    dataRate: Type.String(),
    receivedAt: Type.String({ format: 'date-time' }),
    dc: Type.Integer(),
  },
  { $id: 'PacketCopy' },
);

export const viewSchemas = [DevAddrBlockView, OrgView, ApiKeyView, LedgerEntryView, RouteView, DeletedRouteView, RoutedPacketView, PacketCopyView];

export function toBlockView(b: DevaddrBlockRow) {
  return { id: b.id, start: formatDevAddr(b.startAddr), end: formatDevAddr(b.endAddr), size: b.endAddr - b.startAddr + 1, allocatedAt: b.allocatedAt.toISOString() };
}

export function toOrgView(org: OrgRow, blocks: DevaddrBlockRow[]) {
  return { id: org.id, name: org.name, netId: org.netId, balanceDc: org.dcBalance, createdAt: org.createdAt.toISOString(), devAddrBlocks: blocks.map(toBlockView) };
}

export function toApiKeyView(k: OrgApiKeyRow) {
  return {
    id: k.id,
    prefix: k.keyPrefix,
    name: k.name,
    scope: k.scope,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

export function toLedgerView(e: DcLedgerRow) {
  return { id: e.id, kind: e.kind, amountDc: e.amountDc, balanceAfterDc: e.balanceAfterDc, copies: e.copies, memo: e.memo, createdAt: new Date(e.createdAtMs).toISOString() };
}

function toDeliveryView(d: Pick<RouteDeliveryRow, 'lastError' | 'lastErrorAtMs' | 'backoffs' | 'backoffUntilMs' | 'recoveredAtMs'> | undefined, nowMs: number) {
  if (d === undefined) return null;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    backingOff: d.backoffUntilMs !== null && d.backoffUntilMs > nowMs,
    backoffUntil: iso(d.backoffUntilMs),
    backoffs: d.backoffs,
    lastError: d.lastError,
    lastErrorAt: new Date(d.lastErrorAtMs).toISOString(),
    recoveredAt: iso(d.recoveredAtMs),
  };
}

function toEndpointView(e: RouteEndpoint | DeletedRouteEndpoint) {
  if (e.protocol === 'http') return { protocol: 'http' as const, url: e.url, hasAuthHeader: 'hasAuthHeader' in e ? e.hasAuthHeader : !!e.authHeader };
  return { protocol: 'gwmp' as const, host: e.host, port: e.port, ...(e.regionPorts ? { regionPorts: e.regionPorts as Record<string, number> } : {}) };
}

export function toRouteView(r: RouteRow, ranges: RangeRow[], counts: { euiPairs: number; skfs: number }, delivery: RouteDeliveryRow | undefined, nowMs: number) {
  const endpoint = toEndpointView(r.endpoint);
  return {
    id: r.id,
    orgId: r.orgId,
    name: r.name,
    endpoint,
    maxCopies: r.maxCopies,
    active: r.active,
    locked: r.locked,
    devAddrRanges: ranges.filter((x) => x.routeId === r.id).map((x) => ({ start: formatDevAddr(x.startAddr), end: formatDevAddr(x.endAddr) })),
    euiPairCount: counts.euiPairs,
    skfCount: counts.skfs,
    delivery: toDeliveryView(delivery, nowMs),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toDeletedRouteView({ route: r, deletedByKey }: DeletedRouteWithKey) {
  return {
    id: r.id,
    orgId: r.orgId,
    name: r.name,
    endpoint: toEndpointView(r.endpoint),
    maxCopies: r.maxCopies,
    active: r.active,
    locked: r.locked,
    devAddrRanges: r.devaddrRanges.map((x) => ({ start: formatDevAddr(x.startAddr), end: formatDevAddr(x.endAddr) })),
    euiPairCount: r.euiPairCount,
    skfCount: r.skfCount,
    delivery: toDeliveryView(r.delivery ?? undefined, r.deletedAt.getTime()),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    deletedAt: r.deletedAt.toISOString(),
    deletedBy: deletedByKey === null ? { kind: 'admin' as const } : { kind: 'api_key' as const, keyId: deletedByKey.id, name: deletedByKey.name, prefix: deletedByKey.prefix },
  };
}

export function toSkfView(s: SkfRow) {
  return { devAddr: formatDevAddr(s.devAddr), sessionKeyHint: `…${s.sessionKey.slice(-4)}`, maxCopies: s.maxCopies };
}

export function toRoutedPacketView(p: RoutedPacketRow) {
  return {
    id: Buffer.from(p.packetHash).toString('hex'),
    kind: p.kind,
    devAddr: p.devAddr,
    joinEui: p.joinEui,
    devEui: p.devEui,
    fCnt: p.fCnt,
    fPort: p.fPort,
    payloadBytes: p.payloadBytes,
    copiesHeard: p.copiesHeard,
    copiesBought: p.copiesBought,
    dc: p.dc,
    status: p.status,
    receivedAt: new Date(p.receivedAtMs).toISOString(),
  };
}

export function toPacketCopyView(c: PacketCopyRow) {
  return { hotspot: c.hotspotAddress, rssiDbm: c.rssiDbm, snrDb: c.snrDb, frequencyHz: c.frequencyHz, dataRate: c.dataRate, receivedAt: new Date(c.receivedAtMs).toISOString(), dc: c.dc };
}
