/**
 * Posting an alert notice (device makers' low-balance notices, owners' hotspot status notices) to
 * the URL its subscriber gave, and the stable word a failed post is recorded as.
 *
 * The URLs come from users (any owner of a hotspot may subscribe one), so by default a notice is
 * never posted to a private, loopback or link-local address: otherwise anyone could make the API
 * knock on services inside its own network. Host names are resolved and checked before each post
 * (a name that later resolves elsewhere, DNS rebinding, needs an egress proxy to stop for good).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@cov/shared/errors';
import { WEBHOOK_SIGNATURE_HEADER, webhookSignature, type Signing } from '@cov/shared/routing/webhook-signature';
import { requireHttpUrl } from '../http/outbound-request';

/** Addresses notices never go to unless private addresses are allowed (RFC 6890 special-purpose ranges). */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/** True for an address notices must not reach by default (IPv4-mapped IPv6 addresses are judged as IPv4). */
export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(ip);
  if (family === 0) return true; // not an address at all: never post to it
  return PRIVATE.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Refuses, when a subscriber sets it, a URL that does not parse (request.invalid) or names a
 * private address (host names are checked when posting, as what they resolve to may change).
 */
export function requirePublicNoticeUrl(url: string, allowPrivate: boolean): void {
  requireHttpUrl(url, 'url');
  const literal = literalHost(url);
  if (!allowPrivate && literal !== undefined && isPrivateAddress(literal)) {
    throw new AppError('alerts.private_url', `notices are not posted to private, loopback or link-local addresses (${literal})`, { field: 'url' });
  }
}

/** The URL's host when it is an IP literal (IPv6 without its brackets), else undefined. */
export function literalHost(url: string): string | undefined {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? host : undefined;
}

/** `status_503` for an answer other than 2xx; `timeout`; a system error's code (`ECONNREFUSED`); else `unreachable`. */
export function deliveryError(outcome: { status: number } | unknown): string {
  if (outcome !== null && typeof outcome === 'object' && 'status' in outcome && typeof (outcome as { status: unknown }).status === 'number') return `status_${(outcome as { status: number }).status}`;
  const e = outcome as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? 'unreachable';
}

/**
 * POSTs `notice` as JSON; undefined when the endpoint took it (2xx), else why not (`private_address`
 * when the host is, or resolves to, a private address and those are not allowed). Never throws.
 * Redirects are not followed: a notice goes where its subscriber said, nowhere else. `signing`: the
 * subscriber's secrets in force (an organisation's or an owner subscription's), which sign the
 * exact body sent (routing/webhook-signature.ts).
 */
export async function postNotice(
  url: string,
  authHeader: string | null,
  notice: unknown,
  timeoutMs: number,
  allowPrivate = false,
  signing?: Signing,
): Promise<string | undefined> {
  try {
    if (!allowPrivate) {
      const literal = literalHost(url);
      const addresses = literal ? [literal] : (await lookup(new URL(url).hostname, { all: true })).map((a) => a.address);
      if (addresses.some(isPrivateAddress)) return 'private_address';
    }
    const body = JSON.stringify(notice);
    const signature = signing ? webhookSignature(body, signing.secrets, signing.nowMs) : undefined;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authHeader ? { authorization: authHeader } : {}), ...(signature ? { [WEBHOOK_SIGNATURE_HEADER]: signature } : {}) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? undefined : deliveryError(res);
  } catch (e) {
    return deliveryError(e);
  }
}
