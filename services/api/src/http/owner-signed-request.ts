/**
 * What every owner-signed request carries besides its own fields (location assertions, transfers,
 * alert subscriptions): a nonce that must beat the last accepted one, a timestamp close to server
 * time, and the ed25519 signature over the request's canonical bytes (`@cov/shared/registry`).
 */
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';
import { fromBase64 } from '@cov/shared/helium/bytes';

export const OwnerSignedFields = {
  nonce: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  timestampMs: Type.Integer({ minimum: 0 }),
  signature: Type.String({ maxLength: 200, description: 'base64 ed25519 signature (64 bytes) by the owner key' }),
};

/** The signature's bytes; anything but 64 bytes of base64 is auth.bad_signature. */
export function ownerSignature(base64: string): Uint8Array {
  const signature = fromBase64(base64);
  if (!signature || signature.length !== 64) throw new AppError('auth.bad_signature', 'signature must be 64 bytes, base64 encoded', { field: 'signature' });
  return signature;
}
