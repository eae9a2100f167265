import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobStore, type BlobStore } from '../../src/storage/blob-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { blobIsWhole, listBlobFiles } from './support/blobs.js';
import { pdfWithPages } from './support/hostile.js';
import { registerCase, upload } from './support/http.js';

/** Nothing received is lost or half-written: crashes, failing disks, duplicates. */

const root = path.resolve(import.meta.dirname, '../..');

function startChild(db: TestDatabase): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/returns/support/serve.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: db.dataDir, DATABASE_URL: db.url ?? '', ADMIN_TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`service exited early (${code})`)));
  });
}

async function call(port: number, method: string, pathname: string, body?: object, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** A multipart upload written slowly, chunk by chunk, so the server is mid-file when it dies. */
function slowUpload(port: number, caseId: string, token: string, file: Buffer, chunkSize: number, delayMs: number) {
  const boundary = `----efm${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/api/cases/${caseId}/uploads`,
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + file.length + tail.length },
  });
  const finished = new Promise<string>((resolve) => {
    req.on('error', (error) => resolve(`error: ${error.message}`));
    req.on('response', (res) => resolve(`status ${res.statusCode}`));
  });
  (async () => {
    req.write(head);
    for (let at = 0; at < file.length; at += chunkSize) {
      if (req.destroyed) return;
      req.write(file.subarray(at, at + chunkSize));
      await new Promise((r) => setTimeout(r, delayMs));
    }
    req.end(tail);
  })();
  return finished;
}

function partFiles(dataDir: string): Array<{ name: string; size: number }> {
  const dir = path.join(dataDir, 'blobs', 'tmp');
  try {
    return readdirSync(dir).map((name) => ({ name, size: statSync(path.join(dir, name)).size }));
  } catch {
    return [];
  }
}

describe('killing the process during an upload', () => {
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await db.drop();
  });

  it('leaves no partial blob and no row pointing at a missing blob', { timeout: 90_000 }, async () => {
    const first = await startChild(db);
    child = first.child;
    const created = await call(first.port, 'POST', '/api/cases', (await import('../support/fixtures.js')).validRegistration());
    expect(created.status).toBe(201);
    const { id, accessToken } = created.body as { id: string; accessToken: string };

    // One upload that completes before the crash: it must survive intact.
    const small = Buffer.from(await pdfWithPages(1));
    const done = await slowUpload(first.port, id, accessToken, small, 64 * 1024, 0);
    expect(done).toBe('status 201');

    // A 20 MB upload, killed with SIGKILL while its bytes are still arriving.
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(20 * 1024 * 1024)]);
    const pending = slowUpload(first.port, id, accessToken, big, 256 * 1024, 20);
    await expect.poll(() => partFiles(db.dataDir).some((p) => p.size > 1024 * 1024), { timeout: 20_000, interval: 50 }).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(await pending).toMatch(/^error/);
    // The crash left its temporary file behind, and nothing under a real name.
    expect(partFiles(db.dataDir).length).toBeGreaterThan(0);
    const afterCrash = listBlobFiles(path.join(db.dataDir, 'blobs'));
    for (const blob of afterCrash.blobs) expect(blobIsWhole(blob), blob).toBe(true);

    // Restart on the same data: the sweep removes the leftovers; every row's blobs exist and are whole.
    const restarted = await startTestService({ database: { ...db, drop: async () => undefined } });
    try {
      const files = listBlobFiles(path.join(db.dataDir, 'blobs'));
      expect(files.temporary).toEqual([]);
      for (const blob of files.blobs) expect(blobIsWhole(blob), blob).toBe(true);
      const rows = await restarted.database.db.selectFrom('uploads').select(['sha256', 'pdf_sha256']).execute();
      expect(rows).toHaveLength(1);
      for (const row of rows) {
        expect(await restarted.blobs.has(row.sha256)).toBe(true);
        expect(await restarted.blobs.has(row.pdf_sha256)).toBe(true);
      }
    } finally {
      await restarted.close();
    }
  });
});

