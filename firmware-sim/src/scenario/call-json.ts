/** One JSON call to the backend's REST API, reduced to status, body and the stable error code. */
import type { CallResult } from './target';

export async function callJson(url: string, init: { method: string; body?: unknown; apiKey?: string; headers?: Record<string, string> }): Promise<CallResult> {
  try {
    const res = await fetch(url, {
      method: init.method,
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.apiKey ? { authorization: `Bearer ${init.apiKey}` } : {}),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    return { ok: res.ok, status: res.status, body, ...(error?.code ? { code: error.code } : {}), ...(error?.message ? { message: error.message } : {}) };
  } catch (e) {
    return { ok: false, status: 0, code: 'http.unreachable', message: e instanceof Error ? e.message : String(e) };
  }
}
