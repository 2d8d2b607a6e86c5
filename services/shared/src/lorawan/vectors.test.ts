/**
 * Every vector in testing/vectors/lorawan-vectors.json, checked field by field. Each `expected`
 * key is mapped to a check; a key with no check fails the run, so a new vector field cannot be
 * skipped silently.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes';
import { decryptFrmPayload } from './frm-payload';
import { decryptJoinAccept, parseJoinAcceptPlaintext, verifyJoinAcceptMic } from './join';
import { parseMacCommands } from './mac-commands';
import {
  computeDataMic,
  computeJoinAcceptMic11,
  computeJoinRequestMic,
  verifyDataMic,
  verifyJoinRequestMic,
} from './mic';
import { encodeFCtrl, parsePhyPayload } from './phy-payload';
import { deriveSessionKeys10 } from './session-keys';
import type { DataFrame, JoinRequestFrame, PhyPayload } from './types';
import { extra, hex, lorawanVectors, type LorawanVector, type SessionKeyVector } from './vectors.fixture';

function parse(hexString: string): PhyPayload {
  const r = parsePhyPayload(hex(hexString));
  if (!r.ok) throw r.error;
  return r.value;
}

/** Vector MAC command entries look like {cid: "0x06 DevStatusAns", battery: 115, margin: 7}. */
function macCommandsAsVector(bytes: Uint8Array, direction: 'up' | 'down'): unknown[] {
  const r = parseMacCommands(bytes, direction);
  if (!r.ok) throw r.error;
  return r.value.map((c) => {
    const out: Record<string, unknown> = { cid: `0x${c.cid.toString(16).padStart(2, '0')} ${c.name}` };
    if (c.name === 'DevStatusAns') Object.assign(out, { battery: c.fields?.battery, margin: c.fields?.marginDb });
    if (c.name === 'LinkADRAns') {
      Object.assign(out, {
        channel_mask_ack: c.fields?.channelMaskAck,
        data_rate_ack: c.fields?.dataRateAck,
        power_ack: c.fields?.powerAck,
      });
    }
    return out;
  });
}

type DataCheck = (frame: DataFrame, v: LorawanVector) => unknown;

const dataChecks: Record<string, DataCheck> = {
  mhdr_hex: (f) => bytesToHex(f.bytes.subarray(0, 1)),
  mtype: (f) => f.mhdr.mtype,
  direction: (f) => f.direction,
  dev_addr: (f) => f.devAddr,
  fctrl_hex: (f) => bytesToHex(Uint8Array.of(encodeFCtrl(f.fCtrl, f.fCtrl.fOptsLen))),
  adr: (f) => f.fCtrl.adr,
  adr_ack_req: (f) => f.fCtrl.adrAckReq,
  ack: (f) => f.fCtrl.ack,
  fpending_or_classb: (f) => f.fCtrl.fPending,
  fopts_len: (f) => f.fCtrl.fOptsLen,
  fopts_hex: (f) => bytesToHex(f.fOpts),
  fhdr_hex: (f) => bytesToHex(f.bytes.subarray(1, 8 + f.fOpts.length)),
  fcnt: (f) => f.fCnt,
  fcnt_wire_hex: (f) => bytesToHex(f.bytes.subarray(6, 8)),
  fport: (f) => f.fPort,
  mac_payload_hex: (f) => bytesToHex(f.bytes.subarray(1, f.bytes.length - 4)),
  frm_payload_encrypted_hex: (f) => bytesToHex(f.frmPayload),
  mic_hex: (f) => bytesToHex(f.mic),
  mic_valid: (f, v) => verifyDataMic(hex(v.keys.nwk_s_key ?? ''), f),
  calculated_mic_hex: (f, v) => bytesToHex(computeDataMic(hex(v.keys.nwk_s_key ?? ''), f)),
  frm_payload_decrypted_hex: (f, v) => bytesToHex(decryptFrmPayload(f, keysOf(v)) ?? new Uint8Array()),
  frm_payload_decrypted_text: (f, v) => Buffer.from(decryptFrmPayload(f, keysOf(v)) ?? []).toString('utf8'),
  fopts_mac_commands: (f) => macCommandsAsVector(f.fOpts, f.direction),
  frm_payload_mac_commands: (f, v) => macCommandsAsVector(decryptFrmPayload(f, keysOf(v)) ?? new Uint8Array(), f.direction),
};

