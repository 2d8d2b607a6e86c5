/**
 * Owners' hotspot status alerts: PUT subscribes a URL (signed by the owner), DELETE unsubscribes
 * (signed), GET shows the subscription and the status last told of each hotspot. GET is public
 * like the rest of an owner's data, so it shows the URL's origin only (a path or query often holds
 * a secret) and never the Authorization header.
 */
import { Type } from 'typebox';
import { WEBHOOK_SIGNATURE_HEADER } from '@cov/shared/routing/webhook-signature';
import { AppError } from '@cov/shared/errors';
import { OwnerSignedFields, ownerSignature } from '../http/owner-signed-request';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { requireValidAddress } from '../http/address-params';
import { AuthHeaderValue } from '../http/outbound-request';
import { findOwnerAlert, knownStatuses, type OwnerAlertRow } from './owner-alerts-repository';
import { subscribeOwnerAlerts, unsubscribeOwnerAlerts, type OwnerAlertsDeps } from './subscribe-owner-alerts';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const OwnerParam = Type.Object({ owner: Type.String({ maxLength: 128 }) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const OwnerAlertView = Type.Object({
  owner: Type.String(),
  urlOrigin: Type.String({ description: 'Scheme, host and port of the URL notices go to (the rest is not shown).' }),
  authHeaderSet: Type.Boolean(),
  lastSentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'What the last failed post got (status_500, timeout, ECONNREFUSED, ...); null after a success.' }),
  updatedAt: Type.String({ format: 'date-time' }),
  signed: Type.Boolean({ description: 'Notices carry a signature (x-cov-signature) made with the secret the subscribing answer showed; false only for a subscription from before notices were signed, until it is set again.' }),
  epochRewards: Type.Boolean({ description: 'Also told what each paid epoch paid the hotspots (an epoch_rewards notice per paid epoch).' }),
  rewardsEpochTold: Type.Union([Type.Integer(), Type.Null()], {
    description: 'With epochRewards: the latest epoch told, or already paid when the owner opted in (no backlog is sent); later epochs are told one per check, oldest first. null: none yet, or not opted in.',
  }),
  hotspots: Type.Array(
    Type.Object({
      address: Type.String(),
      online: Type.Boolean(),
      since: Type.String({ format: 'date-time', description: 'When this online status was first seen or told.' }),
      pocFailing: Type.Union([Type.Boolean(), Type.Null()], {
        description: 'Every beacon and witness report of the last four beacon intervals rejected (true), some passing (false), as last told or first seen; null until judged (fewer than 3 reports, or a data-only hotspot).',
      }),
      transmitScale: Type.Union([Type.Number(), Type.Null()], {
        description: 'Its transmit scale as last told or first seen while interactive (a notice tells when it moves from it); null until it was seen interactive.',
      }),
    }),
    {
      description: 'The status last told (or first seen) of each hotspot, once the API has checked it.',
    },
  ),
});

