import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file under a blob store root: stored blobs and temporary leftovers. */
export function listBlobFiles(root: string): { blobs: string[]; temporary: string[] } {
  const blobs: string[] = [];
  const temporary: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (path.basename(dir) === 'tmp') temporary.push(full);
      else blobs.push(full);
    }
  };
  walk(root);
  return { blobs, temporary };
}

/** True when the file's content hashes to its name (a whole blob, not a partial one). */
export function blobIsWhole(file: string): boolean {
  return createHash('sha256').update(readFileSync(file)).digest('hex') === path.basename(file);
}
