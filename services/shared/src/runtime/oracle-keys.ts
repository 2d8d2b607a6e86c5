/**
 * The oracle's own secrets: its ed25519 signing key (entropy and reward manifests are signed with
 * it) and the admin API key. Deployments provide them; a fresh embedded install creates them under
 * DATA_DIR on first start so `npm start` needs no setup. Files are written 0600.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Config } from '../config/config';

export interface OracleKey {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

function readOrCreate(path: string, create: () => string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true });
  const value = create();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return value;
}

export function loadOracleKey(config: Pick<Config, 'ORACLE_KEY_PATH' | 'DATA_DIR'>): OracleKey {
  const path = config.ORACLE_KEY_PATH || join(config.DATA_DIR, 'oracle.key');
  const hex = readOrCreate(path, () => Buffer.from(randomBytes(32)).toString('hex'));
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`oracle key file ${path} must hold 64 hex characters`);
  const secretKey = Uint8Array.from(Buffer.from(hex, 'hex'));
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function loadAdminApiKey(config: Pick<Config, 'ADMIN_API_KEY' | 'DATA_DIR'>): string {
  if (config.ADMIN_API_KEY) return config.ADMIN_API_KEY;
  return readOrCreate(join(config.DATA_DIR, 'admin.key'), () => `adm_${randomBytes(24).toString('base64url')}`);
}
