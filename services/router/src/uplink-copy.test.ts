import { describe, expect, it } from 'vitest';
import { buyCopies, byReception, toUplinkCopy } from './uplink-copy';

const hotspot = { address: 'h1', gatewayEui: '0102030405060708', locationCell: null, region: 'EU868' };

describe('uplink copies', () => {
  it('normalises an rxpk: MHz to Hz, signal RSSI over channel RSSI, FSK rates named', () => {
    const c = toUplinkCopy({ tmst: 5, freq: 868.1, modu: 'LORA', datr: 'SF7BW125', rssi: -80, rssis: -83, lsnr: 7.5, data: 'AA==' }, hotspot, 1000);
    expect(c).toMatchObject({ hotspotAddress: 'h1', rssiDbm: -83, snrDb: 7.5, frequencyHz: 868_100_000, dataRate: 'SF7BW125', tmst: 5, receivedAtMs: 1000, codingRate: null, gatewayTime: null });
    const f = toUplinkCopy({ tmst: 5, freq: 868.8, modu: 'FSK', datr: 50000, rssi: -90, data: 'AA==' }, hotspot, 1);
    expect([f.dataRate, f.rssiDbm, f.snrDb]).toEqual(['FSK50000', -90, 0]);
  });

  it("takes a multi-antenna (jver 2) forwarder's best antenna, not its first", () => {
    const rsig = [
      { ant: 0, chan: 5, rssic: -118, lsnr: -9.5 },
      { ant: 1, chan: 5, rssic: -96, rssis: -99, lsnr: 4.25 },
    ];
    const c = toUplinkCopy({ tmst: 5, freq: 868.1, modu: 'LORA', datr: 'SF7BW125', jver: 2, rsig, data: 'AA==' }, hotspot, 1);
    expect([c.rssiDbm, c.snrDb]).toEqual([-99, 4.25]);
    // Channel RSSI when no antenna reports a signal RSSI.
    const channelOnly = toUplinkCopy({ tmst: 5, freq: 868.1, modu: 'LORA', datr: 'SF7BW125', jver: 2, rsig: rsig.map(({ rssis: _s, ...r }) => r), data: 'AA==' }, hotspot, 1);
    expect([channelOnly.rssiDbm, channelOnly.snrDb]).toEqual([-96, 4.25]);
    // Top-level values, when given, win (v1 JSON).
    const v1 = toUplinkCopy({ tmst: 5, freq: 868.1, modu: 'LORA', datr: 'SF7BW125', rssi: -70, lsnr: 1, rsig, data: 'AA==' }, hotspot, 1);
    expect([v1.rssiDbm, v1.snrDb]).toEqual([-70, 1]);
  });

  it.each([
    [5, 0, 3, [0, 1, 2]],
    [2, 0, 3, [0, 1]],
    [4, 0, 0, []],
    [0, 0, 3, []],
    // A later purchase: the copies after those already bought, still within max_copies.
    [3, 1, 3, [1, 2]],
    [5, 2, 3, [2]],
    [5, 3, 3, []],
    [2, 2, 3, []],
  ])('of %i copies, %i already bought, max %i: buys %j', (n, already, max, bought) => {
    const copies = Array.from({ length: n }, (_, i) => i);
    const r = buyCopies(copies, already, max);
    expect(r).toEqual(bought);
    expect(r).not.toBe(copies);
  });

  it('orders copies strongest first by RSSI then SNR', () => {
    const sorted = byReception([
      { id: 'weak', rssiDbm: -110, snrDb: 5 },
      { id: 'strong', rssiDbm: -60, snrDb: -2 },
      { id: 'strong-better-snr', rssiDbm: -60, snrDb: 3 },
    ]);
    expect(sorted.map((c) => c.id)).toEqual(['strong-better-snr', 'strong', 'weak']);
  });
});
