/**
 * Publishing to MANIFESTS_DIR. Each file is written to a temporary name, flushed to disk and renamed
 * into place, so a reader never sees half a manifest and a power loss never leaves an empty file
 * under the final name (the repair on each tick only checks that the names exist). Rewriting a file
 * with the same bytes is harmless, which is what makes publishing safe to repeat after a crash.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
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
    const fd = openSync(temp, 'w');
    try {
      writeFileSync(fd, f.bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  }
  syncDirectory(dir);
}

/** Makes the renames themselves durable: they live in the directory's entries. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export const isPublished = (dir: string, name: string): boolean => existsSync(join(dir, name));
