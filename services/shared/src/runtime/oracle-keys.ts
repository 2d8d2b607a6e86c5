/**
 * The oracle's own secrets: its ed25519 signing key (entropy and reward manifests are signed with
 * it) and the admin API key. Deployments provide them; a fresh embedded install creates them under
 * DATA_DIR on first start so `npm start` needs no setup. Files are written 0600.
 *
 * A key file the operator named (ORACLE_KEY_PATH) is never created: a missing file there is a
 * deployment mistake (a secret not mounted), and a fresh random key would sign entropy and
 * manifests that no one can verify against the published key. Problems stop the process with
 * `config.invalid` naming the setting and the path, never the file's contents.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Config } from '../config/config';
import { AppError } from '../errors';

export interface OracleKey {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

function fsFailure(setting: string, path: string, action: string, e: unknown): AppError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  return new AppError('config.invalid', `${setting}: cannot ${action} ${path} (${code})`, { setting, path, code });
}

function readOrCreate(setting: string, path: string, create: () => string): string {
  if (existsSync(path)) {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (e) {
      throw fsFailure(setting, path, 'read', e);
    }
  }
  const value = create();
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${value}\n`, { mode: 0o600 });
  } catch (e) {
    throw fsFailure(setting, path, 'create', e);
  }
  return value;
}

export function loadOracleKey(config: Pick<Config, 'ORACLE_KEY_PATH' | 'DATA_DIR'>): OracleKey {
  const setting = config.ORACLE_KEY_PATH ? 'ORACLE_KEY_PATH' : 'DATA_DIR';
  const path = config.ORACLE_KEY_PATH || join(config.DATA_DIR, 'oracle.key');
  if (config.ORACLE_KEY_PATH && !existsSync(path)) {
    throw new AppError('config.invalid', `ORACLE_KEY_PATH: no file at ${path} (the oracle key is only created when ORACLE_KEY_PATH is empty, under DATA_DIR)`, {
      setting,
      path,
    });
  }
  const hex = readOrCreate(setting, path, () => Buffer.from(randomBytes(32)).toString('hex'));
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new AppError('config.invalid', `${setting}: the oracle key file ${path} must hold 64 hex characters (an ed25519 secret key)`, { setting, path });
  }
  const secretKey = Uint8Array.from(Buffer.from(hex, 'hex'));
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function loadAdminApiKey(config: Pick<Config, 'ADMIN_API_KEY' | 'DATA_DIR'>): string {
  if (config.ADMIN_API_KEY) return config.ADMIN_API_KEY;
  return readOrCreate('DATA_DIR', join(config.DATA_DIR, 'admin.key'), () => `adm_${randomBytes(24).toString('base64url')}`);
}
