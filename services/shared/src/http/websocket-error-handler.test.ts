import { describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { handleWebsocketError, isClientProtocolError } from './websocket-error-handler';

function fakeLog() {
  return { info: vi.fn(), error: vi.fn() };
}

describe('WebSocket error handling', () => {
  it('treats the error ws emits for an oversized frame as the client breaking the protocol', async () => {
    // A real ws server with a 16-byte limit, and a client sending 64 bytes: the error it emits.
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 16 });
    const emitted = new Promise<unknown>((resolve) => server.on('connection', (s) => s.on('error', resolve)));
    await new Promise<void>((resolve) => server.on('listening', () => resolve()));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`);
    const closed = new Promise<number>((resolve) => client.on('close', (code) => resolve(code)));
    client.on('open', () => client.send(Buffer.alloc(64)));
    const error = await emitted;
    expect(isClientProtocolError(error)).toBe(true);
    const socket = { terminate: vi.fn() };
    const log = fakeLog();
    handleWebsocketError(error, socket, log);
    expect(log.error).not.toHaveBeenCalled();
    expect(log.info).toHaveBeenCalledWith(expect.objectContaining({ wsError: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' }), expect.any(String));
    expect(socket.terminate).not.toHaveBeenCalled();
    expect(await closed).toBe(1009);
    server.close();
  });

  it('logs our own failures as errors and drops the socket', () => {
    for (const error of [new Error('boom'), Object.assign(new Error('x'), { code: 'ECONNRESET' }), null, 'text']) {
      const socket = { terminate: vi.fn() };
      const log = fakeLog();
      handleWebsocketError(error, socket, log);
      expect(log.error).toHaveBeenCalledOnce();
      expect(socket.terminate).toHaveBeenCalledOnce();
    }
  });
});
