/**
 * Use cases around an organisation itself: an admin creates it (with its first write key and a
 * first DevAddr block), allocates more DevAddrs and credits DC; the org issues and revokes its
 * own keys. Every key is shown once and stored as a hash.
 */
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import { generateApiKey } from '../auth/api-keys';
import { firstFreeBlock, isValidBlockSize, netIdAddrRange } from './devaddr-allocation';
import type { OrgsDeps } from './orgs-deps';
import {
  creditDc,
  findCreditByIdempotencyKey,
  findOrg,
  insertDevaddrBlock,
  insertOrg,
  insertOrgApiKey,
  lockAndListNetIdBlocks,
  lockOrg,
  revokeOrgApiKey,
  type DcCreditKind,
  type DcLedgerRow,
  type DevaddrBlockRow,
  type OrgApiKeyRow,
  type OrgRow,
} from './orgs-repository';

export async function requireOrg(db: Db, orgId: string): Promise<OrgRow> {
  const org = await findOrg(db, orgId);
  if (!org) throw new AppError('orgs.not_found', `no organisation ${orgId}`);
  return org;
}

async function allocateIn(tx: Db, deps: OrgsDeps, orgId: string, count: number): Promise<DevaddrBlockRow> {
  if (!isValidBlockSize(count)) throw new AppError('devaddr.invalid_count', `DevAddr blocks hold an even number of addresses, at least 8 (got ${count})`, { field: 'devAddrCount' });
  const netId = deps.netId.toUpperCase();
  const range = netIdAddrRange(netId);
  if (!range) throw new Error(`NET_ID ${deps.netId} is not 6 hex characters`);
  const taken = await lockAndListNetIdBlocks(tx, netId);
  const block = firstFreeBlock(range, taken.map((b) => ({ start: b.startAddr, end: b.endAddr })), count);
  if (!block) throw new AppError('devaddr.exhausted', `NetID ${netId} has no free block of ${count} DevAddrs left`, { netId, count });
  return insertDevaddrBlock(tx, { orgId, netId, startAddr: block.start, endAddr: block.end, allocatedAt: new Date(deps.clock.nowMs()) });
}

export async function createOrg(deps: OrgsDeps, input: { name: string; devAddrCount: number }): Promise<{ org: OrgRow; apiKey: string; block: DevaddrBlockRow }> {
  if (!isValidBlockSize(input.devAddrCount)) {
    throw new AppError('devaddr.invalid_count', `DevAddr blocks hold an even number of addresses, at least 8 (got ${input.devAddrCount})`, { field: 'devAddrCount' });
  }
  const now = new Date(deps.clock.nowMs());
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const org = await insertOrg(tx, input.name, deps.netId.toUpperCase(), now);
    if (!org) throw new AppError('orgs.already_exists', `an organisation named "${input.name}" already exists`);
    const { key, hash, prefix } = generateApiKey('org');
    await insertOrgApiKey(tx, { orgId: org.id, keyHash: hash, keyPrefix: prefix, scope: 'write', createdAt: now });
    const block = await allocateIn(tx, deps, org.id, input.devAddrCount);
    return { org, apiKey: key, block };
  });
}

export async function allocateDevaddrBlock(deps: OrgsDeps, orgId: string, count: number): Promise<DevaddrBlockRow> {
  await requireOrg(deps.db, orgId);
  return deps.db.transaction(async (tx) => allocateIn(tx as unknown as Db, deps, orgId, count));
}

export async function issueOrgApiKey(deps: OrgsDeps, orgId: string, input: { scope: 'read' | 'write'; name: string }): Promise<{ apiKey: string; row: OrgApiKeyRow }> {
  await requireOrg(deps.db, orgId);
  const { key, hash, prefix } = generateApiKey('org');
  const row = await insertOrgApiKey(deps.db, { orgId, keyHash: hash, keyPrefix: prefix, name: input.name, scope: input.scope, createdAt: new Date(deps.clock.nowMs()) });
  return { apiKey: key, row };
}

export async function revokeKey(deps: OrgsDeps, orgId: string, keyId: string): Promise<void> {
  if (!(await revokeOrgApiKey(deps.db, orgId, keyId, new Date(deps.clock.nowMs())))) {
    throw new AppError('orgs.api_key_not_found', `organisation ${orgId} has no live API key ${keyId}`);
  }
}

export interface DcCreditInput {
  kind: DcCreditKind;
  amountDc: number;
  memo: string;
}

/**
 * Purchases and top-ups add DC. A correction, for the admin's mistakes (a credit to the wrong org,
 * a doubled payment) or goodwill (DC back for packets an endpoint never got), may be negative but
 * not zero, and must say why: the ledger stays append-only, so a mistake is undone by a second row
 * that anyone reading the ledger can see, never by editing the first.
 */
export function checkCredit(input: DcCreditInput): void {
  const bad = (message: string, field: string) => new AppError('request.invalid', message, { field });
  if (input.kind === 'correction') {
    if (input.amountDc === 0) throw bad('a correction must change the balance (amountDc not 0)', 'body/amountDc');
    if (input.memo.trim() === '') throw bad('a correction must say why (memo)', 'body/memo');
  } else if (input.amountDc < 1) {
    throw bad(`a ${input.kind} adds DC (amountDc at least 1); take DC back with kind "correction"`, 'body/amountDc');
  }
}

/**
 * Credits DC once per idempotency key: a retried request (the admin's payment webhook timing out,
 * say) gets the ledger row the first one wrote instead of crediting again, and a key reused for a
 * different credit is refused. Without a key every call credits.
 */
export async function creditOrg(deps: OrgsDeps, orgId: string, input: DcCreditInput, idempotencyKey?: string): Promise<{ entry: DcLedgerRow; replayed: boolean }> {
  checkCredit(input);
  return deps.db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    if (!(await lockOrg(tx, orgId))) throw new AppError('orgs.not_found', `no organisation ${orgId}`);
    if (idempotencyKey !== undefined) {
      const earlier = await findCreditByIdempotencyKey(tx, orgId, idempotencyKey);
      if (earlier) {
        if (!isSameCredit(earlier, input)) {
          throw new AppError('dc.idempotency_key_reused', `Idempotency-Key ${idempotencyKey} was used for a different credit to this organisation`, {
            ledgerId: earlier.id,
            kind: earlier.kind,
            amountDc: earlier.amountDc,
            memo: earlier.memo,
          });
        }
        return { entry: earlier, replayed: true };
      }
    }
    const entry = await creditDc(tx, { orgId, ...input, createdAtMs: deps.clock.nowMs(), idempotencyKey });
    if (!entry) {
      // The org row is locked and exists: only a correction larger than the balance leaves no row.
      const balanceDc = (await findOrg(tx, orgId))?.dcBalance ?? 0;
      throw new AppError('dc.correction_exceeds_balance', `the correction takes ${-input.amountDc} DC, the balance is ${balanceDc}`, { balanceDc });
    }
    return { entry, replayed: false };
  });
}

const isSameCredit = (row: DcLedgerRow, input: DcCreditInput): boolean => row.kind === input.kind && row.amountDc === input.amountDc && row.memo === input.memo;
