/**
 * What the WebSocket plugin does with an error on an open socket. A client that breaks the protocol
 * (a frame over the size limit, a bad opcode, invalid UTF-8) is the client's fault: `ws` has
 * already sent the close (1009, 1002, 1007) by the time the error is emitted, so it is logged
 * as one line at info and the close is left to finish. Anything else is ours: logged as an error with
 * its stack, and the socket is dropped (the plugin's default).
 */
import type { Logger } from '../logger';

interface ClosableSocket {
  terminate(): void;
}

/** ws tags protocol violations by the peer with WS_ERR_* codes. */
export function isClientProtocolError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('WS_ERR_');
}

export function handleWebsocketError(error: unknown, socket: ClosableSocket, log: Pick<Logger, 'info' | 'error'>): void {
  if (isClientProtocolError(error)) {
    log.info({ wsError: error.code, reason: error.message }, 'WebSocket client broke the protocol; closed');
    return;
  }
  log.error({ err: error }, 'WebSocket handler failed; socket dropped');
  socket.terminate();
}