function keysOf(v: LorawanVector): { nwkSKey?: Uint8Array; appSKey?: Uint8Array } {
  return {
    ...(v.keys.nwk_s_key ? { nwkSKey: hex(v.keys.nwk_s_key) } : {}),
    ...(v.keys.app_s_key ? { appSKey: hex(v.keys.app_s_key) } : {}),
  };
}

describe('data frame vectors', () => {
  it.each(lorawanVectors.data_frames.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const frame = parse(v.phy_payload_hex);
    expect(frame.kind).toBe('data');
    for (const [key, want] of Object.entries(v.expected)) {
      const check = dataChecks[key];
      expect(check, `no check for expected.${key}`).toBeDefined();
      expect(check?.(frame as DataFrame, v), key).toEqual(want);
    }
  });

  it('lp_uplink_test also-asserted values: a wrong AppSKey scrambles, explicit high FCnt bits 0 keep the MIC', () => {
    const v = lorawanVectors.data_frames.find((x) => x.id === 'lp_uplink_test');
    if (!v?.also_asserted) throw new Error('vector missing');
    const frame = parse(v.phy_payload_hex) as DataFrame;
    const wrongKey = hex('ec925802ae430ca77fd3dd73cb2cc580');
    expect(bytesToHex(decryptFrmPayload(frame, { appSKey: wrongKey }) ?? new Uint8Array())).toBe(
      v.also_asserted.wrong_app_s_key_ec925802ae430ca77fd3dd73cb2cc580_decrypts_to_hex,
    );
    expect(bytesToHex(computeDataMic(hex(v.keys.nwk_s_key ?? ''), frame, 0x0000))).toBe(v.also_asserted.mic_with_fcnt_msb_0000);
    // A different high half changes the MIC: the 32-bit counter really enters B0.
    expect(verifyDataMic(hex(v.keys.nwk_s_key ?? ''), frame, 1)).toBe(false);
  });
});

const joinRequestChecks: Record<string, (f: JoinRequestFrame, v: LorawanVector) => unknown> = {
  mhdr_hex: (f) => bytesToHex(f.bytes.subarray(0, 1)),
  mtype: (f) => f.mhdr.mtype,
  join_eui: (f) => f.joinEui,
  dev_eui: (f) => f.devEui,
  dev_nonce: (f) => f.devNonce,
  dev_nonce_hex: (f) => f.devNonce.toString(16).padStart(4, '0'),
  mic_hex: (f) => bytesToHex(f.mic),
  mic_valid: (f, v) => verifyJoinRequestMic(hex(v.keys.app_key ?? ''), f),
  calculated_mic_hex: (f, v) => bytesToHex(computeJoinRequestMic(hex(v.keys.app_key ?? ''), f)),
};

describe('join-request vectors', () => {
  it.each(lorawanVectors.join_requests.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const frame = parse(v.phy_payload_hex);
    expect(frame.kind).toBe('join_request');
    for (const [key, want] of Object.entries(v.expected)) {
      const check = joinRequestChecks[key];
      expect(check, `no check for expected.${key}`).toBeDefined();
      expect(check?.(frame as JoinRequestFrame, v), key).toEqual(want);
    }
  });

  it('lp_join_request_1_1: the 1.1 join-request MIC is the same algorithm keyed with NwkKey', () => {
    const v = extra<LorawanVector>('lp_join_request_1_1');
    const frame = parse(v.phy_payload_hex) as JoinRequestFrame;
    expect(bytesToHex(frame.mic)).toBe(v.expected.mic_hex);
    expect(verifyJoinRequestMic(hex(v.keys.nwk_key ?? ''), frame)).toBe(v.expected.mic_valid);
    expect(verifyJoinRequestMic(hex('02'.repeat(16)), frame)).toBe(v.expected.with_key_02x16_mic_valid);
  });
});

