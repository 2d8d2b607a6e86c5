/** Which session key protects a frame's FRMPayload, and decrypting it. */
import { cryptFrmPayload } from './crypto';
import { fullFCnt } from './mic';
import type { DataFrame } from './types';

export interface FrmPayloadKeys {
  nwkSKey?: Uint8Array;
  appSKey?: Uint8Array;
}

/** FPort 0 carries MAC commands, which belong to the network: NwkSKey. Any other port: AppSKey. */
export function frmPayloadKey(fPort: number | null, keys: FrmPayloadKeys): Uint8Array | undefined {
  return fPort === 0 ? keys.nwkSKey : keys.appSKey;
}

/**
 * Plaintext FRMPayload of a parsed data frame, or `null` when the key it needs was not given.
 * `fCntHigh16` supplies the counter bits the frame does not carry.
 */
export function decryptFrmPayload(frame: DataFrame, keys: FrmPayloadKeys, fCntHigh16 = 0): Uint8Array | null {
  if (frame.frmPayload.length === 0) return new Uint8Array(0);
  const key = frmPayloadKey(frame.fPort, keys);
  if (!key) return null;
  return cryptFrmPayload(key, frame.direction, frame.devAddr, fullFCnt(frame.fCnt, fCntHigh16), frame.frmPayload);
}
