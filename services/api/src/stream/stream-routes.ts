/**
 * WebSocket /v1/stream: PoC verdicts, epoch results and router totals as they happen, filtered by
 * hotspot, owner or hex (`?hotspot=a,b&owner=o&hex=h3&types=poc,epoch`). A subscriber that cannot
 * keep up (more than MAX_BUFFERED_BYTES waiting to be sent) is disconnected with close code 1013
 * and reason `stream.slow_consumer`, never buffered without bound.
 */
import { Type } from 'typebox';
import { isValidCell } from 'h3-js';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { requireWebSocketUpgrade } from '@cov/shared/http/websocket-upgrade';
import { isValidAddress } from '@cov/shared/helium/keys';
import { matches, type EventFilter, type LiveEvent, type LiveEvents } from './live-events';

export const MAX_BUFFERED_BYTES = 1_048_576;
const MAX_FILTER_VALUES = 1000;

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

export function parseFilter(query: { hotspot?: string; owner?: string; hex?: string; types?: string }): EventFilter {
  const hotspots = list(query.hotspot);
  const owners = list(query.owner);
  const hexes = list(query.hex)?.map((h) => h.toLowerCase());
  const types = list(query.types);
  for (const [field, values] of [['hotspot', hotspots], ['owner', owners], ['hex', hexes]] as const) {
    if (values && values.length > MAX_FILTER_VALUES) throw new AppError('request.invalid', `at most ${MAX_FILTER_VALUES} values in ${field}`, { field });
  }
  for (const [field, values] of [['hotspot', hotspots], ['owner', owners]] as const) {
    for (const a of values ?? []) if (!isValidAddress(a)) throw new AppError('keys.invalid_address', `${a} is not a valid address`, { field });
  }
  for (const h of hexes ?? []) if (!isValidCell(h)) throw new AppError('geo.invalid_h3', `${h} is not a valid H3 cell`, { field: 'hex' });
  const allowed = ['poc', 'epoch', 'router'];
  for (const t of types ?? []) if (!allowed.includes(t)) throw new AppError('request.invalid', `types are ${allowed.join(', ')}`, { field: 'types' });
  return {
    types: types ? new Set(types as LiveEvent['type'][]) : undefined,
    hotspots: hotspots ? new Set(hotspots) : undefined,
    owners: owners ? new Set(owners) : undefined,
    hexes,
  };
}

interface Subscriber {
  bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

/** Sends a matching event; closes a subscriber that has fallen too far behind. False once closed. */
export function deliver(socket: Subscriber, event: LiveEvent, filter: EventFilter): boolean {
  if (!matches(event, filter)) return true;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, 'stream.slow_consumer');
    return false;
  }
  socket.send(JSON.stringify(event));
  return true;
}

export async function registerStreamRoutes(app: HttpServer, events: LiveEvents): Promise<void> {
  app.get(
    '/v1/stream',
    {
      websocket: true,
      schema: {
        tags: ['network'],
        summary: 'Live feed (WebSocket): PoC verdicts, epoch results and router totals',
        description:
          'Connect with a WebSocket. Filters: hotspot, owner, hex (comma-separated), types (poc,epoch,router). hotspot, owner and hex select PoC events; epoch events (a paid epoch concerns every hotspot) pass them, router totals (network-wide) do not. Slow consumers are closed with 1013 stream.slow_consumer.',
        querystring: Type.Object({
          hotspot: Type.Optional(Type.String()),
          owner: Type.Optional(Type.String()),
          hex: Type.Optional(Type.String()),
          types: Type.Optional(Type.String()),
        }),
        // Refusals come before the upgrade, as plain HTTP answers: a bad filter, a plain GET.
        response: { 400: Type.Ref('ErrorResponse') },
      },
      // Filters are checked before the upgrade so a bad one gets a normal 400 with its code; after
      // the schema, so a repeated parameter (an array, not a string) is a 400 too, not a 500.
      preHandler: async (request) => {
        parseFilter(request.query as Record<string, string>);
        requireWebSocketUpgrade(request);
      },
    },
    (socket, request) => {
      const filter = parseFilter(request.query as Record<string, string>);
      socket.send(JSON.stringify({ type: 'hello', filter: { hotspot: [...(filter.hotspots ?? [])], owner: [...(filter.owners ?? [])], hex: filter.hexes ?? [], types: [...(filter.types ?? [])] } }));
      const unsubscribe = events.subscribe((event) => {
        if (!deliver(socket, event, filter)) unsubscribe();
      });
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  );
}
