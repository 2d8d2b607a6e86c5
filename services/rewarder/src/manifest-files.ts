/**
 * Publishing to MANIFESTS_DIR. Each file is written to a temporary name and renamed into place, so
 * a reader never sees half a manifest; rewriting a file with the same bytes is harmless, which is
 * what makes publishing safe to repeat after a crash.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PublishedFile {
  name: string;
  bytes: Uint8Array | string;
}

export function writeFilesAtomically(dir: string, files: readonly PublishedFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const target = join(dir, f.name);
    const temp = join(dir, `.${f.name}.${process.pid}.tmp`);
    writeFileSync(temp, f.bytes);
    renameSync(temp, target);
  }
}

export const isPublished = (dir: string, name: string): boolean => existsSync(join(dir, name));
