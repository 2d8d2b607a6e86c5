/** Builds complete, encrypted and signed LoRaWAN 1.0.x data frames (what a device or LNS sends). */
import { ok, type Result } from '../errors';
import { concatBytes } from './bytes';
import { cryptFrmPayload } from './crypto';
import { frmPayloadKey, type FrmPayloadKeys } from './frm-payload';
import { malformed } from './malformed';
import { computeDataMicRaw } from './mic';
import { directionOf, encodeDataFrame, MIC_BYTES } from './phy-payload';
import type { DataMType, FCtrl } from './types';

export interface DataFrameInput {
  mtype: DataMType;
  devAddr: string;
  fCtrl?: Partial<Omit<FCtrl, 'fOptsLen'>>;
  /** Full 32-bit frame counter: the low 16 bits go on air, all 32 enter encryption and MIC. */
  fCnt: number;
  /** MAC commands piggybacked in FOpts (sent in clear in 1.0.x). */
  fOpts?: Uint8Array;
  /** Defaults to 1 when a payload is given, else no FPort. */
  fPort?: number | null;
  /** Plaintext FRMPayload. */
  payload?: Uint8Array;
}

export interface DataFrameKeys extends FrmPayloadKeys {
  nwkSKey: Uint8Array;
}

export function buildDataFrame(input: DataFrameInput, keys: DataFrameKeys): Result<Uint8Array> {
  const payload = input.payload ?? new Uint8Array(0);
  const fPort = input.fPort === undefined ? (payload.length > 0 ? 1 : null) : input.fPort;
  const key = frmPayloadKey(fPort, keys);
  if (payload.length > 0 && !key) {
    return malformed('bad_field', 'an AppSKey is needed to encrypt an FRMPayload on FPort > 0', { field: 'appSKey' });
  }
  const direction = directionOf(input.mtype);
  // Encode once unsigned: it validates every field, and its bytes are the MIC input.
  const unsigned = encodeDataFrame({ ...input, fPort, frmPayload: payload });
  if (!unsigned.ok) return unsigned;
  const frmPayload = key ? cryptFrmPayload(key, direction, input.devAddr, input.fCnt >>> 0, payload) : payload;
  const encoded = encodeDataFrame({ ...input, fPort, frmPayload });
  if (!encoded.ok) return encoded;
  const message = encoded.value.subarray(0, encoded.value.length - MIC_BYTES);
  const mic = computeDataMicRaw(keys.nwkSKey, direction, input.devAddr, input.fCnt >>> 0, message);
  return ok(concatBytes(message, mic));
}