describe('a failing disk', () => {
  let service: TestService;
  let failAt: 'put' | 'putBuffer' = 'put';
  beforeAll(async () => {
    const db = await createTestDatabase();
    const real = createBlobStore(path.join(db.dataDir, 'blobs'));
    const eio = () => Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', errno: -5, syscall: 'write' });
    // Fails like a dying disk: after part of the file has been read and written.
    const failing: BlobStore = {
      ...real,
      async put(source, options) {
        if (failAt !== 'put') return real.put(source, options);
        let seen = 0;
        for await (const chunk of source) {
          seen += (chunk as Buffer).length;
          if (seen > 4096) throw eio();
        }
        throw eio();
      },
      async putBuffer(bytes) {
        if (failAt === 'putBuffer') throw eio();
        return real.putBuffer(bytes);
      },
    };
    service = await startTestService({ database: db, blobs: failing });
  });
  afterAll(async () => {
    await service.dispose();
  });

  const snapshot = async (id: string) => ({
    record: await service.cases.findById(id),
    events: await service.cases.events(id),
    uploads: await service.returns.list(id),
  });

  it('answers 503 with a problem and leaves the case unchanged', async () => {
    failAt = 'put';
    const kase = await registerCase(service);
    const before = await snapshot(kase.id);
    const res = await upload(service, kase, await pdfWithPages(3));
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body.code).toBe('storage-unavailable');
    expect(await snapshot(kase.id)).toEqual(before);
  });

  it('also when storing the PDF made from an image fails', async () => {
    failAt = 'putBuffer';
    const kase = await registerCase(service);
    const before = await snapshot(kase.id);
    const jpeg = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    const res = await upload(service, kase, jpeg, 'scan.jpg');
    expect(res.status).toBe(503);
    expect(await snapshot(kase.id)).toEqual(before);
  });
});

describe('the blob store', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-blobstore-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = createBlobStore(dir);

  it('stores by SHA-256, reports whether it created the blob, and keeps one copy', async () => {
    const first = await store.putBuffer(Buffer.from('hello'));
    expect(first).toEqual({ sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', size: 5, created: true });
    expect(await store.putBuffer(Buffer.from('hello'))).toMatchObject({ created: false });
    expect(listBlobFiles(dir).blobs).toHaveLength(1);
  });

  it('a source that fails mid-stream leaves no temporary file and no blob', async () => {
    const source = Readable.from(
      (async function* () {
        yield Buffer.alloc(10_000, 1);
        throw new Error('client went away');
      })(),
    );
    await expect(store.put(source)).rejects.toThrow('client went away');
    expect(listBlobFiles(dir)).toMatchObject({ temporary: [] });
    expect(listBlobFiles(dir).blobs).toHaveLength(1);
  });

  it('refuses more than maxBytes, removing what it wrote', async () => {
    await expect(store.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 })).rejects.toThrow('exceeds 1000');
    expect(listBlobFiles(dir)).toMatchObject({ temporary: [] });
  });

  it('replaces a damaged file of the wrong size under a blob name with the verified copy', async () => {
    const { sha256 } = await store.putBuffer(Buffer.from('precious'));
    writeFileSync(store.pathOf(sha256), 'prec');
    expect(await store.putBuffer(Buffer.from('precious'))).toMatchObject({ created: true });
    expect(blobIsWhole(store.pathOf(sha256))).toBe(true);
  });

  it('sweeps leftovers of interrupted writes at start', async () => {
    mkdirSync(path.join(dir, 'tmp'), { recursive: true });
    writeFileSync(path.join(dir, 'tmp', 'abc.part'), 'half');
    expect(await store.sweepTemporaryFiles()).toBe(1);
    expect(listBlobFiles(dir).temporary).toEqual([]);
  });
});
