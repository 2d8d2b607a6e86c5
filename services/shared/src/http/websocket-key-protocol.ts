/**
 * Browsers cannot set headers on a WebSocket, so a keyed stream (an organisation's packets) could
 * not be opened from a web console. The one header a browser lets a page set is the subprotocol
 * list, so a key may come as a subprotocol `cov.key.<key>` beside a plain one:
 * `new WebSocket(url, ['cov.v1', 'cov.key.' + key])` (keys are base64url, valid protocol tokens).
 * The server never picks the key protocol as the answer when another was offered, so the key is
 * not echoed back.
 */
export const KEY_PROTOCOL_PREFIX = 'cov.key.';

/** The offered subprotocols, as the Sec-WebSocket-Protocol header lists them. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** The key carried as a `cov.key.<key>` subprotocol, if any. */
export function keyFromProtocols(header: string | string[] | undefined): string | undefined {
  const entry = offeredProtocols(header).find((p) => p.startsWith(KEY_PROTOCOL_PREFIX) && p.length > KEY_PROTOCOL_PREFIX.length);
  return entry?.slice(KEY_PROTOCOL_PREFIX.length);
}

/** ws's handleProtocols: the first offered protocol that is not a key; a key only when nothing else was offered. */
export function chooseProtocol(protocols: Set<string>): string | false {
  const list = [...protocols];
  return list.find((p) => !p.startsWith(KEY_PROTOCOL_PREFIX)) ?? list[0] ?? false;
}
