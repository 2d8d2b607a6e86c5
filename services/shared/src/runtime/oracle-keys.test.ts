import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { loadAdminApiKey, loadOracleKey } from './oracle-keys';

const dir = () => mkdtempSync(join(tmpdir(), 'cov-keys-'));

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a failure');
}

describe('oracle and admin keys', () => {
  it('creates both under DATA_DIR on a fresh embedded install (0600) and reads them back', () => {
    const d = dir();
    const key = loadOracleKey({ ORACLE_KEY_PATH: '', DATA_DIR: d });
    expect(statSync(join(d, 'oracle.key')).mode & 0o777).toBe(0o600);
    expect(loadOracleKey({ ORACLE_KEY_PATH: '', DATA_DIR: d }).publicKey).toEqual(key.publicKey);
    const admin = loadAdminApiKey({ ADMIN_API_KEY: '', DATA_DIR: d });
    expect(loadAdminApiKey({ ADMIN_API_KEY: '', DATA_DIR: d })).toBe(admin);
  });

  it('never creates a key at ORACLE_KEY_PATH: a missing file (a secret not mounted) stops the start naming the setting', () => {
    const d = dir();
    const path = join(d, 'secrets', 'oracle_key');
    const e = failure(() => loadOracleKey({ ORACLE_KEY_PATH: path, DATA_DIR: d }));
    expect(e.code).toBe('config.invalid');
    expect(e.message).toContain('ORACLE_KEY_PATH');
    expect(e.message).toContain(path);
    expect(() => statSync(path)).toThrow();
  });

  it('refuses a malformed key file naming the setting, without echoing its contents', () => {
    const d = dir();
    const path = join(d, 'oracle.key');
    writeFileSync(path, 'not-a-key-but-a-secret-looking-value\n');
    const e = failure(() => loadOracleKey({ ORACLE_KEY_PATH: path, DATA_DIR: d }));
    expect(e.code).toBe('config.invalid');
    expect(e.message).toMatch(/ORACLE_KEY_PATH.*64 hex/);
    expect(e.message).not.toContain('secret-looking');
    expect(readFileSync(path, 'utf8')).toContain('secret-looking');
  });

  it('names DATA_DIR when the key cannot be created there', () => {
    const d = dir();
    const file = join(d, 'a-file');
    writeFileSync(file, 'x');
    const e = failure(() => loadAdminApiKey({ ADMIN_API_KEY: '', DATA_DIR: join(file, 'data') }));
    expect(e.code).toBe('config.invalid');
    expect(e.message).toMatch(/^DATA_DIR: cannot create .*admin\.key \(ENOTDIR\)/);
  });
});