describe('join-accept vectors', () => {
  it.each(lorawanVectors.join_accepts.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const appKey = hex(v.keys.app_key ?? '');
    let plaintext: Uint8Array;
    let micValid: boolean;
    if (v.encrypted) {
      const frame = parse(v.phy_payload_hex);
      if (frame.kind !== 'join_accept') throw new Error(`expected join_accept, got ${frame.kind}`);
      const dec = decryptJoinAccept(frame, appKey);
      if (!dec.ok) throw dec.error;
      plaintext = dec.value.plaintext;
      micValid = dec.value.micValid;
    } else {
      plaintext = hex(v.phy_payload_hex);
      micValid = verifyJoinAcceptMic(appKey, plaintext);
    }
    const fields = parseJoinAcceptPlaintext(plaintext);
    if (!fields.ok) throw fields.error;
    const ja = fields.value;
    const actual: Record<string, unknown> = {
      decrypted_phy_payload_hex: bytesToHex(plaintext),
      mhdr_hex: bytesToHex(plaintext.subarray(0, 1)),
      mtype: parse(bytesToHex(plaintext)).mhdr.mtype,
      join_nonce: ja.joinNonce,
      join_nonce_hex: ja.joinNonce.toString(16).padStart(6, '0'),
      net_id: ja.netId,
      dev_addr: ja.devAddr,
      dl_settings: { opt_neg: ja.dlSettings.optNeg, rx2_dr: ja.dlSettings.rx2DataRate, rx1_dr_offset: ja.dlSettings.rx1DrOffset },
      dl_settings_hex: bytesToHex(plaintext.subarray(11, 12)),
      rx_delay: ja.rxDelay,
      cflist_hex: ja.cfList ? bytesToHex(ja.cfList) : '',
      mic_hex: bytesToHex(ja.mic),
      mic_valid: micValid,
    };
    for (const [key, want] of Object.entries(v.expected)) {
      expect(key in actual, `no check for expected.${key}`).toBe(true);
      expect(actual[key], key).toEqual(want);
    }
    if (v.also_asserted_negative) {
      const bad = hex(String(v.also_asserted_negative.phy_payload_hex));
      expect(verifyJoinAcceptMic(appKey, bad)).toBe(v.also_asserted_negative.mic_valid);
    }
  });

  it('chirpstack_lp_join_accept_1_1_optneg: decrypts, and its MIC checks with the 1.1 prefix', () => {
    const v = extra<LorawanVector>('chirpstack_lp_join_accept_1_1_optneg');
    const key = hex(v.keys.app_key_or_nwk_key ?? '');
    const frame = parse(v.phy_payload_hex);
    if (frame.kind !== 'join_accept') throw new Error('not a join-accept');
    const dec = decryptJoinAccept(frame, key);
    if (!dec.ok) throw dec.error;
    expect(dec.value.joinNonce).toBe(v.expected.join_nonce);
    expect(dec.value.netId).toBe(v.expected.net_id);
    expect(dec.value.devAddr).toBe(v.expected.dev_addr);
    expect(bytesToHex(dec.value.plaintext.subarray(11, 12))).toBe(v.expected.dl_settings_hex);
    expect(dec.value.dlSettings.optNeg).toBe(true);
    expect(dec.value.rxDelay).toBe(v.expected.rx_delay);
    expect(bytesToHex(dec.value.mic)).toBe(v.expected.mic_hex);
    // The 1.0 MIC does not hold for an OptNeg accept ...
    expect(dec.value.micValid).toBe(false);
    // ... the 1.1 one does (the doc example signs with the same key as JSIntKey).
    const ctx = v.context ?? {};
    const mic11 = computeJoinAcceptMic11(
      key,
      parseInt(String(ctx.join_req_type), 16),
      String(ctx.join_eui),
      Number(ctx.dev_nonce),
      dec.value.plaintext.subarray(0, dec.value.plaintext.length - 4),
    );
    expect(bytesToHex(mic11) === v.expected.mic_hex).toBe(v.expected.mic_valid);
  });
});

describe('session key vectors', () => {
  it('lp_session_keys_1_0', () => {
    const v = extra<SessionKeyVector>('lp_session_keys_1_0');
    const keys = deriveSessionKeys10(hex(v.inputs.app_key), {
      joinNonce: parseInt(v.inputs.app_nonce, 16),
      netId: v.inputs.net_id,
      devNonce: parseInt(v.inputs.dev_nonce, 16),
    });
    if (!keys.ok) throw keys.error;
    expect(bytesToHex(keys.value.nwkSKey)).toBe(v.expected.nwk_s_key);
    expect(bytesToHex(keys.value.appSKey)).toBe(v.expected.app_s_key);
  });
});
