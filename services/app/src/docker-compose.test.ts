import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serviceNames } from '@cov/shared/runtime/service';
import { ConfigSchema, configKeys } from '@cov/shared/config/config';

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

// What a real deployment of this file needs that a structural look at it alone does not show.
describe('docker-compose.yml with its Dockerfile and .dockerignore', () => {
  const root = new URL('../../../', import.meta.url);
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
  const dockerignore = readFileSync(new URL('.dockerignore', root), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const raw = readFileSync(new URL('docker-compose.yml', root), 'utf8');
  const full = parse(raw, { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
    secrets?: Record<string, { file?: string }>;
  };

  it('runs the services as a user that owns DATA_DIR and every volume mounted in it', () => {
    const user = /^USER\s+(\S+)/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    // Folders the image creates and hands to that user before switching to it.
    const owned = [...dockerfile.matchAll(/mkdir -p ([^&\n]+)&& chown -R (\S+?):\S+ (\S+)/g)].flatMap((m) => (m[2] === user ? [...m[1]!.trim().split(/\s+/), m[3]!] : []));
    const isOwned = (path: string) => owned.some((dir) => path === dir || path.startsWith(`${dir}/`));
    for (const name of serviceNames) {
      const svc = full.services[name]!;
      const dataDir = svc.environment?.DATA_DIR;
      expect(dataDir, name).toBeDefined();
      expect(isOwned(dataDir!), `${name}: DATA_DIR ${dataDir}`).toBe(true);
      for (const volume of svc.volumes ?? []) {
        const target = volume.split(':')[1]!;
        // A named volume takes the owner of the image's folder only if the image has that folder.
        expect(owned.includes(target) || owned.some((dir) => dir.startsWith(`${target}/`)), `${name}: volume ${volume}`).toBe(true);
      }
    }
  });

  it('lets every service drain on SIGTERM for longer than its own shutdown timeout before Docker kills it', () => {
    const seconds = (d: string | undefined) => (d === undefined ? 10 : Number(/^(\d+)s$/.exec(d)?.[1]));
    for (const name of serviceNames) {
      const svc = full.services[name] as { stop_grace_period?: string; environment?: Record<string, string> };
      const shutdownTimeoutMs = Number(svc.environment?.SHUTDOWN_TIMEOUT_MS ?? (ConfigSchema.properties.SHUTDOWN_TIMEOUT_MS as unknown as { default: number }).default);
      expect(seconds(svc.stop_grace_period) * 1000, name).toBeGreaterThan(shutdownTimeoutMs);
    }
  });

    it('keeps secrets out of the image and out of the file', () => {
    for (const secret of Object.values(full.secrets ?? {})) {
      const file = secret.file!.replace(/^\.\//, '');
      expect(dockerignore.some((pattern) => file === pattern || file.startsWith(`${pattern}/`)), `${file} is in .dockerignore`).toBe(true);
    }
    expect(dockerignore).toContain('.env');
    // Passwords come from the environment the operator runs compose in.
    expect(raw).toMatch(/POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?/);
    for (const [name, svc] of Object.entries(full.services)) {
      const url = svc.environment?.DATABASE_URL;
      if (url !== undefined) expect(url, name).toMatch(/^postgres:\/\/coverage:\$\{POSTGRES_PASSWORD:\?[^}]*\}@/);
    }
  });
});
