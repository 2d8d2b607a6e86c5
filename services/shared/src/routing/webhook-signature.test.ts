import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, PREVIOUS_SECRET_GRACE_MS, secretsInForce, verifyWebhookSignature, webhookSignature } from './webhook-signature';

const T = Date.UTC(2026, 10, 22, 12, 0, 0);
const body = '{"id":"p1","frame":"QAEC"}';

describe('webhook signatures', () => {
  it('sign t.body with HMAC-SHA256, as a receiver recomputes it from the documented recipe', () => {
    const header = webhookSignature(body, ['whsec_a'], T)!;
    const t = T / 1000;
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', 'whsec_a').update(`${t}.${body}`).digest('hex')}`);
    expect(verifyWebhookSignature(header, body, 'whsec_a', T)).toBe(true);
    expect(verifyWebhookSignature(header, Buffer.from(body), 'whsec_a', T + 1000)).toBe(true);
  });

  it('refuse another secret, a changed body, an old or future time, and a malformed header', () => {
    const header = webhookSignature(body, ['whsec_a'], T)!;
    expect(verifyWebhookSignature(header, body, 'whsec_b', T)).toBe(false);
    expect(verifyWebhookSignature(header, body.replace('p1', 'p2'), 'whsec_a', T)).toBe(false);
    expect(verifyWebhookSignature(header, body, 'whsec_a', T + 301_000)).toBe(false);
    expect(verifyWebhookSignature(header, body, 'whsec_a', T - 301_000)).toBe(false);
    for (const bad of [undefined, '', 'v1=00', `t=x,${header.split(',')[1]}`, header.replace(/v1=[0-9a-f]+/, 'v1=zz'), header.replace(/v1=([0-9a-f]+)/, 'v1=$1aa')]) {
      expect(verifyWebhookSignature(bad, body, 'whsec_a', T), String(bad)).toBe(false);
    }
  });

  it('sign with the previous secret too during its grace after a rotation, then with the current one only', () => {
    const secrets = { current: 'whsec_new', previous: 'whsec_old', previousUntilMs: T + PREVIOUS_SECRET_GRACE_MS };
    expect(secretsInForce(secrets, T)).toEqual(['whsec_new', 'whsec_old']);
    const during = webhookSignature(body, secretsInForce(secrets, T), T)!;
    expect(during.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect([verifyWebhookSignature(during, body, 'whsec_new', T), verifyWebhookSignature(during, body, 'whsec_old', T)]).toEqual([true, true]);
    expect(secretsInForce(secrets, T + PREVIOUS_SECRET_GRACE_MS)).toEqual(['whsec_new']);
    expect(secretsInForce(undefined, T)).toEqual([]);
    expect(webhookSignature(body, [], T)).toBeUndefined();
  });

  it('makes distinct secrets that say what they are', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});
