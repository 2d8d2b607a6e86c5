/**
 * PHYPayload parsing and byte-level encoding (no crypto). Layouts per LoRaWAN 1.0.x:
 *   data:         MHDR | DevAddr(4) | FCtrl | FCnt(2) | FOpts(0..15) | [FPort | FRMPayload] | MIC(4)
 *   join-request: MHDR | JoinEUI(8) | DevEUI(8) | DevNonce(2) | MIC(4)
 *   join-accept:  MHDR | encrypted(16 or 32)
 */
import { ok, type Result } from '../errors';
import { concatBytes, displayHexToWire, readUintLE, wireToDisplayHex, writeUintLE } from './bytes';
import { malformed } from './malformed';
import {
  MTYPES,
  type DataFrame,
  type DataMType,
  type Direction,
  type FCtrl,
  type Mhdr,
  type MType,
  type PhyPayload,
} from './types';

/** The largest PHYPayload a LoRa radio can carry. */
export const MAX_PHY_PAYLOAD_BYTES = 255;
export const MIC_BYTES = 4;
const DATA_MIN_BYTES = 1 + 7 + MIC_BYTES;
export const JOIN_REQUEST_BYTES = 23;
export const JOIN_ACCEPT_BYTES = 17;
export const JOIN_ACCEPT_WITH_CFLIST_BYTES = 33;
const MAX_FOPTS_BYTES = 15;

const DATA_MTYPES: ReadonlySet<MType> = new Set<MType>([
  'UnconfirmedDataUp',
  'UnconfirmedDataDown',
  'ConfirmedDataUp',
  'ConfirmedDataDown',
]);

export function isDataMType(mtype: MType): mtype is DataMType {
  return DATA_MTYPES.has(mtype);
}

export function directionOf(mtype: DataMType): Direction {
  return mtype === 'UnconfirmedDataUp' || mtype === 'ConfirmedDataUp' ? 'up' : 'down';
}

export function isConfirmed(mtype: DataMType): boolean {
  return mtype === 'ConfirmedDataUp' || mtype === 'ConfirmedDataDown';
}

export function mtypeCode(mtype: MType): number {
  return MTYPES.indexOf(mtype);
}

export function decodeMhdr(byte: number): Mhdr {
  return { mtype: MTYPES[(byte >> 5) & 0x07] ?? 'Proprietary', major: byte & 0x03 };
}

export function encodeMhdr(mhdr: Mhdr): number {
  return ((mtypeCode(mhdr.mtype) & 0x07) << 5) | (mhdr.major & 0x03);
}

export function decodeFCtrl(byte: number): FCtrl {
  return {
    adr: (byte & 0x80) !== 0,
    adrAckReq: (byte & 0x40) !== 0,
    ack: (byte & 0x20) !== 0,
    fPending: (byte & 0x10) !== 0,
    fOptsLen: byte & 0x0f,
  };
}

export function encodeFCtrl(fCtrl: Omit<FCtrl, 'fOptsLen'>, fOptsLen: number): number {
  return (
    (fCtrl.adr ? 0x80 : 0) |
    (fCtrl.adrAckReq ? 0x40 : 0) |
    (fCtrl.ack ? 0x20 : 0) |
    (fCtrl.fPending ? 0x10 : 0) |
    (fOptsLen & 0x0f)
  );
}

/** Parses a PHYPayload. Never throws: malformed input gives `lorawan.malformed` with a reason. */
export function parsePhyPayload(bytes: Uint8Array): Result<PhyPayload> {
  if (bytes.length < 1) return malformed('too_short', 'empty PHYPayload');
  if (bytes.length > MAX_PHY_PAYLOAD_BYTES) {
    return malformed('too_long', `PHYPayload of ${bytes.length} bytes exceeds ${MAX_PHY_PAYLOAD_BYTES}`, {
      lengthBytes: bytes.length,
    });
  }
  const mhdr = decodeMhdr(bytes[0] ?? 0);
  const frame = Uint8Array.from(bytes);
  if (mhdr.mtype === 'Proprietary') {
    // Checked before the major version: proprietary frames are free-form after the MType.
    return ok({ kind: 'proprietary', mhdr: { ...mhdr, mtype: 'Proprietary' }, payload: frame.slice(1), bytes: frame });
  }
  if (mhdr.major !== 0) {
    return malformed('unsupported_major', `unsupported LoRaWAN major version ${mhdr.major}`, { major: mhdr.major });
  }
  switch (mhdr.mtype) {
    case 'JoinRequest':
      if (frame.length !== JOIN_REQUEST_BYTES) {
        return malformed('bad_length', `join-request must be ${JOIN_REQUEST_BYTES} bytes, got ${frame.length}`, {
          lengthBytes: frame.length,
        });
      }
      return ok({
        kind: 'join_request',
        mhdr: { ...mhdr, mtype: 'JoinRequest' },
        joinEui: wireToDisplayHex(frame.subarray(1, 9)),
        devEui: wireToDisplayHex(frame.subarray(9, 17)),
        devNonce: readUintLE(frame, 17, 2),
        mic: frame.slice(19, 23),
        bytes: frame,
      });
    case 'JoinAccept':
      if (frame.length !== JOIN_ACCEPT_BYTES && frame.length !== JOIN_ACCEPT_WITH_CFLIST_BYTES) {
        return malformed(
          'bad_length',
          `join-accept must be ${JOIN_ACCEPT_BYTES} or ${JOIN_ACCEPT_WITH_CFLIST_BYTES} bytes, got ${frame.length}`,
          { lengthBytes: frame.length },
        );
      }
      return ok({ kind: 'join_accept', mhdr: { ...mhdr, mtype: 'JoinAccept' }, encrypted: frame.slice(1), bytes: frame });
    case 'RejoinRequest':
      return malformed('unsupported_mtype', 'MType 110 is RFU in LoRaWAN 1.0.x', { mtype: mhdr.mtype });
    default:
      return parseDataFrame(frame, mhdr.mtype as DataMType, mhdr.major);
  }
}

