/**
 * The notices the API posts to subscribers' URLs, as schemas: device makers' low-balance alerts
 * (and their tests) and route endpoint alerts, owners' hotspot status notices and epoch rewards notices. The builders' types
 * are derived from these, the integration tests check every posted notice against them, and the
 * OpenAPI document publishes them under `webhooks`, beside what routes' endpoints are sent, so a
 * receiver can generate its types from the same source.
 */
import { Type, type Static } from 'typebox';

const At = Type.String({ format: 'date-time', description: 'When the API noticed (UTC).' });
const Amount = (description: string) => Type.String({ pattern: '^[0-9]+$', description: `${description}; token base units, a decimal string (amounts exceed 2^53).` });
const HotspotName = Type.String({ description: 'Helium\'s three-word name of the hotspot ("feisty-glass-dalmatian").' });

export const DcBalanceLowNoticeSchema = Type.Object({
  type: Type.Literal('dc_balance_low'),
  orgId: Type.String({ format: 'uuid' }),
  orgName: Type.String(),
  balanceDc: Type.Integer(),
  thresholdDc: Type.Integer(),
  estimatedDaysLeft: Type.Union([Type.Number(), Type.Null()], { description: 'Balance / average daily burn over the last 7 full days (fewer for a younger org); null when nothing was burned.' }),
  averageDailyDc: Type.Number(),
  at: At,
});
export type DcBalanceLowNotice = Static<typeof DcBalanceLowNoticeSchema>;

export const BalanceAlertTestNoticeSchema = Type.Object({
  type: Type.Literal('test'),
  orgId: Type.String({ format: 'uuid' }),
  orgName: Type.String(),
  note: Type.String(),
  at: At,
});
export type BalanceAlertTestNotice = Static<typeof BalanceAlertTestNoticeSchema>;

export const RouteEndpointNoticeSchema = Type.Object({
  type: Type.Union([Type.Literal('route_endpoint_down'), Type.Literal('route_endpoint_recovered')], {
    description:
      "route_endpoint_down: the route's endpoint failed deliveries in a row and the router backed it off: while backed off, the route's packets are not bought (endpoint_backoff in its stats); route_endpoint_recovered: it took a packet again, after an outage told as down.",
  }),
  orgId: Type.String({ format: 'uuid' }),
  orgName: Type.String(),
  routeId: Type.String({ format: 'uuid' }),
  routeName: Type.Union([Type.String(), Type.Null()]),
  endpoint: Type.Union(
    [
      Type.Object({ protocol: Type.Literal('http'), url: Type.String({ description: 'Without user info or query string.' }), hasAuthHeader: Type.Boolean() }),
      Type.Object({ protocol: Type.Literal('gwmp'), host: Type.String(), port: Type.Integer(), regionPorts: Type.Optional(Type.Record(Type.String(), Type.Integer())) }),
    ],
    { description: 'The endpoint, without credentials.' },
  ),
  lastError: Type.String({ description: 'What the last failed delivery got: status_503, timeout, ECONNREFUSED, ...' }),
  lastErrorAt: Type.String({ format: 'date-time' }),
  backoffs: Type.Integer({ description: 'Back-offs in this outage so far (each longer, up to ROUTER_ENDPOINT_BACKOFF_MAX_MS).' }),
  backoffUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'End of the current back-off; null once recovered.' }),
  recoveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it took a packet again; null while down.' }),
  at: At,
});
export type RouteEndpointNotice = Static<typeof RouteEndpointNoticeSchema>;

export const HotspotStatusNoticeSchema = Type.Object({
  type: Type.Literal('hotspot_status'),
  owner: Type.String(),
  changes: Type.Array(
    Type.Object({
      hotspot: Type.String(),
      name: HotspotName,
      online: Type.Boolean(),
      lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Its latest beacon, witness or carried packet; null if none ever.' }),
    }),
    { description: 'Hotspots gone offline (no beacon, witness or carried packet within two beacon intervals) or back online.' },
  ),
  pocChanges: Type.Array(
    Type.Object({
      hotspot: Type.String(),
      name: HotspotName,
      failing: Type.Boolean({ description: 'Every beacon and witness report of the last four beacon intervals rejected (true), or one passing again (false).' }),
      reason: Type.Union([Type.String(), Type.Null()], { description: 'The most frequent rejection (witness_too_close for a wrong asserted location, ...); null when passing.' }),
      invalidReports: Type.Integer(),
    }),
  ),
  scaleChanges: Type.Array(
    Type.Object({
      hotspot: Type.String(),
      name: HotspotName,
      fromScale: Type.Number({ description: 'Its transmit scale as last told (or first seen) while interactive, 4 decimals.' }),
      toScale: Type.Number({ description: 'Its transmit scale now: every beacon and witness reward it earns is multiplied by it.' }),
    }),
    {
      description:
        'Interactive hotspots whose HIP-17 transmit scale moved: a hotspot asserted or back online nearby lowers it, one going quiet raises it. Where it comes from: GET /v1/hexes/{h3} of its cell, or /v1/coverage/siting at its location.',
    },
  ),
  at: At,
});
export type HotspotStatusNotice = Static<typeof HotspotStatusNoticeSchema>;

