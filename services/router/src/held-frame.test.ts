import { describe, expect, it } from 'vitest';
import { buildJoinRequest } from '@cov/shared/lorawan/join';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import { fullFrame, holdFrame } from './held-frame';
import type { RoutedFrame } from './forwarding/webhook-message';

/** Unconfirmed uplink from fc014c01, FCnt 7, FOpts 03 05, FPort 2, FRMPayload aa bb cc. */
const DATA = Buffer.from([0x40, 0x01, 0x4c, 0x01, 0xfc, 0x02, 0x07, 0x00, 0x03, 0x05, 0x02, 0xaa, 0xbb, 0xcc, 0x11, 0x22, 0x33, 0x44]);

function parsed(bytes: Uint8Array): RoutedFrame {
  const r = parsePhyPayload(bytes);
  if (!r.ok || (r.value.kind !== 'data' && r.value.kind !== 'join_request')) throw new Error('fixture does not parse');
  return r.value;
}

describe('held frame', () => {
  it('keeps the routing fields of a data uplink and gives back the identical parsed frame', () => {
    const frame = parsed(DATA);
    const held = holdFrame(frame, DATA.toString('base64'));
    expect(held).toEqual({ kind: 'data', devAddr: 'fc014c01', fCnt: 7, fPort: 2, payloadBytes: 3, phyBase64: DATA.toString('base64') });
    expect(fullFrame(held)).toEqual(frame);
  });

  it('keeps the EUIs of a join request', () => {
    const bytes = buildJoinRequest({ joinEui: '70b3d57ed0000001', devEui: '0004a30b001c0530', devNonce: 9 }, new Uint8Array(16));
    if (!bytes.ok) throw bytes.error;
    const frame = parsed(bytes.value);
    const held = holdFrame(frame, Buffer.from(bytes.value).toString('base64'));
    expect(held).toMatchObject({ kind: 'join_request', joinEui: '70b3d57ed0000001', devEui: '0004a30b001c0530' });
    expect(fullFrame(held)).toEqual(frame);
  });

  it('reads the unpadded base64 spelling a forwarder may send', () => {
    const unpadded = DATA.toString('base64').replace(/=+$/, '');
    expect(fullFrame(holdFrame(parsed(DATA), unpadded))).toEqual(parsed(DATA));
  });

  it('treats a held frame that no longer parses as a bug', () => {
    expect(() => fullFrame({ kind: 'data', devAddr: 'fc014c01', fCnt: 1, fPort: null, payloadBytes: 0, phyBase64: '' })).toThrow(/no longer parses/);
  });
});
