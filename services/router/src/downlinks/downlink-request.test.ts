import { describe, expect, it } from 'vitest';
import { buildDataFrame } from '@cov/shared/lorawan/frame-builder';
import { buildJoinAccept, buildJoinRequest } from '@cov/shared/lorawan/join';
import { readDownlinkRequest } from './downlink-request';

const key = new Uint8Array(16).fill(7);
const b64 = (r: { ok: boolean; value?: Uint8Array }) => Buffer.from(r.value!).toString('base64');
const down = b64(buildDataFrame({ mtype: 'UnconfirmedDataDown', devAddr: 'fc014c01', fCnt: 1, fPort: 2, payload: Uint8Array.of(1) }, { nwkSKey: key, appSKey: key }));
const accept = b64(buildJoinAccept({ joinNonce: 1, netId: 'c00053', devAddr: 'fc014c01' }, key));
const up = b64(buildDataFrame({ mtype: 'UnconfirmedDataUp', devAddr: 'fc014c01', fCnt: 1 }, { nwkSKey: key, appSKey: key }));
const joinRequest = b64(buildJoinRequest({ joinEui: '0102030405060708', devEui: '0102030405060709', devNonce: 1 }, key));

describe('downlink request', () => {
  it('reads a data downlink and a join-accept, with defaults and overrides', () => {
    const d = readDownlinkRequest({ payload: down });
    expect(d.ok && [d.value.kind, d.value.devAddr]).toEqual(['data', 'fc014c01']);
    expect(d.ok && d.value.rx2).toEqual({});
    const j = readDownlinkRequest({ payload: accept, rx1: { delayMs: 5000 }, rx2: null, powerDbm: 20 });
    expect(j.ok && [j.value.kind, j.value.devAddr, j.value.rx1, j.value.rx2, j.value.powerDbm]).toEqual(['join_accept', null, { delayMs: 5000 }, null, 20]);
  });

  it.each([
    ['not an object', 'x', 'downlink'],
    ['no payload', {}, 'payload'],
    ['payload not base64', { payload: '!!' }, 'payload'],
    ['payload not a frame', { payload: Buffer.from([0x40, 1]).toString('base64') }, 'payload'],
    ['an uplink', { payload: up }, 'payload'],
    ['a join request', { payload: joinRequest }, 'payload'],
    ['bad rx1 delay', { payload: down, rx1: { delayMs: -1 } }, 'rx1.delayMs'],
    ['bad rx1 frequency', { payload: down, rx1: { frequencyHz: 868.1 } }, 'rx1.frequencyHz'],
    ['bad rx2 data rate', { payload: down, rx2: { dataRate: 'SF13BW125' } }, 'rx2.dataRate'],
    ['rx2 not an object', { payload: down, rx2: 3 }, 'rx2'],
    ['bad power', { payload: down, powerDbm: 99 }, 'powerDbm'],
  ])('refuses %s with downlinks.invalid_payload', (_name, input, field) => {
    const r = readDownlinkRequest(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('downlinks.invalid_payload');
      expect(r.error.details?.field).toBe(field);
    }
  });
});
