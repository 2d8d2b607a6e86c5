/**
 * OTAA join messages (LoRaWAN 1.0.x). The network server "encrypts" a join-accept with AES-ECB
 * *decrypt* under AppKey so that a device only needs the AES encrypt direction to read it; the
 * receiver therefore decrypts with AES encrypt.
 */
import { ok, type Result } from '../errors';
import { bytesEqual, concatBytes, displayHexToWire, readUintLE, wireToDisplayHex, writeUintLE } from './bytes';
import { aesDecrypt, aesEncrypt } from './crypto';
import { malformed } from './malformed';
import { computeJoinAcceptMic, computeJoinRequestMic } from './mic';
import {
  JOIN_ACCEPT_BYTES,
  JOIN_ACCEPT_WITH_CFLIST_BYTES,
  MIC_BYTES,
  decodeMhdr,
  encodeMhdr,
  parsePhyPayload,
} from './phy-payload';
import type { DlSettings, EncryptedJoinAcceptFrame, JoinAccept, JoinRequestFrame } from './types';

const CFLIST_BYTES = 16;

export interface JoinRequestFields {
  joinEui: string;
  devEui: string;
  devNonce: number;
}

/** Builds a join-request PHYPayload with its MIC. */
export function buildJoinRequest(fields: JoinRequestFields, appKey: Uint8Array): Result<Uint8Array> {
  const joinEui = displayHexToWire(fields.joinEui, 8);
  if (!joinEui) return malformed('bad_field', `JoinEUI must be 16 hex characters, got "${fields.joinEui}"`, { field: 'joinEui' });
  const devEui = displayHexToWire(fields.devEui, 8);
  if (!devEui) return malformed('bad_field', `DevEUI must be 16 hex characters, got "${fields.devEui}"`, { field: 'devEui' });
  if (!Number.isInteger(fields.devNonce) || fields.devNonce < 0 || fields.devNonce > 0xffff) {
    return malformed('bad_field', `DevNonce must be 0..65535, got ${fields.devNonce}`, { field: 'devNonce' });
  }
  const body = concatBytes(Uint8Array.of(encodeMhdr({ mtype: 'JoinRequest', major: 0 })), joinEui, devEui, writeUintLE(fields.devNonce, 2));
  const unsigned = concatBytes(body, new Uint8Array(MIC_BYTES));
  const parsed = parsePhyPayload(unsigned);
  if (!parsed.ok) return parsed;
  const mic = computeJoinRequestMic(appKey, parsed.value as JoinRequestFrame);
  return ok(concatBytes(body, mic));
}

export interface JoinAcceptFields {
  joinNonce: number;
  netId: string;
  devAddr: string;
  dlSettings?: Partial<DlSettings>;
  rxDelay?: number;
  cfList?: Uint8Array | null;
}

function encodeDlSettings(dl: Partial<DlSettings>): number {
  return ((dl.optNeg ? 1 : 0) << 7) | (((dl.rx1DrOffset ?? 0) & 0x07) << 4) | ((dl.rx2DataRate ?? 0) & 0x0f);
}

function decodeDlSettings(byte: number): DlSettings {
  return { optNeg: (byte & 0x80) !== 0, rx1DrOffset: (byte >> 4) & 0x07, rx2DataRate: byte & 0x0f };
}

/** `MHDR | JoinNonce | NetID | DevAddr | DLSettings | RxDelay | [CFList]`: the 1.0 MIC input. */
export function encodeJoinAcceptPlaintext(fields: JoinAcceptFields): Result<Uint8Array> {
  if (!Number.isInteger(fields.joinNonce) || fields.joinNonce < 0 || fields.joinNonce > 0xffffff) {
    return malformed('bad_field', `JoinNonce must be 0..16777215, got ${fields.joinNonce}`, { field: 'joinNonce' });
  }
  const netId = displayHexToWire(fields.netId, 3);
  if (!netId) return malformed('bad_field', `NetID must be 6 hex characters, got "${fields.netId}"`, { field: 'netId' });
  const devAddr = displayHexToWire(fields.devAddr, 4);
  if (!devAddr) return malformed('bad_field', `DevAddr must be 8 hex characters, got "${fields.devAddr}"`, { field: 'devAddr' });
  const rxDelay = fields.rxDelay ?? 0;
  if (!Number.isInteger(rxDelay) || rxDelay < 0 || rxDelay > 15) {
    return malformed('bad_field', `RxDelay must be 0..15, got ${rxDelay}`, { field: 'rxDelay' });
  }
  const cfList = fields.cfList ?? null;
  if (cfList && cfList.length !== CFLIST_BYTES) {
    return malformed('bad_field', `CFList must be ${CFLIST_BYTES} bytes, got ${cfList.length}`, { field: 'cfList' });
  }
  return ok(
    concatBytes(
      Uint8Array.of(encodeMhdr({ mtype: 'JoinAccept', major: 0 })),
      writeUintLE(fields.joinNonce, 3),
      netId,
      devAddr,
      Uint8Array.of(encodeDlSettings(fields.dlSettings ?? {}), rxDelay),
      cfList ?? new Uint8Array(0),
    ),
  );
}

