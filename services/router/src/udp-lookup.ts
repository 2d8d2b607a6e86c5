/**
 * The address lookup of the router's UDP sockets. `socket.send(bytes, port, address)` resolves
 * `address` through dns.lookup on every datagram, which for an IP literal (all the router sends
 * to: forwarders' source addresses, resolved LNS addresses) only defers the send to the next tick,
 * allocating a tick and its arguments per datagram. This answers IP literals at once and hands
 * names to dns.lookup as before.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

export function ipLiteralLookup(hostname: string, options: dns.LookupOneOptions, callback: LookupCallback): void {
  const family = isIP(hostname);
  const wanted = typeof options === 'number' ? options : options.family;
  if (family !== 0 && (wanted === undefined || wanted === 0 || wanted === family || wanted === `IPv${family}`)) {
    callback(null, hostname, family);
    return;
  }
  dns.lookup(hostname, options, callback);
}
