/**
 * An organisation's webhook signing secret (shared/routing/webhook-signature.ts): with one, every
 * message its HTTP routes are posted, every route test and every low-balance notice carries an
 * `x-cov-signature` its endpoints can check. POST makes or rotates it and is the only answer that
 * shows it; after a rotation the previous one signs beside it for a day. DELETE stops signing.
 */
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { removeSigningSecret, rotateSigningSecret, signingSecretState } from '@cov/shared/routing/org-signing-secrets';
import { DEFAULT_SIGNATURE_TOLERANCE_S, PREVIOUS_SECRET_GRACE_MS, WEBHOOK_SIGNATURE_HEADER } from '@cov/shared/routing/webhook-signature';
import { requireOrg } from './create-org';
import { authorizeOrg } from './org-access';
import type { OrgsDeps } from './orgs-deps';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const security = [{ apiKey: [] }];
const OrgParams = Type.Object({ orgId: Type.String({ format: 'uuid' }) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const HOW = `Each message is signed over its exact body: header \`${WEBHOOK_SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>\`. A receiver recomputes the HMAC with its secret, compares it in constant time with each v1 (two during the ${PREVIOUS_SECRET_GRACE_MS / 3_600_000} h after a rotation: the new secret's and the previous one's), and refuses a t more than ${DEFAULT_SIGNATURE_TOLERANCE_S} s from its clock.`;

const SecretState = Type.Object({
  signed: Type.Boolean({ description: 'Messages to the organisation\'s endpoints carry a signature.' }),
  createdAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the current secret was made.' }),
  previousValidUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Until when the secret it replaced still signs beside it; null when none does.' }),
  header: Type.Literal(WEBHOOK_SIGNATURE_HEADER),
});

export async function registerWebhookSecretRoutes(app: HttpServer, deps: OrgsDeps): Promise<void> {
  app.get(
    '/v1/orgs/:orgId/webhook-secret',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Whether the organisation signs its webhooks, since when, and until when the previous secret signs too (the secret is never shown again)',
        description: HOW,
        security,
        params: OrgParams,
        response: { 200: SecretState, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await authorizeOrg(request, deps, request.params.orgId, 'read');
      await requireOrg(deps.db, request.params.orgId);
      const state = await signingSecretState(deps.db, request.params.orgId);
      return { signed: state !== undefined, createdAt: iso(state?.createdAtMs ?? null), previousValidUntil: iso(activeUntil(state?.previousUntilMs ?? null, deps.clock.nowMs())), header: WEBHOOK_SIGNATURE_HEADER };
    },
  );

  app.post(
    '/v1/orgs/:orgId/webhook-secret',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Make the webhook signing secret, or rotate it (write scope); the answer is the only time it is shown',
        description: `${HOW} Routers sign with a new secret from their next routing reload (seconds); a route test and low-balance notices use it at once.`,
        security,
        params: OrgParams,
        response: { 201: Type.Object({ secret: Type.String({ description: 'Keep it where the endpoints can read it: it is not shown again.' }), ...SecretState.properties }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await authorizeOrg(request, deps, request.params.orgId, 'write');
      await requireOrg(deps.db, request.params.orgId);
      const made = await rotateSigningSecret(deps.db, request.params.orgId, deps.clock.nowMs());
      return reply.status(201).send({ secret: made.secret, signed: true, createdAt: iso(made.createdAtMs), previousValidUntil: iso(made.previousUntilMs), header: WEBHOOK_SIGNATURE_HEADER });
    },
  );

  app.delete(
    '/v1/orgs/:orgId/webhook-secret',
    {
      schema: {
        tags: ['device makers'],
        summary: 'Stop signing webhooks (write scope): both secrets are forgotten at once',
        security,
        params: OrgParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await authorizeOrg(request, deps, request.params.orgId, 'write');
      await requireOrg(deps.db, request.params.orgId);
      if (!(await removeSigningSecret(deps.db, request.params.orgId))) throw new AppError('webhook_secret.not_set', 'this organisation does not sign its webhooks');
      return reply.status(204).send(null);
    },
  );
}

/** A past grace is no grace: shown as null once over. */
const activeUntil = (untilMs: number | null, nowMs: number) => (untilMs !== null && untilMs > nowMs ? untilMs : null);
