// Checks of address parameters shared by every route that takes a hotspot or owner address.
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import { isValidAddress } from '@cov/shared/helium/keys';
import { hotspotExists } from '@cov/shared/registry/hotspots-repository';

/** 400 keys.invalid_address unless it is a Helium ed25519 address. */
export function requireValidAddress(address: string, field = 'address'): void {
  if (!isValidAddress(address)) throw new AppError('keys.invalid_address', `${field} is not a valid Helium ed25519 address`, { field });
}

/** A valid address of an onboarded hotspot, else 400 keys.invalid_address or 404 hotspots.not_found. */
export async function requireKnownHotspot(db: Db, address: string): Promise<void> {
  requireValidAddress(address);
  if (!(await hotspotExists(db, address))) throw new AppError('hotspots.not_found', `no hotspot ${address}`);
}
