import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider, type SqliteDatabase } from 'kysely';
import type PgModule from 'pg';
import { migrations } from './migrations/index.js';
import type { Dialect } from './migrations/dialect.js';
import type { Database } from './schema.js';

export type { Dialect };

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… selects PostgreSQL; otherwise SQLite at `sqlitePath`. */
  url?: string | undefined;
  sqlitePath: string;
}

const require = createRequire(import.meta.url);

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) {
    // Loaded only for PostgreSQL: a SQLite deployment is spared its ≈ 9 MB.
    const pg = require('pg') as typeof PgModule;
    // bigint (int8) as number: our ids stay far below 2^53.
    pg.types.setTypeParser(20, (value) => Number(value));
    const pool = new pg.Pool({ connectionString: options.url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return handle(db, 'postgres');
  }
  mkdirSync(path.dirname(options.sqlitePath), { recursive: true });
  // Personal data and secrets' hashes: readable by the service's user only. SQLite
  // gives its -wal and -shm files the mode of the database file.
  if (options.sqlitePath !== ':memory:' && !existsSync(options.sqlitePath)) closeSync(openSync(options.sqlitePath, 'a', 0o600));
  const sqlite = new SQLite(options.sqlitePath);
  // WAL lets readers run beside the writer; synchronous=FULL makes a committed
  // case survive power loss, not only a process crash.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return handle(db, 'sqlite');
}

/**
 * Kysely prepares every query anew; compiling the statement was about a third of
 * the database time of a cached document download (profile in docs/benchmarks.md).
 * Our queries are a fixed set of shapes, so their statements are kept and reused.
 * Safe because Kysely runs one query at a time on the single SQLite connection.
 */
export function withStatementCache(sqlite: SQLite.Database, limit = 500): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (!statement) {
        statement = sqlite.prepare(text);
        // Queries built with a variable number of values (IN lists) make new shapes; keep the set bounded.
        if (statements.size >= limit) statements.delete(statements.keys().next().value!);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

function handle(db: Kysely<Database>, dialect: Dialect): DatabaseHandle {
  return {
    db,
    dialect,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(handle.dialect) };
  const migrator = new Migrator({ db: handle.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when `error` is a unique-constraint violation in either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
