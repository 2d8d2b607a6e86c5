/**
 * Use cases: an admin adds a key or an edge to the denylist, or removes an entry. Each change is
 * one transaction that creates a new version, so every verdict can name the exact list it was
 * checked against and any past version can be listed again.
 */
import { AppError } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { isValidAddress } from '@cov/shared/helium/keys';
import {
  findActiveEntry,
  findEntry,
  insertDenylistEntry,
  insertDenylistVersion,
  lockDenylist,
  markEntryRemoved,
  type DenylistEntryRow,
} from './denylist-repository';

export interface DenylistDeps {
  db: Db;
  clock: Clock;
}

export interface AddEntryInput {
  kind: 'key' | 'edge';
  address: string;
  otherAddress?: string;
  reason: string;
  note?: string;
}

/** Validates the addresses and puts an edge's two ends in sorted order. */
export function normaliseEntry(input: AddEntryInput): { address: string; otherAddress: string | null } {
  if (!isValidAddress(input.address)) throw new AppError('keys.invalid_address', 'address is not a valid Helium ed25519 address', { field: 'address' });
  if (input.kind === 'key') {
    if (input.otherAddress !== undefined) throw new AppError('request.invalid', 'a key entry has no otherAddress', { field: 'otherAddress' });
    return { address: input.address, otherAddress: null };
  }
  if (input.otherAddress === undefined) throw new AppError('request.invalid', 'an edge entry needs otherAddress', { field: 'otherAddress' });
  if (!isValidAddress(input.otherAddress)) throw new AppError('keys.invalid_address', 'otherAddress is not a valid Helium ed25519 address', { field: 'otherAddress' });
  if (input.otherAddress === input.address) throw new AppError('request.invalid', 'an edge joins two different hotspots', { field: 'otherAddress' });
  return input.address < input.otherAddress
    ? { address: input.address, otherAddress: input.otherAddress }
    : { address: input.otherAddress, otherAddress: input.address };
}

export async function addDenylistEntry(deps: DenylistDeps, input: AddEntryInput): Promise<{ version: number; entry: DenylistEntryRow }> {
  const { address, otherAddress } = normaliseEntry(input);
  return deps.db.transaction(async (tx) => {
    await lockDenylist(tx);
    const existing = await findActiveEntry(tx, input.kind, address, otherAddress);
    if (existing) throw new AppError('denylist.already_listed', `already on the denylist as entry ${existing.id}`, { entryId: existing.id });
    const version = await insertDenylistVersion(tx, deps.clock.nowMs(), input.note ?? `add ${input.kind} ${address}${otherAddress ? ` ${otherAddress}` : ''}`);
    const entry = await insertDenylistEntry(tx, { kind: input.kind, address, otherAddress, reason: input.reason, addedInVersion: version.version });
    return { version: version.version, entry };
  });
}

export async function removeDenylistEntry(deps: DenylistDeps, id: number, note?: string): Promise<{ version: number; entry: DenylistEntryRow }> {
  return deps.db.transaction(async (tx) => {
    await lockDenylist(tx);
    const entry = await findEntry(tx, id);
    if (!entry || entry.removedInVersion !== null) throw new AppError('denylist.entry_not_found', `no active denylist entry ${id}`, { entryId: id });
    const version = await insertDenylistVersion(tx, deps.clock.nowMs(), note ?? `remove entry ${id}`);
    return { version: version.version, entry: await markEntryRemoved(tx, id, version.version) };
  });
}
