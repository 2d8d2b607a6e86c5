/**
 * Frames we build must parse back to the same fields (round trip) and must be accepted by the
 * independent `lora-packet` decoder: same fields, valid MIC, same plaintext.
 */
import loraPacket from 'lora-packet';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes';
import { buildDataFrame, type DataFrameInput } from './frame-builder';
import { decryptFrmPayload } from './frm-payload';
import { buildJoinAccept, buildJoinRequest, decryptJoinAccept } from './join';
import { verifyDataMic, verifyJoinRequestMic } from './mic';
import { encodeDataFrame, parsePhyPayload } from './phy-payload';
import { deriveSessionKeys10 } from './session-keys';
import type { DataFrame, DataMType } from './types';
import { hex, lorawanVectors } from './vectors.fixture';
import { mulberry32 as prng } from '../seeded-random';


function randomBytes(rand: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

const MTYPES: DataMType[] = ['UnconfirmedDataUp', 'UnconfirmedDataDown', 'ConfirmedDataUp', 'ConfirmedDataDown'];

interface Case {
  input: DataFrameInput;
  nwkSKey: Uint8Array;
  appSKey: Uint8Array;
}

function generateCases(count: number): Case[] {
  const rand = prng(20240607);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const fPort = i % 7 === 0 ? 0 : i % 11 === 0 ? null : 1 + Math.floor(rand() * 223);
    const payload = fPort === null ? new Uint8Array(0) : randomBytes(rand, Math.floor(rand() * 60));
    // FOpts are only legal without FPort 0.
    const fOpts = fPort === 0 ? new Uint8Array(0) : randomBytes(rand, Math.floor(rand() * 16));
    // Cover 16-bit rollover: every third case has high counter bits.
    const fCnt = i % 3 === 0 ? 0x10000 + Math.floor(rand() * 0xfff0000) : Math.floor(rand() * 0x10000);
    cases.push({
      input: {
        mtype: MTYPES[i % 4] ?? 'UnconfirmedDataUp',
        devAddr: bytesToHex(randomBytes(rand, 4)),
        fCtrl: { adr: rand() < 0.5, adrAckReq: rand() < 0.5, ack: rand() < 0.5, fPending: rand() < 0.5 },
        fCnt,
        fOpts,
        fPort,
        payload,
      },
      nwkSKey: randomBytes(rand, 16),
      appSKey: randomBytes(rand, 16),
    });
  }
  return cases;
}

const cases = generateCases(60);

function parseData(bytes: Uint8Array): DataFrame {
  const r = parsePhyPayload(bytes);
  if (!r.ok) throw r.error;
  if (r.value.kind !== 'data') throw new Error(`expected data, got ${r.value.kind}`);
  return r.value;
}

function build(c: Case): Uint8Array {
  const r = buildDataFrame(c.input, { nwkSKey: c.nwkSKey, appSKey: c.appSKey });
  if (!r.ok) throw r.error;
  return r.value;
}

/** lora-packet takes the high counter half as 2 bytes in wire (little-endian) order. */
function fCntMsb(fCnt: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(Math.floor(fCnt / 0x10000));
  return b;
}

describe('buildDataFrame round trip', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i parses back to its fields', (_i, c) => {
    const frame = parseData(build(c));
    const high = Math.floor(c.input.fCnt / 0x10000);
    expect(frame.mhdr.mtype).toBe(c.input.mtype);
    expect(frame.devAddr).toBe(c.input.devAddr);
    expect(frame.fCtrl).toEqual({ ...c.input.fCtrl, fOptsLen: c.input.fOpts?.length ?? 0 });
    expect(frame.fCnt).toBe(c.input.fCnt & 0xffff);
    expect(bytesToHex(frame.fOpts)).toBe(bytesToHex(c.input.fOpts ?? new Uint8Array()));
    expect(frame.fPort).toBe(c.input.fPort);
    expect(verifyDataMic(c.nwkSKey, frame, high)).toBe(true);
    const plain = decryptFrmPayload(frame, { nwkSKey: c.nwkSKey, appSKey: c.appSKey }, high);
    expect(bytesToHex(plain ?? new Uint8Array())).toBe(bytesToHex(c.input.payload ?? new Uint8Array()));
    // Re-encoding the parsed fields reproduces the exact bytes.
    const again = encodeDataFrame({ ...frame, mtype: frame.mhdr.mtype });
    expect(again.ok && bytesToHex(again.value)).toBe(bytesToHex(frame.bytes));
  });
});

