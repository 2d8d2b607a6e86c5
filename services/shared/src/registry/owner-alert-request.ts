/**
 * The bytes an owner signs to subscribe a URL to its hotspots' status changes, or to unsubscribe:
 * RFC 8785 canonical JSON of the fields, tagged with a type so that a signature for one request
 * can never be taken for another (nor for a location assertion). As with location assertions,
 * `nonce` must beat the owner's last accepted one and `timestampMs` be close to server time.
 */
import canonicalize from 'canonicalize';

export const OWNER_ALERTS_SET_TYPE = 'owner_alerts_set_v1';
export const OWNER_ALERTS_REMOVE_TYPE = 'owner_alerts_remove_v1';

export interface OwnerAlertsSetFields {
  owner: string;
  url: string;
  /** Sent as the Authorization header of each notice; null for none. */
  authHeader: string | null;
  /**
   * Also be told what each paid epoch paid the owner's hotspots. Signed only when given, so a
   * request from before the field existed keeps its bytes (and its signature).
   */
  epochRewards?: boolean | undefined;
  nonce: number;
  timestampMs: number;
}

export interface OwnerAlertsRemoveFields {
  owner: string;
  nonce: number;
  timestampMs: number;
}

function bytesOf(value: Record<string, unknown>): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('owner alert request is not serialisable');
  return new TextEncoder().encode(text);
}

export function ownerAlertsSetBytes(f: OwnerAlertsSetFields): Uint8Array {
  return bytesOf({
    type: OWNER_ALERTS_SET_TYPE,
    owner: f.owner,
    url: f.url,
    authHeader: f.authHeader,
    ...(f.epochRewards === undefined ? {} : { epochRewards: f.epochRewards }),
    nonce: f.nonce,
    timestampMs: f.timestampMs,
  });
}

export function ownerAlertsRemoveBytes(f: OwnerAlertsRemoveFields): Uint8Array {
  return bytesOf({ type: OWNER_ALERTS_REMOVE_TYPE, owner: f.owner, nonce: f.nonce, timestampMs: f.timestampMs });
}
