import { performance } from 'node:perf_hooks';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { BlobStore, StoredBlob } from '../storage/blob-store.js';

/**
 * A multer storage engine that streams the file part straight into the
 * content-addressed blob store (temp file, SHA-256 while streaming, fsync,
 * rename). Nothing of the upload is held in memory beyond a stream chunk, and
 * the client's file name is never part of any path.
 */
export interface StoredFileInfo {
  sha256: string;
  size: number;
  created: boolean;
  receiveSeconds: number;
}

export function blobStorageEngine(options: { blobs: BlobStore; maxBytes: number; discard: (blob: StoredBlob) => Promise<void> }): StorageEngine {
  return {
    _handleFile(_req: Request, file, callback) {
      const started = performance.now();
      options.blobs.put(file.stream, { maxBytes: options.maxBytes }).then(
        (blob) => {
          const info: StoredFileInfo = { sha256: blob.sha256, size: blob.size, created: blob.created ?? false, receiveSeconds: (performance.now() - started) / 1000 };
          callback(null, info as unknown as Partial<Express.Multer.File>);
        },
        (error: unknown) => callback(error as Error),
      );
    },
    // Called by multer when the request fails after the file was stored (a
    // second file, a bad field): the bytes are forgotten unless in use.
    _removeFile(_req: Request, file, callback) {
      const info = file as unknown as Partial<StoredFileInfo>;
      if (!info.sha256) return callback(null);
      options.discard({ sha256: info.sha256, size: info.size ?? 0, created: info.created ?? false }).then(
        () => callback(null),
        (error: unknown) => callback(error as Error),
      );
    },
  };
}
