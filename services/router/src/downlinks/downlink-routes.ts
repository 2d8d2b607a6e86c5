/**
 * POST /v1/router/downlinks: a device maker sends a downlink for a packet it received (named by
 * the message's `id`) after having answered the webhook, within the packet's receive windows. Served
 * by the router process itself, because only it knows which hotspots heard the packet and where
 * their forwarders pull from. Authenticated with a write-scoped org API key; an org can only answer
 * its own packets.
 */
import { Type } from 'typebox';
import type { Db } from '@cov/shared/db/client';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { ApiKeyUse } from '@cov/shared/routing/api-key-use';
import { requireOrgWriteKey } from '../org-write-key';
import { readDownlinkRequest } from './downlink-request';
import type { DownlinkService } from './downlink-service';

const ErrorRef = Type.Ref('ErrorResponse');
const Window = Type.Object(
  { delayMs: Type.Optional(Type.Integer()), frequencyHz: Type.Optional(Type.Integer()), dataRate: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export async function registerDownlinkRoutes(app: HttpServer, deps: { db: Db; downlinks: DownlinkService; keyUse: ApiKeyUse }): Promise<void> {
  app.post(
    '/v1/router/downlinks',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Send a downlink for a received packet (org API key, write scope)',
        description:
          'Posted to the `downlinkUrl` of the webhook message (the router that forwarded the packet; another router does not know it). uplinkId is the `id` of the webhook message. The downlink goes through the bought hotspot that heard the packet best, in RX1 (uplink tmst + 1 s, +5 s for a join-accept) or RX2 if RX1 has passed, retried in RX2 when the gateway reports a TX error. rx1/rx2 override the region defaults; rx2 null disables the retry. One downlink per uplink (409 downlinks.already_scheduled after the first, including one given in the webhook answer): a class A device listens once.',
        security: [{ apiKey: [] }],
        body: Type.Object(
          {
            uplinkId: Type.String({ pattern: '^[0-9a-f]{64}$' }),
            routeId: Type.Optional(Type.String({ format: 'uuid' })),
            payload: Type.String({ minLength: 1, maxLength: 400, description: 'base64 PHYPayload (join-accept or downlink data frame)' }),
            rx1: Type.Optional(Window),
            rx2: Type.Optional(Type.Union([Window, Type.Null()])),
            powerDbm: Type.Optional(Type.Integer()),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({
            window: Type.Union([Type.Literal('rx1'), Type.Literal('rx2')]),
            hotspot: Type.String(),
            gatewayEui: Type.String(),
            tmst: Type.Integer(),
            frequencyHz: Type.Integer(),
            dataRate: Type.String(),
          }),
          400: ErrorRef,
          401: ErrorRef,
          403: ErrorRef,
          404: ErrorRef,
          409: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      const holder = await requireOrgWriteKey(request, deps);
      const { uplinkId, routeId, ...downlink } = request.body;
      const parsed = readDownlinkRequest(downlink);
      if (!parsed.ok) throw parsed.error;
      const ctx = deps.downlinks.find(uplinkId, holder.orgId, routeId);
      if (!ctx) throw new AppError('downlinks.unknown_uplink', 'no recent packet with this id was forwarded to this org (packets are kept 10 s)', { uplinkId });
      const sent = await deps.downlinks.send(ctx, parsed.value);
      if (!sent.ok) throw sent.error;
      const { hotspotAddress, ...rest } = sent.value;
      return reply.status(202).send({ hotspot: hotspotAddress, ...rest });
    },
  );
}