function parseDataFrame(frame: Uint8Array, mtype: DataMType, major: number): Result<DataFrame> {
  if (frame.length < DATA_MIN_BYTES) {
    return malformed('too_short', `data frame must be at least ${DATA_MIN_BYTES} bytes, got ${frame.length}`, {
      lengthBytes: frame.length,
    });
  }
  const fCtrl = decodeFCtrl(frame[5] ?? 0);
  const fOptsEnd = 8 + fCtrl.fOptsLen;
  const micStart = frame.length - MIC_BYTES;
  if (fOptsEnd > micStart) {
    return malformed('fopts_overflow', `FOptsLen ${fCtrl.fOptsLen} runs past the end of the frame`, {
      fOptsLen: fCtrl.fOptsLen,
    });
  }
  const hasPort = micStart > fOptsEnd;
  const fPort = hasPort ? (frame[fOptsEnd] ?? 0) : null;
  // MAC commands may not be in FOpts and FRMPayload at once; FPort 0 declares FRMPayload ones.
  if (fPort === 0 && fCtrl.fOptsLen > 0) {
    return malformed('fopts_with_fport0', 'FPort 0 frame must not carry FOpts', { fOptsLen: fCtrl.fOptsLen });
  }
  return ok({
    kind: 'data',
    mhdr: { mtype, major },
    direction: directionOf(mtype),
    confirmed: isConfirmed(mtype),
    devAddr: wireToDisplayHex(frame.subarray(1, 5)),
    fCtrl,
    fCnt: readUintLE(frame, 6, 2),
    fOpts: frame.subarray(8, fOptsEnd),
    fPort,
    frmPayload: frame.subarray(hasPort ? fOptsEnd + 1 : micStart, micStart),
    mic: frame.subarray(micStart),
    bytes: frame,
  });
}

/** Fields of a data frame as they go on air (FRMPayload already encrypted, MIC already known). */
export interface DataFrameFields {
  mtype: DataMType;
  devAddr: string;
  fCtrl?: Partial<Omit<FCtrl, 'fOptsLen'>>;
  /** Frame counter; only the low 16 bits go on air. */
  fCnt: number;
  fOpts?: Uint8Array;
  fPort?: number | null;
  frmPayload?: Uint8Array;
  mic?: Uint8Array;
}

/** Serialises data-frame fields to PHYPayload bytes, checking the structural rules. */
export function encodeDataFrame(fields: DataFrameFields): Result<Uint8Array> {
  const devAddr = displayHexToWire(fields.devAddr, 4);
  if (!devAddr) return malformed('bad_field', `DevAddr must be 8 hex characters, got "${fields.devAddr}"`, { field: 'devAddr' });
  if (!Number.isInteger(fields.fCnt) || fields.fCnt < 0 || fields.fCnt > 0xffffffff) {
    return malformed('bad_field', `FCnt must be a 32-bit unsigned integer, got ${fields.fCnt}`, { field: 'fCnt' });
  }
  const fOpts = fields.fOpts ?? new Uint8Array(0);
  if (fOpts.length > MAX_FOPTS_BYTES) {
    return malformed('fopts_overflow', `FOpts is ${fOpts.length} bytes, at most ${MAX_FOPTS_BYTES}`, { field: 'fOpts' });
  }
  const frmPayload = fields.frmPayload ?? new Uint8Array(0);
  const fPort = fields.fPort ?? null;
  if (fPort === null && frmPayload.length > 0) {
    return malformed('bad_field', 'FRMPayload needs an FPort', { field: 'fPort' });
  }
  if (fPort !== null && (!Number.isInteger(fPort) || fPort < 0 || fPort > 255)) {
    return malformed('bad_field', `FPort must be 0..255, got ${fPort}`, { field: 'fPort' });
  }
  if (fPort === 0 && fOpts.length > 0) {
    return malformed('fopts_with_fport0', 'FPort 0 frame must not carry FOpts', { field: 'fOpts' });
  }
  const mic = fields.mic ?? new Uint8Array(MIC_BYTES);
  if (mic.length !== MIC_BYTES) return malformed('bad_field', 'MIC must be 4 bytes', { field: 'mic' });
  const fCtrl = { adr: false, adrAckReq: false, ack: false, fPending: false, ...fields.fCtrl };
  const frame = concatBytes(
    Uint8Array.of(encodeMhdr({ mtype: fields.mtype, major: 0 })),
    devAddr,
    Uint8Array.of(encodeFCtrl(fCtrl, fOpts.length)),
    writeUintLE(fields.fCnt & 0xffff, 2),
    fOpts,
    fPort === null ? new Uint8Array(0) : Uint8Array.of(fPort),
    frmPayload,
    mic,
  );
  if (frame.length > MAX_PHY_PAYLOAD_BYTES) {
    return malformed('too_long', `PHYPayload of ${frame.length} bytes exceeds ${MAX_PHY_PAYLOAD_BYTES}`, {
      lengthBytes: frame.length,
    });
  }
  return ok(frame);
}
