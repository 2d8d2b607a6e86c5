/**
 * A WebSocket route asked for with a plain GET (no `Upgrade: websocket`): @fastify/websocket
 * answers it with an empty 404, no error body, no code, which reads as "no such route" to someone
 * trying the URL with curl or a browser tab. Called from a WebSocket route's preHandler, after its
 * own checks (key, filters), it refuses such a request with the usual error body instead.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors';

export function requireWebSocketUpgrade(request: FastifyRequest): void {
  if (request.headers.upgrade?.toLowerCase() === 'websocket') return;
  throw new AppError('request.invalid', 'this is a WebSocket: open it with GET and Upgrade: websocket', { field: 'headers/upgrade' });
}
