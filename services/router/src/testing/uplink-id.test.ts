import { describe, expect, it } from 'vitest';
import type { Rxpk } from '@cov/shared/gwmp/types';
import { pushDataDatagramOf } from '../forwarding/gwmp-lns-client';
import { forEachUplinkId, quotedKey, uplinkBytes, uplinkIdAt } from './uplink-id';

const rxpkOf = (phy: Buffer): Rxpk => ({ tmst: 7, freq: 868.1, chan: 0, rfch: 0, stat: 1, modu: 'LORA', datr: 'SF7BW125', codr: '4/5', rssi: -60, lsnr: 5.5, size: phy.length, data: phy.toString('base64') });

function idsIn(json: Buffer, key: string, from = 0): number[] {
  const out: number[] = [];
  forEachUplinkId(json, quotedKey(key), from, (n) => out.push(n));
  return out;
}

describe('uplink numbers read from base64 text in place', () => {
  it('reads the number of every uplink the generator makes, up to the uint32 limit', () => {
    for (const n of [0, 1, 255, 256, 65_535, 65_536, 123_456_789, 0xfffffffe, 0xffffffff]) {
      const b64 = Buffer.from(uplinkBytes(0xfc014c00, n).toString('base64'), 'latin1');
      expect(uplinkIdAt(b64, 0)).toBe(n);
    }
  });

  it('finds every rxpk of a forwarded PUSH_DATA, metadata and all, as the router writes it', () => {
    const rxpkJson = [41, 42, 4_000_000_000].map((n) => `${JSON.stringify(rxpkOf(uplinkBytes(0xfc014c01, n))).slice(0, -1)},"meta":{"network":"coverage_iot","gateway_id":"hs-1","regi":"EU868"}}`);
    const datagram = pushDataDatagramOf(0x1234, Buffer.alloc(8, 0xb0), rxpkJson);
    expect(idsIn(datagram, 'data', 12)).toEqual([41, 42, 4_000_000_000]);
  });

  it('finds the webhook message phyPayload', () => {
    const body = Buffer.from(JSON.stringify({ id: 'x', phyPayload: uplinkBytes(0xfc014c04, 9_999).toString('base64'), copies: [{ dataRate: 'SF7BW125' }] }));
    expect(idsIn(body, 'phyPayload')).toEqual([9_999]);
  });

  it('skips values that are too short or not base64', () => {
    expect(idsIn(Buffer.from('{"rxpk":[{"data":"QAEC"}]}'), 'data')).toEqual([]);
    expect(idsIn(Buffer.from('{"rxpk":[{"data":"QAECAwQFBgcI!!!!!!!!!!!!"}]}'), 'data')).toEqual([]);
    expect(idsIn(Buffer.from('{"stat":{"rxnb":1}}'), 'data')).toEqual([]);
  });
});
