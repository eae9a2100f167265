import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createBlobStore } from '../../src/storage/blob-store.js';
import { openDatabase, withStatementCache } from '../../src/storage/database.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-storage-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An in-memory database with `schema`, counting how many statements are compiled. */
function countingDatabase(schema: string): { sqlite: SQLite.Database; compiled: () => number } {
  const real = new SQLite(':memory:');
  real.exec(schema);
  let compiled = 0;
  const sqlite = Object.assign(Object.create(real) as SQLite.Database, {
    prepare: (text: string) => {
      compiled++;
      return real.prepare(text);
    },
    close: () => real.close(),
  });
  return { sqlite, compiled: () => compiled };
}

describe('SQLite statement cache', () => {
  it('compiles each query shape once and gives the right rows for every set of parameters', () => {
    const { sqlite, compiled } = countingDatabase('create table t (id integer primary key, name text)');
    const db = withStatementCache(sqlite);
    for (let i = 1; i <= 20; i++) db.prepare('insert into t (id, name) values (?, ?)').run([i, `n${i}`]);
    const select = (id: number) => db.prepare('select name from t where id = ?').all([id]);
    expect(select(3)).toEqual([{ name: 'n3' }]);
    expect(select(17)).toEqual([{ name: 'n17' }]);
    expect(select(99)).toEqual([]);
    expect(compiled()).toBe(2);
    db.close();
  });

  it('stays bounded when queries keep changing shape (IN lists of every length)', () => {
    const { sqlite, compiled } = countingDatabase('create table t (id integer primary key)');
    const db = withStatementCache(sqlite, 5);
    const shape = (n: number) => `select id from t where id in (${Array(n).fill('?').join(',')})`;
    for (let n = 1; n <= 10; n++) db.prepare(shape(n)).all(Array.from({ length: n }, (_, i) => i));
    // The five newest shapes are kept; the oldest was evicted and is compiled again.
    db.prepare(shape(10)).all(Array.from({ length: 10 }, (_, i) => i));
    expect(compiled()).toBe(10);
    db.prepare(shape(1)).all([1]);
    expect(compiled()).toBe(11);
    db.close();
  });
});

describe('SQLite file', () => {
  it('is created readable and writable by the service user only, with its WAL files', async () => {
    const file = path.join(tempDir(), 'data', 'efm.sqlite');
    const handle = openDatabase({ sqlitePath: file });
    await handle.db.schema.createTable('t').addColumn('a', 'text').execute();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
    await handle.close();
  });
});

describe('blob store readAll', () => {
  it('returns the stored bytes, and undefined for a blob that is not there or a malformed name', async () => {
    const store = createBlobStore(tempDir());
    const bytes = new TextEncoder().encode('%PDF-1.7 issued document');
    const stored = await store.putBuffer(bytes);
    expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Buffer.from((await store.readAll(stored.sha256))!)).toEqual(Buffer.from(bytes));
    expect(await store.readAll('0'.repeat(64))).toBeUndefined();
    expect(await store.readAll('../../etc/passwd')).toBeUndefined();
  });

  it('reports a read that fails for another reason than absence instead of treating it as a cache miss', async () => {
    const store = createBlobStore(tempDir());
    const sha = 'a'.repeat(64);
    // A directory where the blob should be: EISDIR, not "no such blob".
    mkdirSync(store.pathOf(sha), { recursive: true });
    await expect(store.readAll(sha)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