describe('cross-check against lora-packet', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i decodes identically', (_i, c) => {
    const wire = Buffer.from(build(c));
    const packet = loraPacket.fromWire(wire);
    const dir = c.input.mtype.endsWith('Up') ? 'up' : 'down';
    expect(packet.getDir()).toBe(dir);
    expect(packet.isConfirmed()).toBe(c.input.mtype.startsWith('Confirmed'));
    expect(packet.DevAddr?.toString('hex')).toBe(c.input.devAddr);
    expect(packet.getFCnt()).toBe(c.input.fCnt & 0xffff);
    expect(packet.getFPort()).toBe(c.input.fPort);
    expect(packet.getFCtrlADR()).toBe(c.input.fCtrl?.adr);
    expect(packet.getFCtrlACK()).toBe(c.input.fCtrl?.ack);
    expect((packet.FOpts ?? Buffer.alloc(0)).toString('hex')).toBe(bytesToHex(c.input.fOpts ?? new Uint8Array()));
    const msb = fCntMsb(c.input.fCnt);
    expect(loraPacket.verifyMIC(packet, Buffer.from(c.nwkSKey), undefined, msb)).toBe(true);
    if ((c.input.payload?.length ?? 0) > 0) {
      const plain = loraPacket.decrypt(packet, Buffer.from(c.appSKey), Buffer.from(c.nwkSKey), msb);
      expect(plain.toString('hex')).toBe(bytesToHex(c.input.payload ?? new Uint8Array()));
    }
  });

  it('lora-packet fromFields and buildDataFrame produce the same bytes', () => {
    const nwkSKey = hex('44024241ed4ce9a68c6a8bc055233fd3');
    const appSKey = hex('ec925802ae430ca77fd3dd73cb2cc588');
    const theirs = loraPacket.fromFields(
      {
        MType: 'Confirmed Data Up',
        DevAddr: Buffer.from('49be7df1', 'hex'),
        FCtrl: { ADR: true, ACK: false, ADRACKReq: false, FPending: false },
        FCnt: 77,
        FPort: 42,
        payload: Buffer.from('cross-check payload'),
      },
      Buffer.from(appSKey),
      Buffer.from(nwkSKey),
    );
    const ours = buildDataFrame(
      { mtype: 'ConfirmedDataUp', devAddr: '49be7df1', fCtrl: { adr: true }, fCnt: 77, fPort: 42, payload: Buffer.from('cross-check payload') },
      { nwkSKey, appSKey },
    );
    expect(ours.ok && bytesToHex(ours.value)).toBe(theirs.getPHYPayload()?.toString('hex'));
  });

  it('join-request and join-accept we build are accepted by lora-packet', () => {
    const appKey = hex('98929b92c49edba9676d646d3b612456');
    const req = buildJoinRequest({ joinEui: 'aa13693363343639', devEui: '3331383274356905', devNonce: 0xf18e }, appKey);
    if (!req.ok) throw req.error;
    const reqPacket = loraPacket.fromWire(Buffer.from(req.value));
    expect(reqPacket.getMType()).toBe('Join Request');
    expect(reqPacket.AppEUI?.toString('hex')).toBe('aa13693363343639');
    expect(reqPacket.DevEUI?.toString('hex')).toBe('3331383274356905');
    expect(loraPacket.verifyMIC(reqPacket, undefined, Buffer.from(appKey))).toBe(true);

    const cfList = hex('184f84e85684b85e84886684586e8400');
    const acc = buildJoinAccept(
      { joinNonce: 0x376338, netId: 'aabbcc', devAddr: '012ccde7', dlSettings: { rx1DrOffset: 2, rx2DataRate: 3 }, rxDelay: 1, cfList },
      appKey,
    );
    if (!acc.ok) throw acc.error;
    const decrypted = loraPacket.decryptJoinAccept(loraPacket.fromWire(Buffer.from(acc.value)), Buffer.from(appKey));
    const accPacket = loraPacket.fromWire(decrypted);
    expect(accPacket.getMType()).toBe('Join Accept');
    expect(accPacket.NetID?.toString('hex')).toBe('aabbcc');
    expect(accPacket.DevAddr?.toString('hex')).toBe('012ccde7');
    expect(accPacket.CFList?.toString('hex')).toBe(bytesToHex(cfList));
    expect(loraPacket.verifyMIC(accPacket, undefined, Buffer.from(appKey))).toBe(true);
  });
});

