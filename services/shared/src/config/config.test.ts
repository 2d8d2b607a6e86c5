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
});
