/**
 * The bytes an owner signs to hand a hotspot to another owner (a sale, a gift, a wallet change).
 * Built here for the API (verifying) and for wallets and tests (signing), as the location
 * assertion's are: RFC 8785 canonical JSON tagged with its own type, so no other signed request can
 * be replayed as a transfer.
 *
 * Only the current owner signs (as Helium's transfer_hotspot_v2). Replays are stopped by `nonce`,
 * which must exceed the hotspot's last transfer nonce: a transfer A -> B captured and sent again
 * after B handed the hotspot back to A is refused. `timestampMs` must be close to server time.
 */
import canonicalize from 'canonicalize';

export const HOTSPOT_TRANSFER_TYPE = 'transfer_hotspot_v1';

export interface HotspotTransferFields {
  hotspot: string;
  owner: string;
  newOwner: string;
  nonce: number;
  timestampMs: number;
}

export function hotspotTransferBytes(fields: HotspotTransferFields): Uint8Array {
  const { hotspot, owner, newOwner, nonce, timestampMs } = fields;
  const text = canonicalize({ type: HOTSPOT_TRANSFER_TYPE, hotspot, owner, newOwner, nonce, timestampMs });
  if (text === undefined) throw new Error('hotspot transfer is not serialisable');
  return new TextEncoder().encode(text);
}
