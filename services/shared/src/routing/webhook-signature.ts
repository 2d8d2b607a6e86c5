/**
 * Signed webhooks: what an organisation's endpoints are posted (packet messages, route tests,
 * low-balance alerts) carries, once the organisation has a signing secret, the header
 *
 *     x-cov-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 *
 * over the exact bytes of the body, the way Stripe and GitHub sign theirs. An endpoint that checks
 * it knows a message came from this network and was not changed or replayed later (a timestamp
 * older than its tolerance is refused); the `authHeader` a route may also carry is a password the
 * endpoint's operator chose, sent as it is. For a day after the secret is rotated a second `v1`
 * signed with the previous secret is sent too, so receivers can switch over without losing messages.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'x-cov-signature' as const;
/** How long the previous secret keeps signing after a rotation. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;
/** What a receiver should accept between the signature's time and its own clock. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

/** A new secret: 32 random bytes, base64url, with a prefix that says what it is when it leaks into a log. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** An organisation's secrets as stored: the current one, and the previous one until its grace ends. */
export interface SigningSecrets {
  current: string;
  previous: string | null;
  previousUntilMs: number | null;
}

/** What a message is signed with: the secrets in force, and the time the signature carries. */
export interface Signing {
  secrets: readonly string[];
  nowMs: number;
}

/** The secrets that sign now: the current one first, then the previous one while its grace lasts. */
export function secretsInForce(s: SigningSecrets | undefined, nowMs: number): string[] {
  if (!s) return [];
  return s.previous !== null && s.previousUntilMs !== null && nowMs < s.previousUntilMs ? [s.current, s.previous] : [s.current];
}

const hmacHex = (secret: string, timestampS: number, body: Buffer | string) => createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest('hex');

/** The header's value for this body, signed with each secret; undefined when there is none. */
export function webhookSignature(body: Buffer | string, secrets: readonly string[], nowMs: number): string | undefined {
  if (secrets.length === 0) return undefined;
  const t = Math.floor(nowMs / 1000);
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmacHex(s, t, body)}`)].join(',');
}

/**
 * A receiver's check (published for device makers, used by the tests and the simulator's network
 * server): true when one `v1` of the header is the body's signature with `secret` and its time is
 * within `toleranceS` of `nowMs`. Compared in constant time.
 */
export function verifyWebhookSignature(header: string | undefined, body: Buffer | string, secret: string, nowMs: number, toleranceS = DEFAULT_SIGNATURE_TOLERANCE_S): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim());
  const t = Number(parts.find((p) => p.startsWith('t='))?.slice(2));
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > toleranceS) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return parts
    .filter((p) => p.startsWith('v1='))
    .some((p) => {
      const given = Buffer.from(p.slice(3), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
