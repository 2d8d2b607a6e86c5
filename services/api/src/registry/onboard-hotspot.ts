/**
 * Use case: a maker onboards a hotspot by its public key (Helium address) for an owner, as a full
 * proof-of-coverage hotspot or data-only. The gateway EUI its packet forwarder will report may be
 * given; otherwise one is derived from the key so every hotspot can forward packets.
 */
import { createHash } from 'node:crypto';
import { AppError } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { binaryKeyFromAddress } from '@cov/shared/helium/keys';
import { findHotspot, insertHotspot, type HotspotRow } from '@cov/shared/registry/hotspots-repository';

export interface OnboardHotspotInput {
  address: string;
  ownerAddress: string;
  capability: 'full' | 'data_only';
  gatewayEui?: string;
}

export function defaultGatewayEui(binaryKey: Uint8Array): string {
  return createHash('sha256').update(binaryKey).digest('hex').slice(0, 16).toUpperCase();
}

export async function onboardHotspot(deps: { db: Db; clock: Clock }, makerId: string, input: OnboardHotspotInput): Promise<HotspotRow> {
  const key = binaryKeyFromAddress(input.address);
  if (!key.ok) throw new AppError(key.error.code, `hotspot address: ${key.error.message}`, { field: 'address' });
  const owner = binaryKeyFromAddress(input.ownerAddress);
  if (!owner.ok) throw new AppError(owner.error.code, `owner address: ${owner.error.message}`, { field: 'ownerAddress' });

  const gatewayEui = (input.gatewayEui ?? defaultGatewayEui(key.value)).toUpperCase();
  const inserted = await insertHotspot(deps.db, {
    address: input.address,
    publicKey: key.value,
    ownerAddress: input.ownerAddress,
    makerId,
    capability: input.capability,
    gatewayEui,
    onboardedAt: new Date(deps.clock.nowMs()),
  });
  if (!inserted) {
    const existing = await findHotspot(deps.db, input.address);
    throw new AppError(
      'hotspots.already_onboarded',
      existing ? `hotspot ${input.address} is already onboarded` : `gateway EUI ${gatewayEui} already belongs to another hotspot`,
      { field: existing ? 'address' : 'gatewayEui' },
    );
  }
  const row = await findHotspot(deps.db, input.address);
  if (!row) throw new Error('hotspot vanished right after insert');
  return row;
}
