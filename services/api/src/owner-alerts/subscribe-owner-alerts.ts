/**
 * Use case: an owner subscribes a URL to its hotspots' status changes, or unsubscribes, with a
 * request signed by its key. Checks, cheapest first, each with its own code: the owner has
 * hotspots (owners.no_hotspots: nobody else's key can make the API post anywhere), the timestamp
 * is fresh (auth.stale_request), the signature verifies (auth.bad_signature), the nonce beats the
 * last accepted one (auth.replayed_nonce, decided in the same statement that writes).
 */
import { AppError } from '@cov/shared/errors';
import { requirePublicNoticeUrl } from '../alerts/notice-delivery';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { verify } from '@cov/shared/helium/keys';
import { listHotspotsByOwner } from '@cov/shared/registry/hotspots-repository';
import { ownerAlertsRemoveBytes, ownerAlertsSetBytes, type OwnerAlertsRemoveFields, type OwnerAlertsSetFields } from '@cov/shared/registry/owner-alert-request';
import type postgres from 'postgres';
import { latestPaidEpoch } from '@cov/shared/earnings/epoch-totals';
import { newWebhookSecret } from '@cov/shared/routing/webhook-signature';
import { findOwnerAlert, forgetToldStatuses, writeOwnerAlert, type OwnerAlertRow } from './owner-alerts-repository';

export interface OwnerAlertsDeps {
  db: Db;
  sql: postgres.ISql;
  clock: Clock;
  maxSkewMs: number;
  allowPrivateAddresses: boolean;
}

async function checkSigned(deps: OwnerAlertsDeps, owner: string, timestampMs: number, bytes: Uint8Array, signature: Uint8Array): Promise<void> {
  if ((await listHotspotsByOwner(deps.db, owner, undefined, 1)).length === 0) throw new AppError('owners.no_hotspots', `${owner} owns no hotspot`);
  const nowMs = deps.clock.nowMs();
  if (Math.abs(nowMs - timestampMs) > deps.maxSkewMs) {
    throw new AppError('auth.stale_request', `timestampMs is ${nowMs - timestampMs} ms from server time (limit ${deps.maxSkewMs})`, { serverTimeMs: nowMs });
  }
  if (!verify(bytes, signature, owner)) throw new AppError('auth.bad_signature', 'signature does not verify against the owner key over the canonical request bytes');
}

async function written(deps: OwnerAlertsDeps, owner: string, nonce: number, row: OwnerAlertRow | undefined): Promise<OwnerAlertRow> {
  if (row) return row;
  const last = await findOwnerAlert(deps.db, owner);
  throw new AppError('auth.replayed_nonce', `nonce ${nonce} must be greater than the last accepted nonce ${last?.nonce ?? 0}`, { lastNonce: String(last?.nonce ?? 0) });
}

/** The subscription as written, and its signing secret when this request made it (shown once: undefined afterwards). */
export async function subscribeOwnerAlerts(deps: OwnerAlertsDeps, fields: OwnerAlertsSetFields, signature: Uint8Array): Promise<{ row: OwnerAlertRow; newSigningSecret: string | undefined }> {
  requirePublicNoticeUrl(fields.url, deps.allowPrivateAddresses);
  const secret = newWebhookSecret();
  await checkSigned(deps, fields.owner, fields.timestampMs, ownerAlertsSetBytes(fields), signature);
  const row = await writeOwnerAlert(deps.db, {
    owner: fields.owner,
    active: true,
    url: fields.url,
    authHeader: fields.authHeader,
    newSigningSecret: secret,
    epochRewards: fields.epochRewards ?? false,
    latestPaidEpoch: await latestPaidEpoch(deps.sql),
    nonce: fields.nonce,
    nowMs: deps.clock.nowMs(),
  });
  const stored = await written(deps, fields.owner, fields.nonce, row);
  return { row: stored, newSigningSecret: stored.signingSecret === secret ? secret : undefined };
}

export async function unsubscribeOwnerAlerts(deps: OwnerAlertsDeps, fields: OwnerAlertsRemoveFields, signature: Uint8Array): Promise<void> {
  await checkSigned(deps, fields.owner, fields.timestampMs, ownerAlertsRemoveBytes(fields), signature);
  const current = await findOwnerAlert(deps.db, fields.owner);
  if (!current?.active) throw new AppError('owner_alerts.not_set', `${fields.owner} has no hotspot status alert`);
  const row = await writeOwnerAlert(deps.db, {
    owner: fields.owner,
    active: false,
    url: current.url,
    authHeader: null,
    newSigningSecret: null,
    epochRewards: false,
    latestPaidEpoch: null,
    nonce: fields.nonce,
    nowMs: deps.clock.nowMs(),
  });
  await written(deps, fields.owner, fields.nonce, row);
  // A later subscription starts from what it first sees, not from what was told before this one ended.
  await forgetToldStatuses(deps.sql, fields.owner);
}
