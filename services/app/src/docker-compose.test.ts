import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serviceNames } from '@cov/shared/runtime/service';
import { configKeys } from '@cov/shared/config/config';

// No Docker engine runs here, so the deployment file is checked structurally: every service has a
// container running it, with a health check, and starts only after the database, Redis and the
// one-shot migration; every environment key it sets is a real setting.
const compose = parse(readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, { command?: string[]; image?: string; healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }>; environment?: Record<string, string>; restart?: string }>;
};

describe('docker-compose.yml', () => {
  it('runs postgres:16, redis:7 with noeviction and appendonly, and a one-shot migrate step', () => {
    expect(compose.services.postgres?.image).toBe('postgres:16');
    expect(compose.services.redis?.image).toBe('redis:7');
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['noeviction', 'yes']));
    expect(compose.services.migrate?.command).toEqual(['migrate']);
    expect(compose.services.migrate?.restart).toBe('no');
  });

  it.each(serviceNames)('runs the %s service with a health check after its dependencies', (name) => {
    const svc = compose.services[name];
    expect(svc?.command).toEqual([name]);
    expect(svc?.healthcheck?.test.join(' ')).toContain('/health');
    expect(svc?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    for (const key of Object.keys(svc?.environment ?? {})) expect(configKeys).toContain(key);
    expect(svc?.environment?.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(svc?.environment?.REDIS_URL).toMatch(/^redis:\/\//);
  });
});
