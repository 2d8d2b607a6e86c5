import { bytesToHex, hexToBytes } from '@cov/shared/lorawan/bytes';
import { decryptFrmPayload } from '@cov/shared/lorawan/frm-payload';
import { decryptJoinAccept } from '@cov/shared/lorawan/join';
import { parseMacCommands } from '@cov/shared/lorawan/mac-commands';
import { verifyDataMic, verifyJoinRequestMic } from '@cov/shared/lorawan/mic';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import { deriveSessionKeys10 } from '@cov/shared/lorawan/session-keys';
import type { DataFrame, EncryptedJoinAcceptFrame, JoinRequestFrame } from '@cov/shared/lorawan/types';
import { integerOption, parseOptions, UsageError, type CliCommand } from '../command';

interface Keys {
  nwkSKey?: Uint8Array;
  appSKey?: Uint8Array;
  appKey?: Uint8Array;
}

function key(value: string | undefined, name: string): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const bytes = hexToBytes(value);
  if (!bytes || bytes.length !== 16) throw new UsageError(`--${name} must be 32 hex characters`);
  return bytes;
}

function frameBytes(hex: string | undefined, base64: string | undefined): Uint8Array {
  if ((hex === undefined) === (base64 === undefined)) throw new UsageError('give exactly one of --hex or --base64');
  if (hex !== undefined) {
    const bytes = hexToBytes(hex.replace(/\s+/g, ''));
    if (!bytes) throw new UsageError('--hex is not an even-length hex string');
    return bytes;
  }
  const text = (base64 ?? '').trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new UsageError('--base64 is not base64');
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

function macCommandsOrUndefined(bytes: Uint8Array, direction: 'up' | 'down'): unknown {
  if (bytes.length === 0) return undefined;
  const r = parseMacCommands(bytes, direction);
  return r.ok ? r.value : { error: r.error.message };
}

function describeData(frame: DataFrame, keys: Keys, fCntHigh16: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    mtype: frame.mhdr.mtype,
    direction: frame.direction,
    devAddr: frame.devAddr,
    fCtrl: frame.fCtrl,
    fCnt: frame.fCnt,
    fOpts: bytesToHex(frame.fOpts),
    fOptsCommands: macCommandsOrUndefined(frame.fOpts, frame.direction),
    fPort: frame.fPort,
    frmPayload: bytesToHex(frame.frmPayload),
    mic: bytesToHex(frame.mic),
  };
  if (keys.nwkSKey) out.micValid = verifyDataMic(keys.nwkSKey, frame, fCntHigh16);
  const plain = decryptFrmPayload(frame, keys, fCntHigh16);
  if (plain && (keys.nwkSKey || keys.appSKey)) {
    out.decryptedPayload = bytesToHex(plain);
    if (frame.fPort === 0) out.frmPayloadCommands = macCommandsOrUndefined(plain, frame.direction);
  }
  return out;
}

function describeJoinRequest(frame: JoinRequestFrame, keys: Keys): Record<string, unknown> {
  return {
    mtype: frame.mhdr.mtype,
    joinEui: frame.joinEui,
    devEui: frame.devEui,
    devNonce: frame.devNonce,
    mic: bytesToHex(frame.mic),
    ...(keys.appKey ? { micValid: verifyJoinRequestMic(keys.appKey, frame) } : {}),
  };
}

function describeJoinAccept(frame: EncryptedJoinAcceptFrame, keys: Keys, devNonce: number | undefined): Record<string, unknown> {
  if (!keys.appKey) return { mtype: frame.mhdr.mtype, encrypted: bytesToHex(frame.encrypted) };
  const dec = decryptJoinAccept(frame, keys.appKey);
  if (!dec.ok) return { mtype: frame.mhdr.mtype, error: dec.error.message };
  const ja = dec.value;
  const out: Record<string, unknown> = {
    mtype: frame.mhdr.mtype,
    joinNonce: ja.joinNonce,
    netId: ja.netId,
    devAddr: ja.devAddr,
    dlSettings: ja.dlSettings,
    rxDelay: ja.rxDelay,
    cfList: ja.cfList ? bytesToHex(ja.cfList) : null,
    mic: bytesToHex(ja.mic),
    micValid: ja.micValid,
  };
  if (devNonce !== undefined) {
    const sk = deriveSessionKeys10(keys.appKey, { joinNonce: ja.joinNonce, netId: ja.netId, devNonce });
    if (sk.ok) out.sessionKeys = { nwkSKey: bytesToHex(sk.value.nwkSKey), appSKey: bytesToHex(sk.value.appSKey) };
  }
  return out;
}

export const command: CliCommand = {
  name: 'lorawan-decode',
  summary: 'decode a LoRaWAN 1.0.x PHYPayload; with keys, check the MIC and decrypt',
  usage:
    'npm run cli -- lorawan-decode (--hex H | --base64 B) [--nwkskey K] [--appskey K] [--appkey K] [--fcnt-high N] [--dev-nonce N]',
  async run(argv, io) {
    const { values } = parseOptions(argv, {
      hex: { type: 'string' },
      base64: { type: 'string' },
      nwkskey: { type: 'string' },
      appskey: { type: 'string' },
      appkey: { type: 'string' },
      'fcnt-high': { type: 'string' },
      'dev-nonce': { type: 'string' },
    });
    const keys: Keys = {};
    const nwkSKey = key(values.nwkskey, 'nwkskey');
    const appSKey = key(values.appskey, 'appskey');
    const appKey = key(values.appkey, 'appkey');
    if (nwkSKey) keys.nwkSKey = nwkSKey;
    if (appSKey) keys.appSKey = appSKey;
    if (appKey) keys.appKey = appKey;
    // The frame only carries FCnt's low 16 bits; MIC and decryption need the high ones.
    const fCntHigh16 = integerOption(values['fcnt-high'], 'fcnt-high', { min: 0, max: 0xffff }) ?? 0;
    const devNonce = integerOption(values['dev-nonce'], 'dev-nonce', { min: 0, max: 0xffff });

    const parsed = parsePhyPayload(frameBytes(values.hex, values.base64));
    if (!parsed.ok) {
      io.stdout(`${JSON.stringify({ error: { code: parsed.error.code, message: parsed.error.message, ...parsed.error.details } }, null, 2)}\n`);
      return 2;
    }
    const frame = parsed.value;
    let out: Record<string, unknown>;
    switch (frame.kind) {
      case 'data':
        out = describeData(frame, keys, fCntHigh16);
        break;
      case 'join_request':
        out = describeJoinRequest(frame, keys);
        break;
      case 'join_accept':
        out = describeJoinAccept(frame, keys, devNonce);
        break;
      case 'proprietary':
        out = { mtype: frame.mhdr.mtype, payload: bytesToHex(frame.payload) };
        break;
    }
    io.stdout(`${JSON.stringify({ mtype: frame.mhdr.mtype, major: frame.mhdr.major, ...out }, null, 2)}\n`);
    return 0;
  },
};
