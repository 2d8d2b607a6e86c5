/**
 * Run by `npm ci` / `npm install` (root `postinstall`): fixes a bug of postgres.js 3.4.9 (the latest
 * release) in the installed copy, until a release fixes it.
 *
 * The bug: when a connection's socket closes while a query runs on it (a backend terminated, a
 * PostgreSQL restart), the driver rejects that query but keeps it as the connection's current one.
 * The next query given to that connection reconnects; if the server then answers the startup with an
 * error (the database refuses connections, too many clients, the server is starting up), the error
 * is taken as the stale query's instead of failing the new one, and the connection reconnects at
 * once, again and again (about 100 attempts a second here). The new query hangs until the server
 * accepts the connection, and then fails with the old error. For the router that is a burn batch
 * stuck for the whole outage, holding back every packet behind it instead of dropping them as
 * burn_failed (router-db-outage.int.test.ts; the regression test is db/client.int.test.ts).
 *
 * The fix clears the connection's current query once it has been rejected at the close, as the
 * driver does after every answered query. The script is idempotent and fails the install if the code
 * it patches is not found (another version: check whether the bug is still there and update this).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The package's CommonJS entry is cjs/src/index.js (its package.json is not exported).
const root = join(dirname(require.resolve('postgres')), '..', '..');
const ANCHOR = "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n";
const FIX = '    query = results = errorResponse = null // cov: patched by scripts/patch-postgres-js.mjs\n';

for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  if (text.includes(FIX)) continue;
  const at = text.indexOf(ANCHOR);
  if (at < 0 || text.indexOf(ANCHOR, at + 1) >= 0) {
    throw new Error(`scripts/patch-postgres-js.mjs: the code to patch was not found once in ${path}; see the script's header`);
  }
  writeFileSync(path, text.slice(0, at + ANCHOR.length) + FIX + text.slice(at + ANCHOR.length));
}
