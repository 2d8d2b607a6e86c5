/**
 * Message integrity codes for LoRaWAN 1.0.x (plus the 1.1 join-accept variant, which only differs
 * in what is prefixed to the CMAC input). A MIC is the first 4 bytes of an AES-CMAC.
 */
import { bytesEqual, concatBytes, displayHexToWire, writeUintLE } from './bytes';
import { aesCmac, frameBlock } from './crypto';
import { MIC_BYTES } from './phy-payload';
import type { DataFrame, Direction, JoinRequestFrame } from './types';

function micOf(key: Uint8Array, message: Uint8Array): Uint8Array {
  return aesCmac(key, message).slice(0, MIC_BYTES);
}

function withoutMic(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(0, bytes.length - MIC_BYTES);
}

/**
 * The counter a frame's crypto used: the frame carries only the low 16 bits, so the receiver
 * supplies the high 16 it expects (e.g. from the session's last FCnt). Defaults to high bits 0.
 */
export function fullFCnt(frameFCnt16: number, fCntHigh16 = 0): number {
  return ((fCntHigh16 & 0xffff) * 0x10000 + (frameFCnt16 & 0xffff)) >>> 0;
}

/** MIC over `MHDR..FRMPayload` (the frame without its MIC) with the B0 prefix. */
export function computeDataMicRaw(
  nwkSKey: Uint8Array,
  direction: Direction,
  devAddr: string,
  fCnt32: number,
  message: Uint8Array,
): Uint8Array {
  const b0 = frameBlock(0x49, direction, devAddr, fCnt32, message.length);
  return micOf(nwkSKey, concatBytes(b0, message));
}

export function computeDataMic(nwkSKey: Uint8Array, frame: DataFrame, fCntHigh16 = 0): Uint8Array {
  return computeDataMicRaw(nwkSKey, frame.direction, frame.devAddr, fullFCnt(frame.fCnt, fCntHigh16), withoutMic(frame.bytes));
}

export function verifyDataMic(nwkSKey: Uint8Array, frame: DataFrame, fCntHigh16 = 0): boolean {
  return bytesEqual(computeDataMic(nwkSKey, frame, fCntHigh16), frame.mic);
}

export function computeJoinRequestMic(appKey: Uint8Array, frame: JoinRequestFrame): Uint8Array {
  return micOf(appKey, withoutMic(frame.bytes));
}

export function verifyJoinRequestMic(appKey: Uint8Array, frame: JoinRequestFrame): boolean {
  return bytesEqual(computeJoinRequestMic(appKey, frame), frame.mic);
}

/** 1.0 join-accept MIC over the *decrypted* `MHDR | JoinNonce .. CFList` (no MIC). */
export function computeJoinAcceptMic(appKey: Uint8Array, plaintextWithoutMic: Uint8Array): Uint8Array {
  return micOf(appKey, plaintextWithoutMic);
}

/**
 * LoRaWAN 1.1 join-accept MIC (OptNeg set): keyed with JSIntKey and prefixed with
 * JoinReqType | JoinEUI(LE) | DevNonce(LE). Kept so a 1.1 device's accept can at least be checked.
 */
export function computeJoinAcceptMic11(
  jsIntKey: Uint8Array,
  joinReqType: number,
  joinEui: string,
  devNonce: number,
  plaintextWithoutMic: Uint8Array,
): Uint8Array {
  const eui = displayHexToWire(joinEui, 8);
  if (!eui) throw new RangeError(`JoinEUI must be 16 hex characters, got "${joinEui}"`);
  return micOf(jsIntKey, concatBytes(Uint8Array.of(joinReqType & 0xff), eui, writeUintLE(devNonce & 0xffff, 2), plaintextWithoutMic));
}
