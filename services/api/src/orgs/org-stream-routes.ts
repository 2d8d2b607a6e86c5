/**
 * WebSocket /v1/orgs/:orgId/stream: an organisation's packets as the router records them (the
 * packet log's rows: forwarded or the drop reason, copies heard and bought, DC), for watching a
 * device's traffic live while debugging, as device makers do in their network server's console.
 * `?route=<id>` narrows it to one route, `?devAddr=` or `?devEui=` to one device. The org's read
 * key (or the admin key) is checked before the upgrade, so a bad key or another org's route gets a
 * normal HTTP error with its code, and checked again every `keyCheckIntervalMs` while the stream
 * is open: a key revoked (say, because it leaked) closes its streams with 1008 and the error code,
 * where it used to keep receiving the org's packets for as long as the socket lived. The public
 * /v1/stream never carries these. A subscriber that cannot keep up is closed with 1013
 * `stream.slow_consumer`, as there.
 */
import { Type } from 'typebox';
import { isAppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { requireWebSocketUpgrade } from '@cov/shared/http/websocket-upgrade';
import type { LiveEvents } from '../stream/live-events';
import { MAX_BUFFERED_BYTES } from '../stream/stream-routes';
import { authorizeOrg } from './org-access';
import { DevAddrHex, Eui, toRoutedPacketView } from './org-views';
import type { OrgsDeps } from './orgs-deps';
import { liveOrgRoute } from './route-lookup';

const ErrorRef = Type.Ref('ErrorResponse');
const Params = Type.Object({ orgId: Type.String({ format: 'uuid' }) });
const Query = Type.Object({
  route: Type.Optional(Type.String({ format: 'uuid', description: 'Only this route’s packets.' })),
  devAddr: Type.Optional(DevAddrHex),
  devEui: Type.Optional(Eui),
});
type StreamQuery = { route?: string; devAddr?: string; devEui?: string };

export async function registerOrgStreamRoutes(app: HttpServer, deps: OrgsDeps & { keyCheckIntervalMs: number }, events: LiveEvents): Promise<void> {
  app.get(
    '/v1/orgs/:orgId/stream',
    {
      websocket: true,
      schema: {
        tags: ['device makers'],
        summary: "Live packets of an organisation's routes (WebSocket)",
        description:
          'Connect with a WebSocket and the org API key (read scope) in the usual header; a browser, which cannot set headers on a WebSocket, offers it as a subprotocol beside another: `new WebSocket(url, [\'cov.v1\', \'cov.key.\' + key])` (the answer picks cov.v1, never the key). First message `{type:"hello", orgId, routeId, devAddr, devEui}`, then `{type:"packet", routeId, packet}` per packet log row as the router records it (about 0.2 s after the packet\'s window, polled once a second; a packet\'s later purchases are not sent again). `route` narrows it to one route, `devAddr` or `devEui` to one device. Slow consumers are closed with 1013 stream.slow_consumer.',
        security: [{ apiKey: [] }],
        params: Params,
        querystring: Query,
        // Refusals come before the upgrade, as plain HTTP answers (the document listed none of them).
        response: { 400: ErrorRef, 401: ErrorRef, 403: ErrorRef, 404: ErrorRef, 410: ErrorRef },
      },
      // After validation (a malformed org or route id is a 400), before the upgrade.
      preHandler: async (request) => {
        const { orgId } = request.params as { orgId: string };
        const { route } = request.query as { route?: string };
        await authorizeOrg(request, deps, orgId, 'read');
        // A deleted route gets no more packets: 410, as for every live-only view of it.
        if (route !== undefined) await liveOrgRoute(deps.db, orgId, route);
        requireWebSocketUpgrade(request);
      },
    },
    (socket, request) => {
      const { orgId } = request.params as { orgId: string };
      const { route, devAddr, devEui } = request.query as StreamQuery;
      const [addr, eui] = [devAddr?.toLowerCase(), devEui?.toLowerCase()];
      socket.send(JSON.stringify({ type: 'hello', orgId, routeId: route ?? null, devAddr: addr ?? null, devEui: eui ?? null }));
      // The key's code when it no longer opens this stream; undefined while it does, or when the
      // check itself failed (the database briefly down is no reason to drop a debugging session).
      const keyRefusal = async (): Promise<string | undefined> => {
        try {
          await authorizeOrg(request, deps, orgId, 'read');
          return undefined;
        } catch (e) {
          return isAppError(e) ? e.code : undefined;
        }
      };
      const keyCheck = setInterval(() => {
        void keyRefusal().then((code) => {
          if (code === undefined) return;
          socket.close(1008, code);
          stop();
        });
      }, deps.keyCheckIntervalMs);
      keyCheck.unref();
      const unsubscribe = events.subscribePackets(orgId, route, (event) => {
        if ((addr !== undefined && event.packet.devAddr !== addr) || (eui !== undefined && event.packet.devEui !== eui)) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.close(1013, 'stream.slow_consumer');
          unsubscribe();
          return;
        }
        socket.send(JSON.stringify({ type: 'packet', routeId: event.routeId, packet: toRoutedPacketView(event.packet) }));
      });
      function stop(): void {
        clearInterval(keyCheck);
        unsubscribe();
      }
      socket.on('close', stop);
      socket.on('error', stop);
    },
  );
}