export async function registerOwnerAlertRoutes(app: HttpServer, deps: OwnerAlertsDeps): Promise<void> {
  /** The subscription as GET shows it; `written` is the row a PUT just wrote (not read again). */
  async function view(owner: string, written?: OwnerAlertRow) {
    const row = written ?? (await findOwnerAlert(deps.db, owner));
    if (!row?.active) throw new AppError('owner_alerts.not_set', `${owner} has no hotspot status alert`);
    const told = await knownStatuses(deps.sql, owner);
    return {
      owner,
      urlOrigin: new URL(row.url).origin,
      authHeaderSet: row.authHeader !== null,
      lastSentAt: iso(row.lastSentAtMs),
      lastError: row.lastError,
      updatedAt: new Date(row.updatedAtMs).toISOString(),
      signed: row.signingSecret !== null,
      epochRewards: row.epochRewards,
      rewardsEpochTold: row.epochRewards ? row.rewardsEpochTold : null,
      hotspots: [...told.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([address, s]) => ({
        address,
        online: s.online,
        since: new Date(s.changedAtMs).toISOString(),
        pocFailing: s.pocFailing,
        transmitScale: s.scaleE4 === null ? null : s.scaleE4 / 10_000,
      })),
    };
  }

  app.put(
    '/v1/owners/:owner/alerts',
    {
      schema: {
        tags: ['hotspots'],
        summary: "Be told when the owner's hotspots go offline or come back, or start having every PoC report rejected, and optionally what each epoch paid them (signed by the owner)",
        description:
          'The owner signs the RFC 8785 canonical JSON of {type:"owner_alerts_set_v1", owner, url, authHeader (or null), nonce, timestampMs} with its ed25519 key; nonce must exceed the last accepted one (of this subscription, kept after an unsubscribe), timestampMs be within the published skew of server time, and the owner must own a hotspot. The API then checks the hotspots every minute by default and posts {type:"hotspot_status", owner, changes:[{hotspot, name, online, lastSeenAt}], pocChanges:[{hotspot, name, failing, reason, invalidReports}], at} to url when some went offline (no beacon, witness or carried packet within two beacon intervals) or came back, or when a hotspot that takes part in proof-of-coverage has had every beacon and witness report of the last four beacon intervals rejected (at least 3; `reason`: the most frequent rejection, such as witness_too_close for a wrong asserted location) or has one pass again, with authHeader as its Authorization header. With epochRewards: true (signed as part of the JSON, in its canonical place; left out of the JSON when not sent) it also posts, once per epoch paid after the subscription, {type:"epoch_rewards", owner, epoch, start, end, totalAmount, paidHotspots, hotspots:[{hotspot, name, beaconAmount, witnessAmount, dataAmount, totalAmount, standing}], network:{paidHotspots, mean, median, p90}, at}: every hotspot of the owner, best paid first, those paid nothing with 0. A failed post is retried at the next check.',
        params: OwnerParam,
        body: Type.Object(
          {
            url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
            authHeader: Type.Optional(AuthHeaderValue),
            epochRewards: Type.Optional(Type.Boolean({ description: 'Also post what each paid epoch paid the hotspots (default false).' })),
            ...OwnerSignedFields,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            ...OwnerAlertView.properties,
            signingSecret: Type.Union([Type.String(), Type.Null()], {
              description: `The secret that signs every notice (${WEBHOOK_SIGNATURE_HEADER}: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>), shown only in the answer that made it: when a subscription starts, and again after an unsubscribe. null when the subscription already had one.`,
            }),
          }),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    async (request) => {
      requireValidAddress(request.params.owner, 'owner');
      const { url, authHeader, epochRewards, nonce, timestampMs, signature } = request.body;
      const { row, newSigningSecret } = await subscribeOwnerAlerts(deps, { owner: request.params.owner, url, authHeader: authHeader ?? null, epochRewards, nonce, timestampMs }, ownerSignature(signature));
      return { ...(await view(request.params.owner, row)), signingSecret: newSigningSecret ?? null };
    },
  );

  app.get(
    '/v1/owners/:owner/alerts',
    {
      schema: { tags: ['hotspots'], summary: "The owner's hotspot status alert and the status last told of each hotspot", params: OwnerParam, response: { 200: OwnerAlertView, ...errors(400, 404) } },
    },
    async (request) => {
      requireValidAddress(request.params.owner, 'owner');
      return view(request.params.owner);
    },
  );

  app.delete(
    '/v1/owners/:owner/alerts',
    {
      schema: {
        tags: ['hotspots'],
        summary: 'Stop the hotspot status alert (signed by the owner)',
        description: 'Signed like the subscription, over {type:"owner_alerts_remove_v1", owner, nonce, timestampMs}.',
        params: OwnerParam,
        body: Type.Object({ ...OwnerSignedFields }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      requireValidAddress(request.params.owner, 'owner');
      const { nonce, timestampMs, signature } = request.body;
      await unsubscribeOwnerAlerts(deps, { owner: request.params.owner, nonce, timestampMs }, ownerSignature(signature));
      return reply.status(204).send(null);
    },
  );
}
