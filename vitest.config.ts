import { defineConfig } from 'vitest/config';

// Two projects: fast pure unit tests, and integration tests that talk to the real PostgreSQL and
// Redis (and to the embedded PGlite mode). Integration files each get their own freshly migrated
// database cloned from a template that globalSetup builds once per run.
export default defineConfig({
  test: {
    // Two cores: more workers only contend for CPU with PGlite and PostgreSQL.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['services/*/src/**/*.test.ts', 'firmware-sim/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['services/*/src/**/*.int.test.ts', 'firmware-sim/src/**/*.int.test.ts', 'services/*/test/**/*.int.test.ts'],
          globalSetup: ['services/shared/src/testing/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