export const RewardStandingSchema = Type.Union(
  [Type.Literal('top_10_percent'), Type.Literal('top_25_percent'), Type.Literal('top_half'), Type.Literal('bottom_half'), Type.Literal('bottom_25_percent')],
  { description: "Where the hotspot's total falls among the epoch's paid hotspots, by their quantiles (p90, p75, median, p25)." },
);

export const EpochRewardsNoticeSchema = Type.Object({
  type: Type.Literal('epoch_rewards'),
  owner: Type.String(),
  epoch: Type.Integer(),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time', description: 'Exclusive.' }),
  totalAmount: Amount("What the epoch paid the owner's hotspots in all"),
  paidHotspots: Type.Integer({ description: 'Of them, those paid something.' }),
  hotspots: Type.Array(
    Type.Object({
      hotspot: Type.String(),
      name: HotspotName,
      beaconAmount: Amount('Paid for beacons'),
      witnessAmount: Amount('Paid for witnessing'),
      dataAmount: Amount('Paid for carrying device packets'),
      totalAmount: Amount('The three together'),
      standing: Type.Union([RewardStandingSchema, Type.Null()], { description: 'null when the epoch paid it nothing.' }),
    }),
    { description: 'Every hotspot the owner has, the best paid first (ties by address); those paid nothing last, with 0.' },
  ),
  network: Type.Union(
    [Type.Object({ paidHotspots: Type.Integer(), mean: Amount('Mean per paid hotspot'), median: Amount('Median per paid hotspot'), p90: Amount('90th percentile per paid hotspot') }), Type.Null()],
    { description: 'The epoch over the whole network; null for an epoch paid before the spread was kept and not filled in yet.' },
  ),
  at: At,
});
export type EpochRewardsNotice = Static<typeof EpochRewardsNoticeSchema>;

const noticeWebhook = (summary: string, description: string, schema: object) => ({
  post: {
    summary,
    description: `${description} Posted as JSON with the subscription's authHeader as the Authorization header when set, and x-cov-signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")> over the exact body (an owner's: the secret its subscribing answer showed; an organisation's: its webhook secret, when it has one); no redirect is followed; any 2xx answer counts as taken, anything else is posted again at the next check.`,
    tags: ['notices'],
    requestBody: { required: true, content: { 'application/json': { schema } } },
    responses: { '200': { description: 'Taken (any 2xx).' } },
  },
});

/** The OpenAPI 3.1 `webhooks` entries of the notices. */
export const noticeWebhookDocument = {
  'org-balance-low': noticeWebhook(
    "An organisation's low-balance alert (PUT /v1/orgs/{orgId}/balance-alert)",
    'Once when the DC balance falls under the threshold; armed again by a top-up back to it.',
    DcBalanceLowNoticeSchema,
  ),
  'org-route-endpoint': noticeWebhook(
    "A route's endpoint backed off or recovered (PUT /v1/orgs/{orgId}/balance-alert with endpointAlerts: true)",
    "Once when an outage of a route's endpoint backs it off (the route's packets are not bought meanwhile), and once when it takes a packet again; to the low-balance alert's URL.",
    RouteEndpointNoticeSchema,
  ),
  'org-balance-alert-test': noticeWebhook('A test of the low-balance alert (POST /v1/orgs/{orgId}/balance-alert/test)', 'Nothing changed: a receiver should answer 2xx and do nothing else. Signed as the real notice is.', BalanceAlertTestNoticeSchema),
  'owner-hotspot-status': noticeWebhook(
    "An owner's hotspot status notice (PUT /v1/owners/{owner}/alerts)",
    'Hotspots gone offline or back, hotspots whose proof-of-coverage reports are all rejected or pass again, and interactive hotspots whose transmit scale changed, since the last notice.',
    HotspotStatusNoticeSchema,
  ),
  'owner-epoch-rewards': noticeWebhook(
    "What a paid epoch paid an owner's hotspots (PUT /v1/owners/{owner}/alerts with epochRewards: true)",
    'Once per epoch paid after the owner opted in, oldest first.',
    EpochRewardsNoticeSchema,
  ),
};
