/**
 * Use case: the owner hands a hotspot to another owner with a request signed by the owner's key.
 * The hotspot keeps its key, location, history and earnings (they belong to the hotspot, as on
 * Helium, where a hotspot's unclaimed rewards go with it); from now on it is in the new owner's
 * fleet, alerts and earnings views, and only the new owner can assert its location or transfer it.
 *
 * Checks, cheapest first and each with its own error code: the new owner is another owner
 * (hotspots.same_owner), hotspot exists (hotspots.not_found), signer is the owner
 * (hotspots.not_owner), timestamp is fresh (auth.stale_request), signature (auth.bad_signature),
 * nonce beats the hotspot's last transfer (auth.replayed_nonce; checked again under a row lock, with
 * the owner, so two concurrent transfers cannot both pass).
 */
import { AppError } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { verify } from '@cov/shared/helium/keys';
import { hotspotTransferBytes, type HotspotTransferFields } from '@cov/shared/registry/hotspot-transfer';
import { findHotspot, findHotspotForUpdate, recordHotspotTransfer, type HotspotRow } from '@cov/shared/registry/hotspots-repository';

export interface TransferHotspotDeps {
  db: Db;
  clock: Clock;
  maxSkewMs: number;
}

function checkOwnerAndNonce(hotspot: HotspotRow | undefined, input: HotspotTransferFields): HotspotRow {
  if (!hotspot) throw new AppError('hotspots.not_found', `no hotspot ${input.hotspot}`);
  if (hotspot.ownerAddress !== input.owner) throw new AppError('hotspots.not_owner', `${input.owner} does not own hotspot ${input.hotspot}`);
  if (BigInt(input.nonce) <= hotspot.transferNonce) {
    throw new AppError('auth.replayed_nonce', `nonce ${input.nonce} must be greater than the last transfer nonce ${hotspot.transferNonce}`, {
      lastNonce: hotspot.transferNonce.toString(),
    });
  }
  return hotspot;
}

export async function transferHotspot(deps: TransferHotspotDeps, input: HotspotTransferFields, signature: Uint8Array): Promise<HotspotRow> {
  if (input.newOwner === input.owner) throw new AppError('hotspots.same_owner', `${input.owner} already owns hotspot ${input.hotspot}`);
  checkOwnerAndNonce(await findHotspot(deps.db, input.hotspot), input);
  const nowMs = deps.clock.nowMs();
  if (Math.abs(nowMs - input.timestampMs) > deps.maxSkewMs) {
    throw new AppError('auth.stale_request', `timestampMs is ${nowMs - input.timestampMs} ms from server time (limit ${deps.maxSkewMs})`, { serverTimeMs: nowMs });
  }
  if (!verify(hotspotTransferBytes(input), signature, input.owner)) {
    throw new AppError('auth.bad_signature', 'signature does not verify against the owner key over the canonical transfer bytes');
  }
  return deps.db.transaction(async (tx) => {
    checkOwnerAndNonce(await findHotspotForUpdate(tx, input.hotspot), input);
    await recordHotspotTransfer(tx, {
      hotspotAddress: input.hotspot,
      nonce: BigInt(input.nonce),
      fromOwner: input.owner,
      toOwner: input.newOwner,
      signature,
      transferredAt: new Date(nowMs),
    });
    const updated = await findHotspot(tx, input.hotspot);
    if (!updated) throw new Error('hotspot vanished inside its own transaction');
    return updated;
  });
}
