/**
 * Organisation API keys as both the API and the router check them (the router takes downlinks on
 * its own HTTP routes). Keys are stored only as the SHA-256 hex of the key, the same hash the API's
 * other keys use (services/api/src/auth/api-keys.ts); a test there keeps the two in step.
 */
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { orgApiKeys } from '../db/schema/routing';

export type OrgKeyScope = 'read' | 'write';

export interface OrgKeyHolder {
  orgId: string;
  keyId: string;
  scope: OrgKeyScope;
}

export function orgApiKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The org and scope of a live (not revoked) key, or undefined. */
export async function findOrgKeyHolder(db: Pick<Db, 'select'>, presentedKey: string): Promise<OrgKeyHolder | undefined> {
  const [row] = await db
    .select({ orgId: orgApiKeys.orgId, keyId: orgApiKeys.id, scope: orgApiKeys.scope })
    .from(orgApiKeys)
    .where(and(eq(orgApiKeys.keyHash, orgApiKeyHash(presentedKey)), isNull(orgApiKeys.revokedAt)))
    .limit(1);
  return row;
}
