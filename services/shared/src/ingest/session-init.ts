/**
 * The bytes a hotspot signs to open an ingest session (services/ingest/PROTOCOL.md): RFC 8785
 * canonical JSON of its init message without the signature, typed so the signature cannot be
 * reused as any other signed request. Shared by ingest (verifying) and firmware-sim (signing).
 */
import canonicalize from 'canonicalize';

export const SESSION_INIT_TYPE = 'session_init_v1';

export interface SessionInitFields {
  hotspot: string;
  /** The base64 nonce the server offered on this connection. */
  nonce: string;
  timestampMs: number;
  /** Address of a delegated session key that will sign this session's reports. */
  sessionKey?: string;
  sessionKeyExpiresAtMs?: number;
}

export function sessionInitBytes(fields: SessionInitFields): Uint8Array {
  const { hotspot, nonce, timestampMs, sessionKey, sessionKeyExpiresAtMs } = fields;
  const body: Record<string, unknown> = { type: SESSION_INIT_TYPE, hotspot, nonce, timestampMs };
  if (sessionKey !== undefined) body.sessionKey = sessionKey;
  if (sessionKeyExpiresAtMs !== undefined) body.sessionKeyExpiresAtMs = sessionKeyExpiresAtMs;
  const text = canonicalize(body);
  if (text === undefined) throw new Error('session init is not serialisable');
  return new TextEncoder().encode(text);
}

/** Frame tags of binary report frames. */
export const REPORT_FRAME_TAG = { beacon: 0x01, witness: 0x02 } as const;
