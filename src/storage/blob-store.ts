import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Content-addressed file store. Bytes are streamed to a temporary file while
 * their SHA-256 is computed, fsynced, then renamed into place under their hash,
 * and the directory is fsynced too. A crash at any point leaves either nothing or
 * a complete blob, never a half-written one under a real name.
 */
export interface StoredBlob {
  sha256: string;
  size: number;
  /** False when the same content was stored already (by anyone) and this copy was dropped. */
  created?: boolean;
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
  /** The whole blob in memory (small blobs such as issued PDFs), undefined if there is none. */
  readAll(sha256: string): Promise<Uint8Array | undefined>;
  /** Deletes a blob. Only for content nobody refers to (callers decide that). */
  remove(sha256: string): Promise<void>;
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

  /**
   * Creates `dir` (two levels below root at most) and fsyncs the parent of every
   * directory it created, so the new entries survive a power loss along with the
   * blob renamed into them.
   */
  async function ensureDir(dir: string): Promise<void> {
    const missing: string[] = [];
    for (let current = dir; current.startsWith(root) && current !== root && !(await exists(current)); current = path.dirname(current)) {
      missing.unshift(current);
    }
    if (missing.length === 0) return;
    await mkdir(dir, { recursive: true });
    for (const created of missing) await fsyncDir(path.dirname(created));
  }

  async function put(source: Readable, options: { maxBytes?: number } = {}): Promise<StoredBlob> {
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const handle = await open(tmp, 'wx', 0o640);
    try {
      // Plain awaited writes rather than pipeline() into a write stream: a
      // stream that does not own its descriptor never emits 'close', and
      // pipeline() waits for it forever. Awaiting each write is the backpressure.
      for await (const chunk of source) {
        const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        size += bytes.length;
        if (size > limit) throw new BlobTooLargeError(limit);
        hash.update(bytes);
        let written = 0;
        while (written < bytes.length) written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
      }
      await handle.sync();
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw error;
    }
    const sha256 = hash.digest('hex');
    const target = pathOf(sha256);
    const existing = await stat(target).catch(() => undefined);
    if (existing && existing.size === size) {
      // Same content already stored: nothing to do but drop the copy.
      await rm(tmp, { force: true });
      return { sha256, size, created: false };
    }
    // A file of the wrong size under this name cannot be this content (damage
    // from outside the service); the verified copy replaces it atomically.
    await ensureDir(path.dirname(target));
    await rename(tmp, target);
    await fsyncDir(path.dirname(target));
    return { sha256, size, created: true };
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
    async readAll(sha256) {
      if (!SHA256.test(sha256)) return undefined;
      try {
        return await readFile(pathOf(sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(sha256) {
      const file = pathOf(sha256);
      await rm(file, { force: true });
      await fsyncDir(path.dirname(file)).catch(() => undefined);
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
