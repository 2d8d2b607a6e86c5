import { defineConfig } from 'drizzle-kit';

// migrations/ holds drizzle-kit generate output only; never edit a committed migration.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/shared/src/db/schema/index.ts',
  out: './migrations',
  strict: true,
  verbose: false,
});
