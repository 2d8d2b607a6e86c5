/**
 * The JSON a device maker's HTTP endpoint receives for each packet and route (the router builds it,
 * `services/router/src/forwarding/webhook-message.ts`), as a schema: the router's type is derived
 * from it, and the OpenAPI document publishes it under `webhooks`, so what a maker codes its
 * receiver against is what the router sends. It lived in the router's README only.
 */
import { Type, type Static } from 'typebox';

const Hex = (description: string) => Type.String({ pattern: '^[0-9a-f]*$', description });
const NullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const WebhookCopySchema = Type.Object({
  hotspot: Type.String({ description: 'The hotspot’s Helium address (base58).' }),
  gatewayEui: Type.String({ description: '16 hex, upper case.' }),
  h3: NullableString('Asserted location, H3 res-12 cell; null until asserted.'),
  region: NullableString('LoRaWAN region of the hotspot (EU868, US915, ...); null until asserted.'),
  rssiDbm: Type.Number(),
  snrDb: Type.Number(),
  frequencyHz: Type.Integer(),
  dataRate: Type.String({ description: 'e.g. SF7BW125' }),
  codingRate: NullableString('e.g. 4/5'),
  tmst: Type.Integer({ description: 'The gateway’s microsecond counter when it received the copy.' }),
  gatewayTime: NullableString('The gateway’s own time of reception (GPS or host clock), when it gave one.'),
  receivedAt: Type.String({ format: 'date-time', description: 'When the router received the copy.' }),
  dc: Type.Integer({ description: 'What this copy cost.' }),
});

const DataFrameSchema = Type.Object({
  mtype: Type.String({ description: 'UnconfirmedDataUp or ConfirmedDataUp' }),
  devAddr: Hex('8 hex, most significant byte first'),
  fCnt: Type.Integer({ description: 'The 16-bit FCnt the frame carries (the LNS knows the high bits).' }),
  fPort: Type.Union([Type.Integer(), Type.Null()]),
  confirmed: Type.Boolean(),
  adr: Type.Boolean(),
  ack: Type.Boolean(),
  fOpts: Hex('MAC commands, hex'),
  frmPayload: Hex('Encrypted FRMPayload, hex (the router holds no application keys)'),
  mic: Hex('4 bytes, hex'),
});

const JoinRequestFrameSchema = Type.Object({
  mtype: Type.Literal('JoinRequest'),
  joinEui: Hex('16 hex'),
  devEui: Hex('16 hex'),
  devNonce: Type.Integer(),
  mic: Hex('4 bytes, hex'),
});

export const WebhookMessageSchema = Type.Object({
  id: Hex('SHA-256 of the PHYPayload: the packet’s id in the packet log, and `uplinkId` of a later downlink POST.'),
  type: Type.Union([Type.Literal('uplink'), Type.Literal('join')]),
  routeId: Type.String({ format: 'uuid' }),
  receivedAt: Type.String({ format: 'date-time', description: 'When the first copy reached the router.' }),
  phyPayload: Type.String({ description: 'base64' }),
  frame: Type.Union([DataFrameSchema, JoinRequestFrameSchema]),
  payloadBytes: Type.Integer({ description: 'FRMPayload length, what the price is based on; 0 for joins.' }),
  dc: Type.Integer({ description: 'What the route paid for all its copies.' }),
  copies: Type.Array(WebhookCopySchema, { description: 'The copies bought, in arrival order.' }),
  downlinkUrl: Type.Optional(Type.String({ description: 'Where a later downlink for this packet is posted (the router that forwarded it); absent when it has no known public address.' })),
});

/** What a route's HTTP endpoint is sent when its org tests the route: no packet, nothing paid. */
export const RouteTestMessageSchema = Type.Object({
  id: Type.String({ description: 'The test\'s own id (not a packet\'s).' }),
  type: Type.Literal('test'),
  routeId: Type.String({ format: 'uuid' }),
  sentAt: Type.String({ format: 'date-time' }),
  note: Type.String(),
});

export type WebhookCopy = Static<typeof WebhookCopySchema>;
export type RouteTestMessage = Static<typeof RouteTestMessageSchema>;
export type WebhookMessage = Static<typeof WebhookMessageSchema>;

/** The OpenAPI 3.1 `webhooks` entry: what a route's HTTP endpoint is sent, and what it may answer. */
export const routeWebhookDocument = {
  'route-uplink': {
    post: {
      summary: 'What a route’s HTTP endpoint receives: one message per packet (uplink or join request)',
      description:
        'Posted to the route’s `endpoint.url`, with its `authHeader` as the Authorization header when set, and, once the organisation has a webhook secret (`POST /v1/orgs/{orgId}/webhook-secret`), an `x-cov-signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` header over the exact body. Any 2xx answer counts as delivered; other statuses, timeouts and connection errors count as `endpoint_error` (the packet was paid), and several in a row back the route off for a while (`endpoint_backoff`). ' +
        'The answer may carry a downlink for the packet: `{ "downlink": { "payload": "<base64 PHYPayload>", "rx1"?, "rx2"?, "powerDbm"? } }`, as `POST /v1/router/downlinks` takes it.',
      tags: ['device makers'],
      requestBody: { required: true, content: { 'application/json': { schema: WebhookMessageSchema } } },
      responses: { '200': { description: 'Delivered (any 2xx); the body may carry `downlink`.' } },
    },
  },
  'route-test': {
    post: {
      summary: 'What a route’s HTTP endpoint receives when its organisation tests the route (`POST /v1/router/route-tests`)',
      description:
        'Posted like a packet’s message, with the route’s `authHeader` and the organisation’s signature, but with `type: "test"` and no frame: nothing was heard or paid, so a receiver should answer 2xx and do nothing else. A GWMP route is tested with a PUSH_DATA carrying only a `stat` object (no rxpk), from gateway EUI 0000000000000000, which the LNS acknowledges.',
      tags: ['device makers'],
      requestBody: { required: true, content: { 'application/json': { schema: RouteTestMessageSchema } } },
      responses: { '200': { description: 'Taken (any 2xx).' } },
    },
  },
};
