import { describe, expect, it } from 'vitest';
import { parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { Rxpk } from '@cov/shared/gwmp/types';
import { pushDataDatagram } from './gwmp-lns-client';

describe('GWMP forwarding datagram', () => {
  it('is a PUSH_DATA the shared codec reads back exactly, meta included', () => {
    const rxpk: Rxpk = { time: '2026-11-21T09:00:00.000000Z', tmst: 4_000_000_123, freq: 868.3, chan: 2, rfch: 0, stat: 1, modu: 'LORA', datr: 'SF9BW125', codr: '4/5', rssi: -97, lsnr: -3.5, size: 3, data: 'QAEC', meta: { gateway_id: 'abc', regi: 'EU868' } };
    const bytes = pushDataDatagram(0xbeef, Buffer.from('aa555a0000000001', 'hex'), rxpk);
    const parsed = parseGwmpPacket(bytes);
    expect(parsed.ok && parsed.value).toEqual({ type: 'PUSH_DATA', token: 0xbeef, gatewayEui: 'aa555a0000000001', rxpk: [rxpk], stat: null });
  });
});
