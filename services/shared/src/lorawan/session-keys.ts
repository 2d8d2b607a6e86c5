/**
 * LoRaWAN 1.0.x OTAA session keys: each is one AES block under AppKey of
 * `tag | JoinNonce(LE,3) | NetID(LE,3) | DevNonce(LE,2) | zero padding`, tag 0x01 for NwkSKey and
 * 0x02 for AppSKey.
 */
import { ok, type Result } from '../errors';
import { concatBytes, displayHexToWire, writeUintLE } from './bytes';
import { aesEncrypt } from './crypto';
import { malformed } from './malformed';
import type { SessionKeys } from './types';

export interface SessionKeyInputs {
  /** JoinNonce / AppNonce from the join-accept (24 bits). */
  joinNonce: number;
  /** NetID, 6 hex characters in display order. */
  netId: string;
  /** DevNonce from the join-request (16 bits). */
  devNonce: number;
}

export function deriveSessionKeys10(appKey: Uint8Array, inputs: SessionKeyInputs): Result<SessionKeys> {
  const netId = displayHexToWire(inputs.netId, 3);
  if (!netId) return malformed('bad_field', `NetID must be 6 hex characters, got "${inputs.netId}"`, { field: 'netId' });
  if (!Number.isInteger(inputs.joinNonce) || inputs.joinNonce < 0 || inputs.joinNonce > 0xffffff) {
    return malformed('bad_field', `JoinNonce must be 0..16777215, got ${inputs.joinNonce}`, { field: 'joinNonce' });
  }
  if (!Number.isInteger(inputs.devNonce) || inputs.devNonce < 0 || inputs.devNonce > 0xffff) {
    return malformed('bad_field', `DevNonce must be 0..65535, got ${inputs.devNonce}`, { field: 'devNonce' });
  }
  const block = (tag: number): Uint8Array =>
    concatBytes(Uint8Array.of(tag), writeUintLE(inputs.joinNonce, 3), netId, writeUintLE(inputs.devNonce, 2), new Uint8Array(7));
  return ok({ nwkSKey: aesEncrypt(appKey, block(0x01)), appSKey: aesEncrypt(appKey, block(0x02)) });
}
