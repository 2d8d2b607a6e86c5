/**
 * Posting an alert notice (device makers' low-balance notices, owners' hotspot status notices) to
 * the URL its subscriber gave, and the stable word a failed post is recorded as.
 */

/** `status_503` for an answer other than 2xx; `timeout`; a system error's code (`ECONNREFUSED`); else `unreachable`. */
export function deliveryError(outcome: { status: number } | unknown): string {
  if (outcome !== null && typeof outcome === 'object' && 'status' in outcome && typeof (outcome as { status: unknown }).status === 'number') return `status_${(outcome as { status: number }).status}`;
  const e = outcome as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? 'unreachable';
}

/**
 * POSTs `notice` as JSON; undefined when the endpoint took it (2xx), else why not. Never throws.
 * Redirects are not followed: a notice goes where its subscriber said, nowhere else.
 */
export async function postNotice(url: string, authHeader: string | null, notice: unknown, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authHeader ? { authorization: authHeader } : {}) },
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? undefined : deliveryError(res);
  } catch (e) {
    return deliveryError(e);
  }
}
