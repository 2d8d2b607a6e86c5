/**
 * An owner's wallet key on disk for the owner commands: the 32-byte ed25519 secret as 64 hex
 * characters and a newline, mode 0600 (the oracle key's format). Only these commands read it; the
 * network never sees it, only the address and signatures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { generateKeypair, type Keypair } from '@cov/shared/helium/keys';

export type KeyFileResult = { ok: true; keypair: Keypair } | { ok: false; message: string };

export function readOwnerKey(path: string): KeyFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    return { ok: false, message: `cannot read key file ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!/^[0-9a-f]{64}$/i.test(text)) return { ok: false, message: `key file ${path} must hold 64 hex characters (an ed25519 secret key)` };
  return { ok: true, keypair: generateKeypair(Uint8Array.from(Buffer.from(text, 'hex'))) };
}

/** Writes a new key; refuses to overwrite one (losing a wallet key loses its hotspots). */
export function createOwnerKey(path: string): KeyFileResult {
  if (existsSync(path)) return { ok: false, message: `${path} exists; not overwriting a key (read its address with --file)` };
  const seed = randomBytes(32);
  try {
    writeFileSync(path, `${seed.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    return { ok: false, message: `cannot write key file ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { ok: true, keypair: generateKeypair(Uint8Array.from(seed)) };
}
