/** Typed access to the public LoRaWAN vectors (testing/vectors/lorawan-vectors.json) for tests. */
import { readFileSync } from 'node:fs';

export interface LorawanVector {
  id: string;
  type: string;
  phy_payload_hex: string;
  encrypted?: boolean;
  keys: Record<string, string>;
  context?: Record<string, string | number>;
  expected: Record<string, unknown>;
  also_asserted?: Record<string, string>;
  also_asserted_negative?: Record<string, string | boolean>;
}

export interface SessionKeyVector {
  id: string;
  inputs: { app_key: string; net_id: string; app_nonce: string; dev_nonce: string };
  expected: { nwk_s_key: string; app_s_key: string };
}

interface LorawanVectorFile {
  data_frames: LorawanVector[];
  join_requests: LorawanVector[];
  join_accepts: LorawanVector[];
  extras: Array<LorawanVector | SessionKeyVector>;
}

export const lorawanVectors = JSON.parse(
  readFileSync(new URL('../testing/vectors/lorawan-vectors.json', import.meta.url), 'utf8'),
) as LorawanVectorFile;

export function extra<T>(id: string): T {
  const found = lorawanVectors.extras.find((v) => v.id === id);
  if (!found) throw new Error(`no extra vector ${id}`);
  return found as T;
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}
