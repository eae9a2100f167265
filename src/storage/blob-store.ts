import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Content-addressed file store. Bytes are streamed to a temporary file while
 * their SHA-256 is computed, fsynced, then renamed into place under their hash,
 * and the directory is fsynced too. A crash at any point leaves either nothing or
 * a complete blob, never a half-written one under a real name.
 */
export interface StoredBlob {
  sha256: string;
  size: number;
}

export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`blob exceeds ${limit} bytes`);
  }
}

export interface BlobStore {
  put(source: Readable, options?: { maxBytes?: number }): Promise<StoredBlob>;
  putBuffer(bytes: Uint8Array): Promise<StoredBlob>;
  has(sha256: string): Promise<boolean>;
  size(sha256: string): Promise<number | undefined>;
  read(sha256: string): ReadStream;
  /** Absolute path of a stored blob (for tools that need a file). */
  pathOf(sha256: string): string;
  /** Removes leftovers of writes interrupted by a crash. Call at start. */
  sweepTemporaryFiles(): Promise<number>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function createBlobStore(root: string): BlobStore {
  const tmpDir = path.join(root, 'tmp');

  function pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error('invalid blob id');
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async function fsyncDir(dir: string): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async function exists(file: string): Promise<boolean> {
    try {
      await stat(file);
      return true;
    } catch {
      return false;
    }
  }

  async function put(source: Readable, options: { maxBytes?: number } = {}): Promise<StoredBlob> {
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > limit) return callback(new BlobTooLargeError(limit));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      // flush: fsync before the descriptor closes, so the bytes are on disk before the rename.
      await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx', mode: 0o640, flush: true }));
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    const sha256 = hash.digest('hex');
    const target = pathOf(sha256);
    if (await exists(target)) {
      // Same content already stored: nothing to do but drop the copy.
      await rm(tmp, { force: true });
      return { sha256, size };
    }
    await mkdir(path.dirname(target), { recursive: true });
    await rename(tmp, target);
    await fsyncDir(path.dirname(target));
    return { sha256, size };
  }

  return {
    put,
    async putBuffer(bytes) {
      const { Readable: ReadableStream } = await import('node:stream');
      return put(ReadableStream.from([Buffer.from(bytes)]));
    },
    async has(sha256) {
      return SHA256.test(sha256) && exists(pathOf(sha256));
    },
    async size(sha256) {
      if (!SHA256.test(sha256)) return undefined;
      try {
        return (await stat(pathOf(sha256))).size;
      } catch {
        return undefined;
      }
    },
    read(sha256) {
      return createReadStream(pathOf(sha256));
    },
    pathOf,
    async sweepTemporaryFiles() {
      const { readdir } = await import('node:fs/promises');
      let removed = 0;
      try {
        for (const name of await readdir(tmpDir)) {
          if (name.endsWith('.part')) {
            await rm(path.join(tmpDir, name), { force: true });
            removed++;
          }
        }
      } catch {
        // no tmp dir yet
      }
      return removed;
    },
  };
}