describe('join build round trip', () => {
  it('rebuilds the public join-request and join-accept vectors byte for byte', () => {
    const reqVector = lorawanVectors.join_requests.find((v) => v.id === 'chirpstack_brocaar_join_request');
    const accVector = lorawanVectors.join_accepts.find((v) => v.id === 'chirpstack_brocaar_join_accept');
    if (!reqVector || !accVector) throw new Error('vectors missing');
    const req = buildJoinRequest(
      { joinEui: String(reqVector.expected.join_eui), devEui: String(reqVector.expected.dev_eui), devNonce: Number(reqVector.expected.dev_nonce) },
      hex(reqVector.keys.app_key ?? ''),
    );
    expect(req.ok && bytesToHex(req.value)).toBe(reqVector.phy_payload_hex);
    const acc = buildJoinAccept(
      { joinNonce: Number(accVector.expected.join_nonce), netId: String(accVector.expected.net_id), devAddr: String(accVector.expected.dev_addr) },
      hex(accVector.keys.app_key ?? ''),
    );
    expect(acc.ok && bytesToHex(acc.value)).toBe(accVector.phy_payload_hex);
  });

  it('an OTAA exchange: device and server derive the same session keys and the uplink verifies', () => {
    const appKey = hex('000102030405060708090a0b0c0d0e0f');
    const req = buildJoinRequest({ joinEui: '70b3d57ed0000000', devEui: '0004a30b001c0530', devNonce: 513 }, appKey);
    if (!req.ok) throw req.error;
    const reqFrame = parsePhyPayload(req.value);
    if (!reqFrame.ok || reqFrame.value.kind !== 'join_request') throw new Error('bad join-request');
    expect(verifyJoinRequestMic(appKey, reqFrame.value)).toBe(true);
    const acc = buildJoinAccept({ joinNonce: 0x00abcd, netId: '00003c', devAddr: '78000123', rxDelay: 1 }, appKey);
    if (!acc.ok) throw acc.error;
    const accFrame = parsePhyPayload(acc.value);
    if (!accFrame.ok || accFrame.value.kind !== 'join_accept') throw new Error('bad join-accept');
    const dec = decryptJoinAccept(accFrame.value, appKey);
    if (!dec.ok) throw dec.error;
    expect(dec.value.micValid).toBe(true);
    expect(dec.value.devAddr).toBe('78000123');
    const keys = deriveSessionKeys10(appKey, { joinNonce: dec.value.joinNonce, netId: dec.value.netId, devNonce: reqFrame.value.devNonce });
    if (!keys.ok) throw keys.error;
    const theirs = loraPacket.generateSessionKeys10(Buffer.from(appKey), Buffer.from('00003c', 'hex'), Buffer.from('00abcd', 'hex'), Buffer.from('0201', 'hex'));
    expect(bytesToHex(keys.value.nwkSKey)).toBe(theirs.NwkSKey.toString('hex'));
    expect(bytesToHex(keys.value.appSKey)).toBe(theirs.AppSKey.toString('hex'));
    const up = buildDataFrame({ mtype: 'UnconfirmedDataUp', devAddr: dec.value.devAddr, fCnt: 0, fPort: 5, payload: hex('cafe') }, keys.value);
    if (!up.ok) throw up.error;
    expect(verifyDataMic(keys.value.nwkSKey, parseData(up.value))).toBe(true);
  });
});

describe('buildDataFrame rejects what it cannot encode', () => {
  const nwkSKey = new Uint8Array(16);
  it.each([
    ['bad DevAddr', { mtype: 'UnconfirmedDataUp', devAddr: 'xyz', fCnt: 0 }, 'bad_field'],
    ['FOpts over 15 bytes', { mtype: 'UnconfirmedDataUp', devAddr: '01020304', fCnt: 0, fOpts: new Uint8Array(16) }, 'fopts_overflow'],
    ['FOpts with FPort 0', { mtype: 'UnconfirmedDataUp', devAddr: '01020304', fCnt: 0, fOpts: new Uint8Array(1), fPort: 0, payload: new Uint8Array(1) }, 'fopts_with_fport0'],
    ['payload over 255 bytes', { mtype: 'UnconfirmedDataUp', devAddr: '01020304', fCnt: 0, fPort: 0, payload: new Uint8Array(250) }, 'too_long'],
    ['negative FCnt', { mtype: 'UnconfirmedDataUp', devAddr: '01020304', fCnt: -1 }, 'bad_field'],
    ['FPort out of range', { mtype: 'UnconfirmedDataUp', devAddr: '01020304', fCnt: 0, fPort: 256, payload: new Uint8Array(1) }, 'bad_field'],
  ] as Array<[string, DataFrameInput, string]>)('%s', (_name, input, reason) => {
    const r = buildDataFrame(input, { nwkSKey, appSKey: nwkSKey });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('lorawan.malformed');
      expect(r.error.details?.reason).toBe(reason);
    }
  });

  it('needs an AppSKey for an application payload', () => {
    const r = buildDataFrame({ mtype: 'UnconfirmedDataUp', devAddr: '01020304', fCnt: 0, fPort: 1, payload: new Uint8Array(2) }, { nwkSKey });
    expect(r.ok).toBe(false);
  });
});
