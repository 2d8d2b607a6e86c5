/**
 * Embedded mode's database: PGlite (PostgreSQL compiled to WebAssembly, data under DATA_DIR)
 * served on a loopback TCP port (pglite-server.ts), so postgres.js, drizzle and BullMQ's
 * PostgreSQL backend talk to it exactly as they talk to a real server.
 *
 * PGlite is a single session shared by every client connection. Two consequences shape this file:
 * session settings are shared, and BullMQ's per-connection `search_path` option is not applied.
 * So the search path is set once here to `public, bullmq`: our tables (public) resolve first,
 * BullMQ's unqualified functions resolve in its own schema, and our table names are kept distinct
 * from BullMQ's (job, meta, event, ...).
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PgliteServer } from './pglite-server';

export interface EmbeddedPostgres {
  url: string;
  /** The whole data directory as a gzipped tarball, what `loadDataDir` starts another from. */
  dumpDataDir(): Promise<Blob>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder for the data files; undefined keeps everything in memory (tests). */
  dataDir?: string;
  /** A data directory to start an in-memory database from (a dumpDataDir tarball): tests start from one already migrated. */
  loadDataDir?: Blob;
  port: number;
  maxConnections: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  await pglite.exec('SET search_path TO public, bullmq');
  const server = new PgliteServer(pglite, { host: '127.0.0.1', port: options.port, maxConnections: options.maxConnections });
  const { host, port } = await server.start();
  const url = `postgres://postgres@${host}:${port}/postgres`;
  return {
    url,
    dumpDataDir: () => pglite.dumpDataDir('gzip'),
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
