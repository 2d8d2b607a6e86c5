/**
 * Datagrams the kernel dropped for a UDP socket because its receive buffer was full: the one loss
 * a router cannot count itself, as those datagrams never reach it. Linux reports them per socket
 * in the last column of /proc/net/udp (IPv4) and /proc/net/udp6; elsewhere there is no figure.
 * Under a burst the GWMP socket overflows when the event loop falls behind (the embedded database
 * shares it, for one), and forwarders do not resend lost PUSH_DATA, so operators need to see this.
 */
import { readFileSync } from 'node:fs';

/**
 * Sums the drops column of the sockets bound to `localPort` in the text of /proc/net/udp or
 * /proc/net/udp6. Undefined when no socket there has that port.
 */
export function udpDropsForPort(procNetUdp: string, localPort: number): number | undefined {
  const portHex = localPort.toString(16).toUpperCase().padStart(4, '0');
  let drops: number | undefined;
  for (const line of procNetUdp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl, local_address (ADDR:PORT in hex), rem_address, st, tx:rx queues, tr:tm, retrnsmt, uid, timeout, inode, ref, pointer, drops
    if (fields.length < 13 || fields[1]?.split(':')[1] !== portHex) continue;
    const n = Number(fields[fields.length - 1]);
    if (Number.isFinite(n)) drops = (drops ?? 0) + n;
  }
  return drops;
}

/** Kernel drops of the UDP socket(s) on `localPort`, or undefined where /proc cannot tell. */
export function readUdpKernelDrops(localPort: number, family: 'udp4' | 'udp6'): number | undefined {
  try {
    return udpDropsForPort(readFileSync(family === 'udp6' ? '/proc/net/udp6' : '/proc/net/udp', 'utf8'), localPort);
  } catch {
    return undefined;
  }
}
