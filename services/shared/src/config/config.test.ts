import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, configKeys, loadConfig } from './config';

describe('config', () => {
  it('has a default, a description and a documented .env.example line for every key', () => {
    const example = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');
    const exampleKeys = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    for (const key of configKeys) {
      const prop = ConfigSchema.properties[key] as { default?: unknown; description?: string };
      expect(prop.default, key).not.toBeUndefined();
      expect(prop.description, key).toBeTruthy();
    }
    expect([...new Set(exampleKeys)].sort()).toEqual([...configKeys].sort());
  });

  it('names every key in the README of a service or firmware-sim that reads it, so no setting is documented only by .env.example', () => {
    const readmes = ['services/api', 'services/app', 'services/cli', 'services/entropy', 'services/ingest', 'services/rewarder', 'services/router', 'services/shared', 'services/verifier', 'firmware-sim']
      .map((folder) => readFileSync(new URL(`../../../../${folder}/README.md`, import.meta.url), 'utf8'))
      .join('\n');
    const undocumented = configKeys.filter((key) => !new RegExp(`\\b${key}\\b`).test(readmes));
    expect(undocumented).toEqual([]);
  });

  it('defaults to embedded mode with the documented ports', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('embedded');
    expect([c.PORT, c.GWMP_PORT, c.DATA_DIR]).toEqual([3000, 1700, './.data']);
  });

  it('converts strings from the environment and switches to server mode with DATABASE_URL', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://x@y/z', ENTROPY_INTERVAL_MS: '30000', UNRELATED: 'ignored' });
    expect(c.PORT).toBe(8080);
    expect(c.ENTROPY_INTERVAL_MS).toBe(30000);
    expect(c.mode).toBe('server');
  });

  it('fails fast listing every bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty', GWMP_PORT: '70000' })).toThrow(/PORT.*GWMP_PORT|GWMP_PORT.*PORT/s);
    expect(() => loadConfig({ REWARD_EMISSION_PER_EPOCH: '-5' })).toThrow(/REWARD_EMISSION_PER_EPOCH/);
    expect(() => loadConfig({ BEACON_INTERVAL_MS: String(7 * 3600_000) })).toThrow(/divide one day/);
  });

  it('refuses a database or Redis URL that is not one, naming the setting and never the value (it may hold a password)', () => {
    const failure = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return e as { code: string; message: string };
      }
      throw new Error('expected a failure');
    };
    for (const [key, value] of [
      ['DATABASE_URL', 'mysql://u:hunter2@db/x'],
      ['DATABASE_URL', 'postgres://u:hunter2@db:notaport/x'],
      ['REDIS_URL', 'u:hunter2@127.0.0.1:6379'],
      ['ROUTER_PUBLIC_URL', 'http://u:hunter2@router:port'],
    ] as const) {
      const e = failure({ [key]: value });
      expect(e.code).toBe('config.invalid');
      expect(e.message).toContain(key);
      expect(e.message).not.toContain('hunter2');
    }
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/x', REDIS_URL: 'rediss://:p@cache:6380/2' }).mode).toBe('server');
  });
});
