/**
 * The bytes an owner signs to assert a hotspot's location. Both the API (verifying) and the
 * simulator and wallets (signing) build them here, so they cannot disagree: RFC 8785 canonical
 * JSON of the fields below, tagged with a type so a signature for one kind of request can never be
 * replayed as another.
 *
 * Replays are stopped by `nonce`: each accepted assertion must carry a nonce greater than the
 * hotspot's last one (as Helium's assert_location transaction did), and `timestampMs` must be
 * close to server time so a captured request cannot be held back and used much later.
 */
import canonicalize from 'canonicalize';

export const LOCATION_ASSERTION_TYPE = 'assert_location_v1';

export interface LocationAssertionFields {
  hotspot: string;
  owner: string;
  lat: number;
  lng: number;
  gainDbiX10: number;
  elevationM: number;
  nonce: number;
  timestampMs: number;
}

export function locationAssertionBytes(fields: LocationAssertionFields): Uint8Array {
  const { hotspot, owner, lat, lng, gainDbiX10, elevationM, nonce, timestampMs } = fields;
  const text = canonicalize({ type: LOCATION_ASSERTION_TYPE, hotspot, owner, lat, lng, gainDbiX10, elevationM, nonce, timestampMs });
  if (text === undefined) throw new Error('location assertion is not serialisable');
  return new TextEncoder().encode(text);
}
