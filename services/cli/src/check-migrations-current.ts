/**
 * `npm run db:check`, second half: fails when the drizzle schema has changes that no committed
 * migration covers. It runs drizzle-kit generate against a scratch copy of migrations/ and checks
 * that nothing new was produced, so the real folder is never touched.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cov-migrations-'));
try {
  cpSync(join(root, 'migrations'), scratch, { recursive: true });
  const before = readdirSync(scratch).filter((f) => f.endsWith('.sql'));
  execFileSync(
    join(root, 'node_modules/.bin/drizzle-kit'),
    ['generate', '--dialect', 'postgresql', '--schema', './services/shared/src/db/schema/index.ts', '--out', scratch, '--name', 'pending'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const added = readdirSync(scratch).filter((f) => f.endsWith('.sql') && !before.includes(f));
  if (added.length > 0) {
    process.stderr.write(`db:check: the schema has changes no migration covers (drizzle-kit generate would add ${added.join(', ')}).\nRun \`npm run db:generate\` and commit the migration.\n`);
    process.exit(1);
  }
  process.stdout.write('db:check: migrations are current with the schema\n');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
