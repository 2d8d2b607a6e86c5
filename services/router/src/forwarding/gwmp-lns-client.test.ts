import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodeGwmpPacket, parseGwmpPacket, ackFor } from '@cov/shared/gwmp/packet';
import type { GwmpPacket, Rxpk } from '@cov/shared/gwmp/types';
import { createLogger } from '@cov/shared/logger';
import { ackDatagram } from '../gwmp-server';
import type { UplinkCopy } from '../uplink-copy';
import { GwmpLnsClient, lnsPortFor, pushDataDatagram, pushDataDatagramOf } from './gwmp-lns-client';
import { lnsMeta, lnsRxpkJson } from './webhook-message';

const rxpk: Rxpk = { time: '2026-11-21T09:00:00.000000Z', tmst: 4_000_000_123, freq: 868.3, chan: 2, rfch: 0, stat: 1, modu: 'LORA', datr: 'SF9BW125', codr: '4/5', rssi: -97, lsnr: -3.5, size: 3, data: 'QAEC' };
const eui = 'aa555a0000000001';

/** Polls until `done` (UDP delivery is asynchronous); bounded by the test's timeout, not by a guess of how slow the machine is. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
}

describe('GWMP forwarding datagram', () => {
  it('is a PUSH_DATA the shared codec reads back exactly, meta included', () => {
    const withMeta: Rxpk = { ...rxpk, meta: { gateway_id: 'abc', regi: 'EU868' } };
    const bytes = pushDataDatagram(0xbeef, Buffer.from(eui, 'hex'), withMeta);
    const parsed = parseGwmpPacket(bytes);
    expect(parsed.ok && parsed.value).toEqual({ type: 'PUSH_DATA', token: 0xbeef, gatewayEui: eui, rxpk: [withMeta], stat: null });
  });

  it('carries several serialised rxpk in one PUSH_DATA', () => {
    const other = { ...rxpk, tmst: 7, data: 'QAED' };
    const parsed = parseGwmpPacket(pushDataDatagramOf(1, Buffer.from(eui, 'hex'), [JSON.stringify(rxpk), JSON.stringify(other)]));
    expect(parsed.ok && parsed.value).toMatchObject({ type: 'PUSH_DATA', rxpk: [rxpk, other] });
  });

  it("gives the rxpk the router's metadata of the hotspot, in place of any the forwarder sent", () => {
    const hotspot = { address: 'hotspot-1', gatewayEui: eui, locationCell: '8c1fb46622dd3ff', region: 'EU868' };
    for (const r of [rxpk, { ...rxpk, meta: { custom: 'x', regi: 'US915' } }]) {
      const copy = { hotspotAddress: hotspot.address, hotspot, rxpk: r } as UplinkCopy;
      const merged = { ...r, meta: lnsMeta(copy) };
      expect(JSON.parse(lnsRxpkJson(copy))).toEqual(merged);
      expect(JSON.parse(lnsRxpkJson(copy))).toEqual(merged); // cached metadata, same answer
    }
  });

  // Helium's gateway metadata is the router's word about the hotspot (its registered location and
  // region), not the forwarder's: a hotspot with no asserted location must not pass one off, nor
  // swell the datagrams the router sends the LNS with a meta map of its own.
  it("never lets a forwarder's own meta stand in for the router's gateway metadata", () => {
    const unasserted = { address: 'hotspot-2', gatewayEui: eui, locationCell: null, region: null };
    const forged = { ...rxpk, meta: { gateway_h3index: '8c2a1072b59ffff', gateway_lat: '40.7', gateway_long: '-74.0', gateway_name: 'fake', regi: 'US915', network: 'x', gateway_id: 'other', custom: 'x'.repeat(1000) } };
    const copy = { hotspotAddress: unasserted.address, hotspot: unasserted, rxpk: forged } as unknown as UplinkCopy;
    expect(JSON.parse(lnsRxpkJson(copy)).meta).toEqual({ network: 'coverage_iot', gateway_id: 'hotspot-2' });
  });

  it('acks with the four bytes the codec would encode', () => {
    for (const token of [0, 1, 0x1234, 0xffff]) {
      const push = ackFor({ type: 'PUSH_DATA', token, gatewayEui: eui, rxpk: [], stat: null })!;
      const pull = ackFor({ type: 'PULL_DATA', token, gatewayEui: eui })!;
      expect(new Uint8Array(ackDatagram('PUSH_ACK', token))).toEqual(encodeGwmpPacket(push).ok && (encodeGwmpPacket(push) as { value: Uint8Array }).value);
      expect(new Uint8Array(ackDatagram('PULL_ACK', token))).toEqual(encodeGwmpPacket(pull).ok && (encodeGwmpPacket(pull) as { value: Uint8Array }).value);
    }
  });
});

describe('GWMP LNS client', () => {
  it("sends a hotspot's copies of one turn together, at most 8 rxpk per PUSH_DATA, and tells each copy it left", async () => {
    const lns = dgram.createSocket('udp4');
    const pushes: Extract<GwmpPacket, { type: 'PUSH_DATA' }>[] = [];
    lns.on('message', (m) => {
      const p = parseGwmpPacket(m);
      if (p.ok && p.value.type === 'PUSH_DATA') pushes.push(p.value);
    });
    await new Promise<void>((r) => lns.bind(0, '127.0.0.1', r));
    const port = (lns.address() as AddressInfo).port;
    const client = new GwmpLnsClient({ logger: createLogger({ LOG_LEVEL: 'silent' }), now: () => performance.now(), onPullResp: () => {} });
    try {
      const sent = (n: number, gw: string) =>
        Array.from({ length: n }, (_, i) => new Promise<Error | null>((resolve) => client.pushCopy('127.0.0.1', port, gw, JSON.stringify({ ...rxpk, tmst: i }), resolve)));
      // The first copy opens the hotspot's socket; later turns find it open.
      expect(await Promise.all(sent(1, eui))).toEqual([null]);
      expect(await Promise.all([...sent(10, eui), ...sent(2, 'aa555a0000000002')])).toEqual(Array(12).fill(null));
      await until(() => pushes.length >= 4);
      expect(pushes.map((p) => [p.gatewayEui, p.rxpk.length]).sort()).toEqual([
        [eui, 1],
        [eui, 2],
        [eui, 8],
        ['aa555a0000000002', 2],
      ]);
    } finally {
      client.close();
      lns.close();
    }
  });

  it("relays a PULL_RESP from the LNS only: the hotspot's socket is connected to it, so others' datagrams never arrive", async () => {
    const lns = dgram.createSocket('udp4');
    const stranger = dgram.createSocket('udp4');
    let clientPort = 0;
    lns.on('message', (m, from) => {
      const p = parseGwmpPacket(m);
      if (p.ok && p.value.type === 'PULL_DATA') clientPort = from.port;
    });
    await new Promise<void>((r) => lns.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', r));
    const relayed: number[] = [];
    const client = new GwmpLnsClient({ logger: createLogger({ LOG_LEVEL: 'silent' }), now: () => performance.now(), onPullResp: (relay) => relayed.push(relay.lnsToken) });
    try {
      const port = (lns.address() as AddressInfo).port;
      expect(await new Promise<Error | null>((resolve) => client.pushCopy('127.0.0.1', port, eui, JSON.stringify(rxpk), resolve))).toBeNull();
      await until(() => clientPort > 0);
      const pullResp = (token: number) => {
        const r = encodeGwmpPacket({ type: 'PULL_RESP', token, txpk: { imme: true, freq: 869.525, rfch: 0, powe: 14, modu: 'LORA', datr: 'SF9BW125', codr: '4/5', ipol: true, size: 4, data: 'AQIDBA==' } });
        if (!r.ok) throw r.error;
        return r.value;
      };
      // The stranger's datagram goes first: loopback queues datagrams in the order they are sent, so
      // had it been delivered it would be relayed before the LNS's (no wait for it needed).
      await new Promise<void>((r) => stranger.send(pullResp(0x1111), clientPort, '127.0.0.1', () => r()));
      lns.send(pullResp(0x2222), clientPort, '127.0.0.1');
      await until(() => relayed.length > 0);
      expect(relayed).toEqual([0x2222]);
    } finally {
      client.close();
      lns.close();
      stranger.close();
    }
  });
});

describe('the LNS port of a copy', () => {
  it('follows the route’s region mapping, and its port for unmapped or unknown regions', () => {
    const plain = { protocol: 'gwmp' as const, host: 'lns', port: 1700 };
    const mapped = { ...plain, regionPorts: { EU868: 1701, US915: 1702 } };
    expect(lnsPortFor(plain, 'EU868')).toBe(1700);
    expect(lnsPortFor(mapped, 'EU868')).toBe(1701);
    expect(lnsPortFor(mapped, 'US915')).toBe(1702);
    expect(lnsPortFor(mapped, 'AU915')).toBe(1700);
    expect(lnsPortFor(mapped, null)).toBe(1700);
  });
});
