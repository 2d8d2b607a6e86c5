/**
 * An organisation's webhook signing secret as stored (webhook-signature.ts): read for the
 * messages and notices its endpoints are posted, and set, rotated or removed by the org. Every
 * change bumps the routing configuration version in the same transaction, so routers sign with
 * the new secret from their next reload, as they route with a changed route.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { orgs } from '../db/schema/routing';
import { bumpRoutingConfigVersion } from './routing-config';
import { newWebhookSecret, PREVIOUS_SECRET_GRACE_MS, secretsInForce, type Signing, type SigningSecrets } from './webhook-signature';

export interface SigningSecretState {
  createdAtMs: number;
  previousUntilMs: number | null;
}

/** The org's secrets (undefined: it signs nothing, or there is no such org). */
export async function orgSigningSecrets(db: Db, orgId: string): Promise<SigningSecrets | undefined> {
  const [row] = await db
    .select({ current: orgs.webhookSecret, previous: orgs.webhookSecretPrevious, previousUntilMs: orgs.webhookSecretPreviousUntilMs })
    .from(orgs)
    .where(eq(orgs.id, orgId));
  return row?.current ? { current: row.current, previous: row.previous, previousUntilMs: row.previousUntilMs } : undefined;
}

/** How the org's notices are signed now (no secrets: unsigned): what the API's posts to its URLs use. */
export async function orgSigningAt(db: Db, orgId: string, nowMs: number): Promise<Signing> {
  return { secrets: secretsInForce(await orgSigningSecrets(db, orgId), nowMs), nowMs };
}

/** What may be shown of the secret: when it was made and until when the previous one signs; undefined when unsigned. */
export async function signingSecretState(db: Db, orgId: string): Promise<SigningSecretState | undefined> {
  const [row] = await db
    .select({ current: orgs.webhookSecret, createdAtMs: orgs.webhookSecretCreatedAtMs, previousUntilMs: orgs.webhookSecretPreviousUntilMs })
    .from(orgs)
    .where(eq(orgs.id, orgId));
  return row?.current && row.createdAtMs !== null ? { createdAtMs: row.createdAtMs, previousUntilMs: row.previousUntilMs } : undefined;
}

/**
 * A new secret for the org, returned once: the first, or a rotation, after which the one it
 * replaces keeps signing for PREVIOUS_SECRET_GRACE_MS beside it (a rotation within that grace
 * drops the older one: only the last two are ever in force).
 */
export async function rotateSigningSecret(db: Db, orgId: string, nowMs: number): Promise<{ secret: string } & SigningSecretState> {
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ current: orgs.webhookSecret }).from(orgs).where(eq(orgs.id, orgId)).for('update');
    const previousUntilMs = before?.current ? nowMs + PREVIOUS_SECRET_GRACE_MS : null;
    await tx
      .update(orgs)
      .set({ webhookSecret: secret, webhookSecretCreatedAtMs: nowMs, webhookSecretPrevious: before?.current ?? null, webhookSecretPreviousUntilMs: previousUntilMs })
      .where(eq(orgs.id, orgId));
    await bumpRoutingConfigVersion(tx);
    return { secret, createdAtMs: nowMs, previousUntilMs };
  });
}

/** Stops signing at once (both secrets forgotten); true when the org had one. */
export async function removeSigningSecret(db: Db, orgId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const cleared = await tx
      .update(orgs)
      .set({ webhookSecret: null, webhookSecretCreatedAtMs: null, webhookSecretPrevious: null, webhookSecretPreviousUntilMs: null })
      .where(and(eq(orgs.id, orgId), isNotNull(orgs.webhookSecret)))
      .returning({ id: orgs.id });
    // Only a real change moves the version (every router reloads its whole table on a move).
    const had = cleared.length > 0;
    if (had) await bumpRoutingConfigVersion(tx);
    return had;
  });
}
