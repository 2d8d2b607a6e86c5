import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@cov/shared/logger';
import type { GatewayDirectory } from './gateway-directory';
import { GwmpServer } from './gwmp-server';
import { RouterMetrics } from './router-metrics';
import { readUdpKernelDrops, udpDropsForPort } from './udp-kernel-drops';

// Lines as Linux prints them (kernel 6.1): the GWMP socket on 0.0.0.0:1700 (0x06A4) with 1,875 drops.
const UDP4 = [
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ',
  ' 2633: 00000000:06A4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 148962 2 00000000de42bf4a 1875     ',
  ' 2634: 0100007F:8864 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 148963 2 00000000de42bf4b 0        ',
].join('\n');
const UDP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
  ' 1200: 00000000000000000000000000000000:06A4 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1500 2 0000000012345678 7',
].join('\n');

describe('UDP kernel drops', () => {
  it("reads the drops column of the socket on the port, IPv4 or IPv6, and nothing for other ports", () => {
    expect(udpDropsForPort(UDP4, 1700)).toBe(1875);
    expect(udpDropsForPort(UDP4, 0x8864)).toBe(0);
    expect(udpDropsForPort(UDP6, 1700)).toBe(7);
    expect(udpDropsForPort(UDP4, 1701)).toBeUndefined();
    expect(udpDropsForPort('', 1700)).toBeUndefined();
  });

  it.runIf(existsSync('/proc/net/udp'))('finds a live socket of this process', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    try {
      expect(readUdpKernelDrops((socket.address() as AddressInfo).port, 'udp4')).toBe(0);
    } finally {
      socket.close();
    }
  });
});

describe('GWMP kernel drops metric', () => {
  it.runIf(existsSync('/proc/net/udp'))('counts what the kernel dropped while the event loop was busy', async () => {
    const registry = new Registry();
    const metrics = new RouterMetrics(registry);
    const directory = { cached: () => null, resolve: async () => null } as unknown as GatewayDirectory;
    const server = new GwmpServer({ host: '127.0.0.1', port: 0, logger: createLogger({ LOG_LEVEL: 'silent' }), metrics, directory, onRxpk: () => {}, onTxAck: () => {} });
    metrics.readKernelDropsWith(() => server.kernelDrops());
    await server.start();
    const sender = dgram.createSocket({ type: 'udp4', sendBufferSize: 16 << 20 });
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', r));
    try {
      // Far more than the socket buffer holds (8 MB asked, capped by net.core.rmem_max), sent while
      // this thread, the server's event loop, reads nothing: loopback delivers synchronously.
      const datagram = Buffer.alloc(1400, 0x5a);
      for (let i = 0; i < 12_000; i++) sender.send(datagram, server.port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 200));
      const text = await registry.metrics();
      const n = Number(/^cov_router_gwmp_kernel_drops_total (\d+)$/m.exec(text)?.[1]);
      expect(n).toBeGreaterThan(0);
      expect(n).toBe(server.kernelDrops());
    } finally {
      sender.close();
      await server.stop();
    }
  });
});