/** Builds the encrypted join-accept PHYPayload a network server sends (1.0 MIC under AppKey). */
export function buildJoinAccept(fields: JoinAcceptFields, appKey: Uint8Array): Result<Uint8Array> {
  const plain = encodeJoinAcceptPlaintext(fields);
  if (!plain.ok) return plain;
  const mic = computeJoinAcceptMic(appKey, plain.value);
  const body = concatBytes(plain.value.subarray(1), mic);
  return ok(concatBytes(plain.value.subarray(0, 1), aesDecrypt(appKey, body)));
}

/**
 * Reads the fields of a *plaintext* join-accept (`MHDR | fields | MIC`, 17 or 33 bytes).
 */
export function parseJoinAcceptPlaintext(plaintext: Uint8Array): Result<JoinAccept> {
  if (plaintext.length !== JOIN_ACCEPT_BYTES && plaintext.length !== JOIN_ACCEPT_WITH_CFLIST_BYTES) {
    return malformed('bad_length', `join-accept must be ${JOIN_ACCEPT_BYTES} or ${JOIN_ACCEPT_WITH_CFLIST_BYTES} bytes, got ${plaintext.length}`, {
      lengthBytes: plaintext.length,
    });
  }
  if (decodeMhdr(plaintext[0] ?? 0).mtype !== 'JoinAccept') {
    return malformed('bad_field', 'not a join-accept MHDR', { field: 'mhdr' });
  }
  const micStart = plaintext.length - MIC_BYTES;
  return ok({
    joinNonce: readUintLE(plaintext, 1, 3),
    netId: wireToDisplayHex(plaintext.subarray(4, 7)),
    devAddr: wireToDisplayHex(plaintext.subarray(7, 11)),
    dlSettings: decodeDlSettings(plaintext[11] ?? 0),
    rxDelay: (plaintext[12] ?? 0) & 0x0f,
    cfList: plaintext.length === JOIN_ACCEPT_WITH_CFLIST_BYTES ? plaintext.slice(13, 13 + CFLIST_BYTES) : null,
    mic: plaintext.slice(micStart),
  });
}

/** 1.0 MIC check of a plaintext join-accept. */
export function verifyJoinAcceptMic(appKey: Uint8Array, plaintext: Uint8Array): boolean {
  if (plaintext.length < MIC_BYTES + 1) return false;
  const micStart = plaintext.length - MIC_BYTES;
  return bytesEqual(computeJoinAcceptMic(appKey, plaintext.subarray(0, micStart)), plaintext.subarray(micStart));
}

export interface DecryptedJoinAccept extends JoinAccept {
  /** `MHDR | fields | MIC` in clear, the input of the MIC checks. */
  plaintext: Uint8Array;
  /** 1.0 MIC under the same AppKey. A 1.1 (OptNeg) accept uses another MIC; see computeJoinAcceptMic11. */
  micValid: boolean;
}

/** Decrypts a received join-accept with AppKey (NwkKey in 1.1) and checks its 1.0 MIC. */
export function decryptJoinAccept(frame: EncryptedJoinAcceptFrame, appKey: Uint8Array): Result<DecryptedJoinAccept> {
  const bodyBytes = frame.encrypted.length;
  if (bodyBytes !== JOIN_ACCEPT_BYTES - 1 && bodyBytes !== JOIN_ACCEPT_WITH_CFLIST_BYTES - 1) {
    return malformed('bad_length', `join-accept body must be 16 or 32 bytes, got ${bodyBytes}`, { lengthBytes: bodyBytes + 1 });
  }
  const plaintext = concatBytes(Uint8Array.of(frame.bytes[0] ?? 0x20), aesEncrypt(appKey, frame.encrypted));
  const fields = parseJoinAcceptPlaintext(plaintext);
  if (!fields.ok) return fields;
  return ok({ ...fields.value, plaintext, micValid: verifyJoinAcceptMic(appKey, plaintext) });
}

/** RX1 delay in seconds from the RxDelay nibble: 0 and 1 both mean 1 s. */
export function rx1DelaySeconds(rxDelay: number): number {
  const del = rxDelay & 0x0f;
  return del === 0 ? 1 : del;
}
